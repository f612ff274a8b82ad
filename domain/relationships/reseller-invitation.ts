import type { Partner, PartnerRef, PersonRef } from '../partners/partner.js';
import type { AccessGrant } from './relationship.js';

/**
 * A provider's invitation to a reseller, by mail, link (`/relationships/<token>`) and code
 * (`accept RXXX-XXXX-XXXX`): the way in for a reseller the provider knows only by its address, and
 * a second way to the card for one already enrolled. Accepting binds it to one reseller and
 * opens the pending relationship; the reseller still consents on the relationship's card.
 */
export const RESELLER_INVITATION_STATES = ['pending', 'accepted', 'revoked'] as const;
export type ResellerInvitationState = (typeof RESELLER_INVITATION_STATES)[number];

export interface ResellerInvitation {
  readonly id: string;
  readonly providerRef: PartnerRef;
  readonly email: string;
  /** When the provider named one, only that reseller may accept. */
  readonly partnerId?: string;
  /**
   * The enrolled reseller the PartnerID (or the address its contact proved) named when it was
   * sent: its admins got the invitation card and may accept it there. Never shown to the
   * provider, whose answer is the same whether or not a reseller was found.
   */
  readonly resellerRef?: PartnerRef;
  readonly grant: AccessGrant;
  readonly createdBy: PersonRef;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly state: ResellerInvitationState;
  /** The reseller that accepted, and the relationship it opened (set just after). */
  readonly acceptedBy?: { readonly resellerRef: PartnerRef; readonly person: PersonRef };
  readonly acceptedAt?: Date;
  readonly relationshipRef?: string;
  /** The last Resend: at most one an hour (a replayed click renews nothing). */
  readonly resentAt?: Date;
}

export type NewResellerInvitation = Omit<
  ResellerInvitation,
  'id' | 'state' | 'acceptedBy' | 'acceptedAt' | 'relationshipRef'
> & { readonly tokenHash: string; readonly codeHash: string; readonly relationshipRef?: string };

export interface ResellerInvitationRepository {
  create(invitation: NewResellerInvitation): Promise<ResellerInvitation>;
  byTokenHash(hash: string): Promise<ResellerInvitation | null>;
  byCodeHash(hash: string): Promise<ResellerInvitation | null>;
  get(id: string): Promise<ResellerInvitation | null>;
  /** Binds a pending invitation to a reseller in one conditional update; null if it was not pending. */
  accept(
    id: string,
    by: { readonly resellerRef: PartnerRef; readonly person: PersonRef },
    at: Date
  ): Promise<ResellerInvitation | null>;
  setRelationship(id: string, relationshipRef: string): Promise<void>;
  /**
   * A provider's invitations still waiting for a reseller to accept (pending, unexpired, no
   * relationship opened: the reseller has not enrolled yet, or its admins have not accepted the
   * card), newest first, at most `limit`.
   */
  listWaiting(providerRef: PartnerRef, now: Date, limit: number): Promise<ResellerInvitation[]>;
  /**
   * A provider's invitations to an address (lowercase) made at `since` or later, in any state,
   * newest first: a bulk row's invitation a crashed run made, even accepted meanwhile.
   */
  listSentTo(providerRef: PartnerRef, email: string, since: Date): Promise<ResellerInvitation[]>;
  /** Revokes a provider's pending invitation in one conditional update; null if it was not. */
  revoke(id: string, providerRef: PartnerRef): Promise<ResellerInvitation | null>;
  /**
   * New secrets and a new end for a provider's pending invitation (Resend), stamping `resentAt`
   * = `at`, only if it was not resent after `notAfter`; null if not.
   */
  renew(
    id: string,
    providerRef: PartnerRef,
    secrets: { readonly tokenHash: string; readonly codeHash: string; readonly expiresAt: Date },
    at: Date,
    notAfter: Date
  ): Promise<ResellerInvitation | null>;
}

/** Why an invitation no longer opens anything (its page and Accept say so). */
export type UnusableReason = 'accepted' | 'revoked' | 'expired';

/** Why the invitation can no longer be accepted, or undefined while it still can. */
export function unusableBecause(
  invitation: Pick<ResellerInvitation, 'state' | 'expiresAt'>,
  now: Date
): UnusableReason | undefined {
  if (invitation.state === 'accepted') return 'accepted';
  if (invitation.state === 'revoked') return 'revoked';
  if (invitation.expiresAt <= now) return 'expired';
  return undefined;
}

/**
 * The states of an invitation still waiting for a reseller: nobody accepted it and it was not
 * revoked. The rule (`isWaiting`) and the repository's queries and conditional updates read it.
 */
export const WAITING_STATES: readonly ResellerInvitationState[] = ['pending'];

/** Whether the provider may still Revoke or Resend it: nobody accepted it and it was not revoked. */
export function isWaiting(invitation: Pick<ResellerInvitation, 'state'>): boolean {
  return WAITING_STATES.includes(invitation.state);
}

/** Whether its card was sent to this reseller's admins: only they may Accept on that card. */
export function wasSentTo(
  invitation: Pick<ResellerInvitation, 'resellerRef'>,
  resellerRef: PartnerRef
): boolean {
  return invitation.resellerRef === resellerRef;
}

/**
 * What a reseller's Accept (card, link or code) does: opens again the relationship this reseller
 * accepted it for already (a second admin, a repeated command); is refused (used, revoked or
 * expired for anyone else; named another PartnerID; the provider's own tenant); or accepts it,
 * `claimed` when it is bound to this reseller already (a retry after a crash claims nothing).
 */
export type Acceptance =
  | { readonly kind: 'reopen'; readonly relationshipRef: string }
  | {
      readonly kind: 'refused';
      readonly reason: UnusableReason | 'otherReseller' | 'ownTenant';
    }
  | { readonly kind: 'accept'; readonly claimed: boolean };

/** The Acceptance of an invitation by a reseller (the provider's tenant, when it is known). */
export function acceptance(
  invitation: ResellerInvitation,
  reseller: Pick<Partner, 'id' | 'partnerId' | 'tenantId'>,
  providerTenantId: string | undefined,
  now: Date
): Acceptance {
  const mine = invitation.acceptedBy?.resellerRef === reseller.id;
  if (invitation.state === 'accepted' && mine && invitation.relationshipRef) {
    return { kind: 'reopen', relationshipRef: invitation.relationshipRef };
  }
  const reason = mine ? undefined : unusableBecause(invitation, now);
  if (reason) return { kind: 'refused', reason };
  if (invitation.partnerId && invitation.partnerId !== reseller.partnerId) {
    return { kind: 'refused', reason: 'otherReseller' };
  }
  if (reseller.tenantId === providerTenantId) return { kind: 'refused', reason: 'ownTenant' };
  return { kind: 'accept', claimed: mine };
}
