import type { UserRef } from '../partners/actor.js';
import type { PartnerRef } from '../partners/partner.js';
import type { Language } from '../../i18n/i18n.js';

/** Who a notification is for: one user, every user of a partner with given roles, or the operators. */
export type Recipient =
  | { readonly kind: 'user'; readonly user: UserRef }
  | {
      readonly kind: 'partnerRoles';
      readonly partnerRef: PartnerRef;
      readonly roles: readonly string[];
    }
  | { readonly kind: 'operators' };

/** What a recipient sees: a text, a card, or both (rendered in the recipient's language). */
export interface NotificationContent {
  /**
   * The message; beside a card, the one-line summary of it (Teams' feed and toast, a mail's
   * text): the card alone is shown in the chat, once.
   */
  readonly text?: string;
  readonly card?: Record<string, unknown>;
}

/** What a card is about (`{ type: 'application', id }`), so it can be updated in place later. */
export interface NotificationSubject {
  readonly type: string;
  readonly id: string;
}

/** The mail sent when a notification cannot be delivered in Teams (template in `i18n/*\/mail.json`). */
export interface MailFallback {
  readonly templateKey: string;
  readonly values: Record<string, unknown>;
}

export interface NotifyInput {
  /**
   * Idempotency key, deterministic for the domain change (`application:42:approved`): a retried
   * call with the same key never enqueues twice.
   */
  readonly key: string;
  readonly to: Recipient;
  readonly content: (language: Language) => NotificationContent;
  readonly subject?: NotificationSubject;
  readonly mailFallback?: MailFallback;
}

/**
 * What the other features call. Write the domain change first (one conditional update), then
 * call `notify` with a key derived from that change: a crash in between is repaired by retrying
 * the domain call, which finds the change done and notifies again with the same key.
 */
export interface Notifier {
  notify(input: NotifyInput): Promise<void>;
  /**
   * Re-renders, in place, every card already sent (or about to be) about `subject`, each in its
   * reader's language; `reader` lets a copy speak to the one person who holds it (the person
   * whose click made the change keeps what their click's answer told them).
   */
  updateCards(
    subject: NotificationSubject,
    content: (language: Language, reader: CopyReader) => Record<string, unknown>,
    opts?: { readonly key?: string }
  ): Promise<void>;
}

/** Who holds a copy of a card: the person it was sent to. */
export interface CopyReader {
  readonly tenantId?: string;
  readonly aadObjectId: string;
}

/** Resolves partner-role recipients; implemented by enrollment. */
export interface RecipientDirectory {
  usersWithRoles(partnerRef: PartnerRef, roles: readonly string[]): Promise<UserRef[]>;
}
