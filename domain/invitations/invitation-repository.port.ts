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
      | 'decidedBy'
      | 'decidedAt'
      | 'decidedByEmail'
      | 'tokenHash'
      | 'codeHash'
      | 'expiresAt'
      | 'lastResentAt'
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
  /**
   * A partner's invitations, newest first; with `states`, only those; with `companyPrefix`,
   * only those whose customer's company name starts so (any case).
   */
  listPage(query: {
    readonly partnerRef: PartnerRef;
    readonly states?: readonly InvitationState[];
    readonly companyPrefix?: string;
    /** A column order (the dashboard's tables) instead of newest first; ties newest first. */
    readonly sort?: InvitationSort;
    readonly skip: number;
    readonly limit: number;
  }): Promise<{ items: Invitation[]; total: number }>;
}

/** The tries a person's or an organization's guess record allows, and for how long. */
export interface GuessBudget {
  /** Tries in one window; the try that reaches it locks the record. */
  readonly max: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
}

/** One person's (or, keyed `tenant:<id>`, one organization's) code tries: the throttle's record. */
export interface GuessRecord {
  readonly key: string;
  /** Tries counted in the window: wrong ones, and right ones still being checked. */
  readonly failures: number;
  readonly windowStartedAt: Date;
  readonly lockedUntil?: Date;
}

/** Code tries per person and per organization; each count is one atomic, conditional update. */
export interface CodeGuessRepository {
  get(key: string): Promise<GuessRecord | null>;
  /**
   * Takes one try before the code is checked: one conditional update that refuses (null) once
   * `budget.max` are counted, however many tries arrive at once. A window older than
   * `budget.windowMs` starts again at `now`, unless a lock still holds. Returns the record
   * after counting.
   */
  take(key: string, now: Date, budget: GuessBudget): Promise<GuessRecord | null>;
  /** Locks a spent budget until `until`; a lock already set is never stretched. */
  lock(key: string, until: Date, budget: GuessBudget): Promise<void>;
  /** Gives back the one try a right code took (the wrong ones stay counted). */
  giveBack(key: string): Promise<void>;
}

/** A list's order by one column (the dashboard's sortable tables). */
export interface InvitationSort {
  readonly by: 'createdAt' | 'expiresAt' | 'state' | 'company';
  readonly order: 'asc' | 'desc';
}
