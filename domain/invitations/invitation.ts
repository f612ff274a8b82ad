import type { PartnerRef, PersonRef } from '../partners/partner.js';

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

/** Who accepted an invitation, and when (the partners' list says who said yes), if anyone did. */
export function acceptance(
  invitation: Pick<Invitation, 'history'>
): { readonly by: PersonRef; readonly at: Date } | undefined {
  const event = invitation.history.find((e) => e.to === 'accepted' && e.by !== 'system');
  return event && event.by !== 'system' ? { by: event.by, at: event.at } : undefined;
}
