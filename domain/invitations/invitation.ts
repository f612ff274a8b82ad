import type { Partner, PartnerRef, PersonRef } from '../partners/partner.js';
import { ROLE_MATRIX, type Role } from '../partners/roles.js';
import { isSamePerson } from '../partners/actor.js';

/**
 * Who is invited: a customer (by a reseller, optionally with one of its indirect providers), or
 * a reseller (by a provider, relationships' `invite reseller`). One code space serves both, and
 * the code's first letter says which kind it is, so `accept <code>` is the one entry point.
 */
export const INVITATION_KINDS = ['customer', 'reseller'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/** pending -> accepted | declined | expired | revoked; nothing leaves those. */
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'expired', 'revoked'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** The `invitations` list's state filter: Closed is declined, revoked or expired. */
export const INVITATION_LIST_FILTERS = ['all', 'pending', 'accepted', 'closed'] as const;
export type InvitationListFilter = (typeof INVITATION_LIST_FILTERS)[number];
export const INVITATION_FILTER_STATES: Record<
  InvitationListFilter,
  readonly InvitationState[] | undefined
> = {
  all: undefined,
  pending: ['pending'],
  accepted: ['accepted'],
  closed: ['declined', 'revoked', 'expired'],
};

/** What a customer invitation brings the customer into. */
export interface CustomerInvitationTerms {
  /** The inviting reseller. */
  readonly resellerRef: PartnerRef;
  /** The active provider-reseller relationship chosen ("with my indirect provider"), if any. */
  readonly relationshipRef?: string;
  /** That relationship's provider, kept so the invitation reads the same after it ends. */
  readonly providerRef?: PartnerRef;
  readonly companyName: string;
  /** The customer admin's address, when the reseller gave one (the mail goes there). */
  readonly adminEmail?: string;
  /** The reseller's personal note, shown on the page and the card. */
  readonly note?: string;
}

/** One step of an invitation's life (the audit trail). */
export interface InvitationEvent {
  readonly at: Date;
  readonly by: PersonRef | 'system';
  readonly from: InvitationState | null;
  readonly to: InvitationState;
  /** `relationshipEnded`: revoked by the system because the relationship it names ended. */
  readonly note?: 'resent' | 'relationshipEnded';
}

/**
 * An invitation. Its link token and its typed code are stored only as keyed hashes (HMAC-SHA256
 * under `INVITATION_CODE_KEY`; plain SHA-256 in invitations made before the key): the database
 * alone never lets anyone accept, nor check a guessed code.
 */
export interface Invitation {
  readonly id: string;
  readonly kind: InvitationKind;
  readonly state: InvitationState;
  /** The partner that invites (the reseller of a customer invitation). */
  readonly partnerRef: PartnerRef;
  readonly customer?: CustomerInvitationTerms;
  readonly tokenHash: string;
  readonly codeHash: string;
  readonly invitedBy: PersonRef;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /**
   * People (`tenantId/aadObjectId`) who showed the code or link in Teams: only they may click
   * Accept or Decline on its card, so knowing an invitation's id is never enough.
   */
  readonly openedBy: readonly string[];
  /** Who accepted or declined, and when. */
  readonly decidedBy?: PersonRef;
  readonly decidedAt?: Date;
  /**
   * The accepting admin's email or UPN, when Teams gave one: the settle step records it (and
   * its domain) on the customer, so partners see who to contact there.
   */
  readonly decidedByEmail?: string;
  readonly history: readonly InvitationEvent[];
  /** Stamped with each transition in the same update; cleared once its notices are enqueued. */
  readonly noticeOwedAt?: Date;
  /** The last Resend: the next one waits `RESEND_INTERVAL_MS` (claimed in one update). */
  readonly lastResentAt?: Date;
}

export type NewInvitation = Omit<Invitation, 'id'>;

/** The key of a person in `openedBy` and in the guess throttle. */
export function personKey(p: { readonly tenantId: string; readonly aadObjectId: string }): string {
  return `${p.tenantId}/${p.aadObjectId}`;
}

/** One Resend per invitation per hour: the customer's admin is never flooded with mail. */
export const RESEND_INTERVAL_MS = 60 * 60_000;

/** When the invitation may be sent again, or undefined when it may be now. */
export function resendAllowedAt(invitation: Invitation, now: Date): Date | undefined {
  if (!invitation.lastResentAt) return undefined;
  const at = new Date(invitation.lastResentAt.getTime() + RESEND_INTERVAL_MS);
  return at > now ? at : undefined;
}

/** Revoked by the system because the provider relationship it names ended (not by a person). */
export function revokedWithRelationship(invitation: Invitation): boolean {
  const last = invitation.history[invitation.history.length - 1];
  return invitation.state === 'revoked' && last?.note === 'relationshipEnded';
}

/**
 * Who may learn what became of an invitation that no longer opens (who accepted or declined
 * it, who revoked it, when): the organization that decided it, people who opened it while it
 * was live, and its partners (`isPartner`: the inviting reseller's or the provider's people who
 * may see customers). Anyone else holding the link or code learns only that it is no longer
 * valid, as the link's page answers.
 */
export function mayLearnOutcome(
  invitation: Invitation,
  who: { readonly tenantId: string; readonly aadObjectId: string },
  isPartner: boolean
): boolean {
  return (
    isPartner ||
    invitation.decidedBy?.tenantId === who.tenantId ||
    invitation.openedBy.includes(personKey(who))
  );
}

/**
 * Whether a person holding an invitation's code or link is shown it in full: anyone while it is
 * pending (as of now, `state`), afterwards only those who may learn its outcome.
 */
export function shownInFull(
  invitation: Invitation,
  state: InvitationState,
  who: { readonly tenantId: string; readonly aadObjectId: string },
  isPartner: boolean
): boolean {
  return mayAnswer(state) || mayLearnOutcome(invitation, who, isPartner);
}

/** Who accepted an invitation, and when (the partners' list says who said yes), if anyone did. */
export function acceptance(
  invitation: Pick<Invitation, 'history'>
): { readonly by: PersonRef; readonly at: Date } | undefined {
  const event = invitation.history.find((e) => e.to === 'accepted' && e.by !== 'system');
  return event && event.by !== 'system' ? { by: event.by, at: event.at } : undefined;
}

/**
 * The state as of `now`: a pending invitation past its date reads as expired (it can no longer
 * be answered) before the sweep marks it so.
 */
export function stateAt(
  invitation: Pick<Invitation, 'state' | 'expiresAt'>,
  now: Date
): InvitationState {
  return invitation.state === 'pending' && invitation.expiresAt <= now
    ? 'expired'
    : invitation.state;
}

/** Answered by the customer: accepted or declined (not expired or revoked). */
export function isAnswered(state: InvitationState): state is 'accepted' | 'declined' {
  return state === 'accepted' || state === 'declined';
}

/**
 * Which copy of an invitation a person sees: its partners' (the inviting reseller's people and
 * the named provider's) or the customer's (anyone else who opened it).
 */
export type InvitationSide = 'customer' | 'partner';

/** What may be done to an invitation: the customer answers, the inviting partner manages. */
export type InvitationAction = 'accept' | 'decline' | 'revoke' | 'resend';

/** A viewer of an invitation: their side, and on the partners' side whether they may manage. */
export interface InvitationViewer {
  readonly side: InvitationSide;
  /** Holds `invitations.manage` (Revoke, Resend) on the inviting partner. */
  readonly mayManage?: boolean;
}

/** Who acts next on an invitation in this state: the customer while it is pending, else nobody. */
export function whoActsNext(state: InvitationState): InvitationSide | undefined {
  return state === 'pending' ? 'customer' : undefined;
}

/** Accept and Decline are for a pending invitation only. */
export function mayAnswer(state: InvitationState): boolean {
  return state === 'pending';
}

/** Revoke takes back a pending invitation only: an answered one is the customer's. */
export function mayRevoke(state: InvitationState): boolean {
  return state === 'pending';
}

/** Resend gives a pending or expired invitation a new link and code (an answered one is done). */
export function mayResend(state: InvitationState): boolean {
  return state === 'pending' || state === 'expired';
}

/**
 * What a viewer may do to an invitation in this state (as of now), in the order its card offers
 * it: the customer's side answers a pending one; partners who may manage resend a pending or
 * expired one and revoke a pending one. Who the viewer is (their side, their roles) is the
 * caller's read; the rule is here, asked by the service, the cards and the API alike.
 */
export function invitationActions(
  state: InvitationState,
  viewer: InvitationViewer
): InvitationAction[] {
  if (viewer.side === 'customer') return mayAnswer(state) ? ['accept', 'decline'] : [];
  if (!viewer.mayManage) return [];
  return [
    ...(mayResend(state) ? (['resend'] as const) : []),
    ...(mayRevoke(state) ? (['revoke'] as const) : []),
  ];
}

/**
 * Whether a partner is one of the invitation's partners (the inviting reseller or the provider
 * it names): their people see the partners' copy, anyone else the customer's.
 */
export function isPartyOf(invitation: Invitation, partnerRef: PartnerRef | undefined): boolean {
  return (
    !!partnerRef &&
    (partnerRef === invitation.partnerRef || partnerRef === invitation.customer?.providerRef)
  );
}

/** Answered (accepted or declined) by this very person, not by another admin of the customer. */
export function answeredBy(
  invitation: Invitation,
  state: InvitationState,
  who: { readonly tenantId: string; readonly aadObjectId: string }
): boolean {
  return isAnswered(state) && isSamePerson(invitation.decidedBy, who);
}

/** Why a person may not answer an invitation now (see `answerRefusal`). */
export type AnswerRefusal = 'notOpened' | 'ownTenant' | 'notPending';

/**
 * Why this person may not Accept or Decline the invitation now, or undefined when they may: only
 * someone who opened it (its code or link), of neither partner's tenant (`partnerTenants`), while
 * it is pending. Their own earlier answer is no refusal: their second click is told it is done.
 */
export function answerRefusal(
  invitation: Invitation,
  state: InvitationState,
  who: { readonly tenantId: string; readonly aadObjectId: string },
  partnerTenants: readonly string[]
): AnswerRefusal | undefined {
  if (!invitation.openedBy.includes(personKey(who))) return 'notOpened';
  if (partnerTenants.includes(who.tenantId)) return 'ownTenant';
  if (!mayAnswer(state) && !answeredBy(invitation, state, who)) return 'notPending';
  return undefined;
}

/** Why a partner may not invite customers (see `customerInviteRefusal`). */
export type InviteRefusal = 'notApproved' | 'onlyReseller';

/**
 * Why this partner's people may not invite customers, or undefined when they may (those who
 * hold `customers.invite`): only an approved reseller invites customers (a provider invites
 * resellers).
 */
export function customerInviteRefusal(
  partner: Pick<Partner, 'status' | 'partnerType'>
): InviteRefusal | undefined {
  if (partner.status !== 'approved') return 'notApproved';
  if (partner.partnerType !== 'reseller') return 'onlyReseller';
  return undefined;
}

/** A partner's side of an invitation, as its notices address them. */
export type InvitationPartnerSide = 'reseller' | 'provider';

/**
 * Who on each partner's side hears about its invitations: the reseller's people who may send
 * them (`customers.invite`), the provider's admins.
 */
export const INVITATION_NOTICE_ROLES: Record<InvitationPartnerSide, readonly Role[]> = {
  reseller: ROLE_MATRIX['customers.invite'].roles,
  provider: ['globalAdmin', 'adminAgent'],
};

/** What an invitation's change (to `state`) owes once it is stored. */
export interface InvitationChangeOwes {
  /** Every copy of its card, re-rendered in place. */
  readonly copies: readonly InvitationSide[];
  /** The partner sides told of it at once (an answer only). */
  readonly told: readonly InvitationPartnerSide[];
  /** An acceptance makes the customer, its link to the partners and its admin. */
  readonly customerLink: boolean;
}

/**
 * What a change owes: every copy of the card re-rendered (none for the creation); an answer told to the reseller's side
 * and the provider's when the invitation names one; an acceptance also the customer record and
 * its link (once the accepting person is recorded).
 */
export function changeOwes(invitation: Invitation, state: InvitationState): InvitationChangeOwes {
  const answered = isAnswered(state);
  // The creation (stamped for what it owes other features: webhooks' invitation.created) has
  // no copy to re-render: the inviter's answer is its first card.
  const created = invitation.history[invitation.history.length - 1]?.from === null;
  return {
    copies: created ? [] : ['customer', 'partner'],
    told: answered
      ? ['reseller', ...(invitation.customer?.providerRef ? ['provider' as const] : [])]
      : [],
    customerLink:
      invitation.state === 'accepted' && !!invitation.customer && !!invitation.decidedBy,
  };
}
