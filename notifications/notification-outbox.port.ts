import type { UserRef } from '../domain/partners/actor.js';
import type {
  MailFallback,
  NotificationContent,
  NotificationSubject,
} from '../domain/notifications/notification.js';
import type { Language } from '../i18n/i18n.js';

/**
 * Life of an outbox item: `due` -> `leased` (a worker owns it until `leaseUntil`) -> `sent`; or
 * back to `due` with a later `dueAt` (retry), `held` (no way to reach the user until they install
 * the app), `dead` (attempts exhausted: operators see it, the recipient gets a mail).
 * Updates that lost to a newer update of the same card end `superseded`; updates of a card that
 * was never delivered end `skipped`.
 */
export type OutboxState = 'due' | 'leased' | 'sent' | 'held' | 'dead' | 'superseded' | 'skipped';
export type HeldReason = 'notInstalled' | 'gone' | 'noTenant';
export type MailState = 'none' | 'pending' | 'sent' | 'failed';

/** Where an outbox item goes: a user; the tenant is unknown for an operator not yet seen. */
export interface OutboxAddress {
  readonly tenantId?: string;
  readonly aadObjectId: string;
}

/** A mail the outbox sends (kind `mail`): the address and template; its values are sealed. */
export interface OutboxLetter {
  readonly to: string;
  readonly templateKey: string;
}

export interface NewOutboxItem {
  readonly key: string;
  /** `mail`: an SMTP mail (an invitation's), sent by the worker instead of a Teams message. */
  readonly kind: 'message' | 'update' | 'mail';
  /** Unique with `key`: the same notification is enqueued once per recipient. */
  readonly recipientKey: string;
  readonly to: OutboxAddress;
  readonly language: Language;
  readonly content: NotificationContent;
  readonly subject?: NotificationSubject;
  readonly mailFallback?: MailFallback;
  /** For an update: the message whose card it replaces. */
  readonly originalId?: string;
  readonly dueAt: Date;
  /** For a mail: where it goes and its template. */
  readonly letter?: OutboxLetter;
  /**
   * The secret part, sealed (SealedBox, keyed by `key|recipientKey`): a mail's values, or an
   * update's content. Erased once the item is sent or finally fails.
   */
  readonly sealed?: string;
}

export interface OutboxItem extends NewOutboxItem {
  readonly id: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly owner?: string;
  readonly leaseUntil?: Date;
  readonly heldReason?: HeldReason;
  readonly lastError?: string;
  readonly activityId?: string;
  readonly conversationId?: string;
  readonly reference?: Record<string, unknown>;
  readonly sentAt?: Date;
  readonly deadAt?: Date;
  readonly mail?: MailState;
  readonly createdAt: Date;
}

/** Where the item was delivered: what a later in-place update needs. */
export interface SentRecord {
  readonly activityId: string;
  readonly conversationId: string;
  readonly reference: Record<string, unknown>;
  readonly sentAt: Date;
}

/**
 * The durable outbox. Every transition is one conditional update on (id, state, owner), so
 * two workers can never both move the same item, and no multi-document transaction is needed.
 */
export interface NotificationOutbox {
  /** Inserts what is not there yet; a duplicate (key, recipientKey) is "already enqueued". Returns how many were new. */
  enqueue(items: readonly NewOutboxItem[]): Promise<number>;
  /**
   * Leases the oldest due item of a recipient ready now (or an item whose lease ran out); reads
   * only ready recipients and the one recipient's items, never a paced recipient's backlog.
   */
  claimNext(opts: {
    owner: string;
    now: Date;
    leaseMs: number;
    skipAadObjectIds: readonly string[];
    skipTenantIds: readonly string[];
    /** Items not to claim again (sent by this process, the record still to be written). */
    skipIds?: readonly string[];
  }): Promise<OutboxItem | null>;
  /**
   * Like `claimNext`, up to `max` items of different recipients in one look: a worker with free
   * slots fills them without a round trip per item (claims one at a time were what a loaded
   * database slowed delivery down to a few items a second with).
   */
  claimSome(
    opts: Parameters<NotificationOutbox['claimNext']>[0] & { max: number }
  ): Promise<OutboxItem[]>;
  /**
   * Says the recipient sends nothing before `until` (the pacer's next opening, a Retry-After):
   * claims skip their items without reading them until then.
   */
  pace(aadObjectId: string, until: Date): Promise<void>;
  /** The earliest time a recipient not skipped may send (null: nothing is waiting). */
  nextReadyAt(skip: {
    skipAadObjectIds: readonly string[];
    skipTenantIds: readonly string[];
  }): Promise<Date | null>;
  /**
   * Says ready every recipient with due items that is not known to be (a crash between an
   * insert and its recipient's update). Returns how many were missing.
   */
  repairRecipients(now: Date): Promise<number>;
  /** Gives a claimed item back without counting an attempt (pacing, ordering). */
  postpone(id: string, owner: string, dueAt: Date): Promise<void>;
  markSent(id: string, owner: string, sent: SentRecord): Promise<boolean>;
  /**
   * Records a card the bot sent in a reply (not through the outbox) as already sent, so later
   * `updateCards` of its subject reach this copy too. A repeated (key, recipientKey) is a no-op.
   */
  recordSent(item: NewOutboxItem, sent: SentRecord): Promise<void>;
  /**
   * Whether the message a recorded copy is on was recorded again later as a copy of another
   * subject (a click there replaced its card): it no longer shows this subject's card.
   */
  replacedLater(copy: OutboxItem): Promise<boolean>;
  scheduleRetry(id: string, owner: string, dueAt: Date, error: string): Promise<void>;
  hold(id: string, owner: string, reason: HeldReason, error?: string): Promise<void>;
  setTenant(id: string, owner: string, tenantId: string): Promise<void>;
  deadLetter(id: string, owner: string, error: string, at: Date, mail: MailState): Promise<boolean>;
  finish(id: string, owner: string, state: 'superseded' | 'skipped', reason: string): Promise<void>;
  setMailState(id: string, mail: MailState): Promise<void>;
  /** Recipients with held items (checked now and then: a user may be reachable again). */
  heldRecipients(limit: number): Promise<OutboxAddress[]>;
  /** Held items of the user (or of their object id with no tenant yet) become due. Returns how many. */
  release(user: UserRef, now: Date): Promise<number>;
  get(id: string): Promise<OutboxItem | null>;
  /** Messages about a subject that may still be shown (sent or on their way). */
  messagesAbout(subject: NotificationSubject): Promise<OutboxItem[]>;
  /**
   * Puts an update's card into its original while the original still waits to go out (due or
   * held, not leased): the recipient then gets the card as it is now, with no update after it.
   * False when the original is being sent or was sent (the update is sent as an update).
   */
  mergeIntoOriginal(originalId: string, card: Record<string, unknown>): Promise<boolean>;
  /** Due updates of an original, superseded by a newer one. */
  supersedeUpdates(originalId: string, exceptKey: string): Promise<void>;
  countsByState(): Promise<Partial<Record<OutboxState, number>>>;
  deadLetters(limit: number): Promise<OutboxItem[]>;
  /** A dead item becomes due again with fresh attempts (operator's Retry). */
  retryDead(id: string, now: Date): Promise<boolean>;
  /** Dead items whose fallback mail has not been sent yet (a crash between the two). */
  deadAwaitingMail(limit: number): Promise<OutboxItem[]>;
  /**
   * Takes the fallback mail of a dead item whose mail is still pending and was not taken since
   * `staleBefore`: true for exactly one caller, so two processes never mail it twice.
   */
  claimFallbackMail(id: string, now: Date, staleBefore: Date): Promise<boolean>;
  backlog(now: Date): Promise<{ backlog: number; oldestDueAt?: Date }>;
  /**
   * Sends recorded since `since`, and sends in flight (claimed since then, not yet recorded, at
   * their claim time), oldest first: what a process taking over delivery counts.
   */
  sentSince(since: Date): Promise<RecordedSend[]>;
}

/** One send: to whom, and when it completed (or, still in flight, when it began). */
export interface RecordedSend {
  readonly to: OutboxAddress;
  readonly sentAt: Date;
}
