import type { OwedNoticeStore } from '../notices/owed-notices.js';
import type { PartnerRef } from '../partners/partner.js';
import type { Invitation, InvitationEvent, InvitationState, NewInvitation } from './invitation.js';

/** A new invitation's token or code hash is taken (astronomically unlikely): draw again. */
export class DuplicateInvitationSecretError extends Error {
  constructor() {
    super('invitation token or code hash already taken');
    this.name = 'DuplicateInvitationSecretError';
  }
}

/** What a transition writes, with its history event and the notice stamp. */
export interface InvitationChange {
  readonly state: InvitationState;
  readonly event: InvitationEvent;
  readonly set?: Partial<
    Pick<
      Invitation,
      'decidedBy' | 'decidedAt' | 'tokenHash' | 'codeHash' | 'expiresAt' | 'lastResentAt'
    >
  >;
  /** Resend: the old secrets die and nobody has opened the new ones yet. */
  readonly clearOpeners?: boolean;
}

/** Invitations. Unique: `tokenHash`, `codeHash`. Every change is one conditional update. */
export interface InvitationRepository extends OwedNoticeStore<Invitation> {
  /** Throws DuplicateInvitationSecretError when a hash is taken. */
  create(invitation: NewInvitation): Promise<Invitation>;
  get(id: string): Promise<Invitation | null>;
  findByTokenHash(hash: string): Promise<Invitation | null>;
  findByCodeHash(hash: string): Promise<Invitation | null>;
  /**
   * Applies `change` only while the invitation is in `from` and, with `guard.expiresAfter`,
   * expires after that moment (an expired one is never accepted, even before the sweep), and,
   * with `guard.resentBefore`, was last resent at that moment or earlier, or never (so two
   * Resends at once claim the hour once).
   */
  transition(
    id: string,
    from: InvitationState,
    change: InvitationChange,
    guard?: { readonly expiresAfter?: Date; readonly resentBefore?: Date }
  ): Promise<Invitation | null>;
  /** Invitations in `state` that name a provider relationship, oldest first. */
  listNaming(relationshipRef: string, state: InvitationState, limit: number): Promise<Invitation[]>;
  /** Records that a person showed the code or link (idempotent). */
  addOpener(id: string, personKey: string): Promise<void>;
  /** Pending invitations whose date is `before` or earlier, oldest first. */
  listExpired(before: Date, limit: number, partnerRef?: PartnerRef): Promise<Invitation[]>;
  /** A partner's invitations, newest first. */
  listPage(query: {
    readonly partnerRef: PartnerRef;
    readonly skip: number;
    readonly limit: number;
  }): Promise<{ items: Invitation[]; total: number }>;
}

/** One person's wrong code guesses: the throttle's record. */
export interface GuessRecord {
  readonly personKey: string;
  readonly failures: number;
  readonly windowStartedAt: Date;
  readonly lockedUntil?: Date;
}

/** Wrong-code counts per person; each count is one atomic update. */
export interface CodeGuessRepository {
  get(personKey: string): Promise<GuessRecord | null>;
  /**
   * Counts one wrong guess: a window older than `windowStart` starts again at `now`. Returns the
   * record after counting.
   */
  countFailure(personKey: string, now: Date, windowStart: Date): Promise<GuessRecord>;
  /** Locks the person out until `until`. */
  lock(personKey: string, until: Date): Promise<void>;
  /** A right code forgets the wrong ones. */
  clear(personKey: string): Promise<void>;
}
