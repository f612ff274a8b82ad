import { randomBytes, randomUUID } from 'node:crypto';
import type { UserRef } from '../domain/partners/actor.js';
import type {
  NotificationContent,
  NotificationSubject,
  CopyReader,
  Notifier,
  NotifyInput,
  Recipient,
  RecipientDirectory,
} from '../domain/notifications/notification.js';
import type {
  NewOutboxItem,
  NotificationOutbox,
  OutboxAddress,
  OutboxItem,
  OutboxState,
} from './notification-outbox.port.js';
import type { Language } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from './clock.js';
import type { DeliveryDirectory } from './delivery-directory.port.js';
import { SealedBox } from './sealed-box.js';

export interface NotificationServiceDeps {
  readonly outbox: NotificationOutbox;
  readonly directory: DeliveryDirectory;
  /** Resolves partner-role recipients (enrollment); without it such notifications are refused. */
  readonly recipients?: RecipientDirectory;
  readonly operatorAadObjectIds: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Seals the secret part of queued mails and secret card updates (a key derived from
   * INVITATION_CODE_KEY); the delivery worker opens them with the same key. Unset (tests
   * without mail): a key of this process only.
   */
  readonly sealer?: SealedBox;
  /** Called after new items were enqueued (wakes the worker in this process). */
  readonly onEnqueued?: () => void;
}

/** A mail for the outbox: its values (link, code) are sealed until it is sent. */
export interface QueuedMail {
  /** Unique per mail: the same key queues nothing twice. */
  readonly key: string;
  readonly to: string;
  readonly templateKey: string;
  readonly language: Language;
  readonly values: Record<string, unknown>;
  /** What the mail is about: the worker tells the subject's listeners how it went. */
  readonly subject: NotificationSubject;
  /** Sealed with the values, handed to the listeners (what they need to redraw a card). */
  readonly context?: Record<string, unknown>;
}

/** What a sealed mail item holds. */
export interface SealedMail {
  readonly values: Record<string, unknown>;
  readonly context?: Record<string, unknown>;
}

/** The additional data a sealed part is bound to: its item's unique (key, recipientKey). */
export function sealedAad(item: { key: string; recipientKey: string }): string {
  return `${item.key}|${item.recipientKey}`;
}

/** What the `outbox` command shows. */
export interface OutboxSummary {
  readonly counts: Partial<Record<OutboxState, number>>;
  readonly deadLetters: readonly OutboxItem[];
}

/**
 * The one entry point for notifications: `notify` renders the content for each recipient in
 * their language and writes one outbox item per recipient; the delivery worker does the rest.
 */
export class NotificationService implements Notifier {
  private readonly log: Logger;
  private readonly sealer: SealedBox;

  constructor(private readonly deps: NotificationServiceDeps) {
    this.log = deps.logger.child({ module: 'notify' });
    this.sealer = deps.sealer ?? new SealedBox(randomBytes(32));
  }

  async notify(input: NotifyInput): Promise<void> {
    const addresses = await this.resolve(input.to);
    if (addresses.length === 0) {
      // Not an error for the caller (e.g. a partner with no admin agent yet), but never silent.
      this.log.warn({ key: input.key, to: input.to.kind }, 'notification has no recipients');
      return;
    }
    const now = new Date(this.deps.clock.now());
    const items: NewOutboxItem[] = [];
    for (const { to, recipientKey } of addresses) {
      const language = to.tenantId
        ? await this.deps.directory.languageOf({
            tenantId: to.tenantId,
            aadObjectId: to.aadObjectId,
          })
        : 'en';
      const content = input.content(language);
      assertContent(content, input.key);
      items.push({
        key: input.key,
        kind: 'message',
        recipientKey,
        to,
        language,
        content,
        dueAt: now,
        ...(input.subject ? { subject: input.subject } : {}),
        ...(input.mailFallback ? { mailFallback: input.mailFallback } : {}),
      });
    }
    const inserted = await this.deps.outbox.enqueue(items);
    this.log.info({ key: input.key, recipients: items.length, inserted }, 'notification enqueued');
    if (inserted > 0) this.deps.onEnqueued?.();
  }

  /**
   * Queues a mail: the worker sends it with retries and backoff (at least once; the key makes
   * a repeated call a no-op). Its values are sealed, never stored in clear, and erased once the
   * mail is sent or finally failed.
   */
  async queueMail(mail: QueuedMail): Promise<void> {
    const recipientKey = `mail:${mail.subject.type}:${mail.subject.id}`;
    const sealed: SealedMail = {
      values: mail.values,
      ...(mail.context ? { context: mail.context } : {}),
    };
    const inserted = await this.deps.outbox.enqueue([
      {
        key: mail.key,
        kind: 'mail',
        recipientKey,
        // A recipient of its own: the pacer of Teams' chats never holds a mail back.
        to: { aadObjectId: recipientKey },
        language: mail.language,
        content: {},
        subject: mail.subject,
        letter: { to: mail.to, templateKey: mail.templateKey },
        sealed: this.sealer.seal(sealed, sealedAad({ key: mail.key, recipientKey })),
        dueAt: new Date(this.deps.clock.now()),
      },
    ]);
    this.log.info({ key: mail.key, template: mail.templateKey, inserted }, 'mail queued');
    if (inserted > 0) this.deps.onEnqueued?.();
  }

  async updateCards(
    subject: NotificationSubject,
    content: (language: Language, reader: CopyReader) => Record<string, unknown>,
    opts: {
      readonly key?: string;
      /** The card holds secrets (an invitation's code): stored sealed, erased once sent. */
      readonly secret?: boolean;
    } = {}
  ): Promise<void> {
    let originals = await this.deps.outbox.messagesAbout(subject);
    if (opts.secret) {
      // A secret card (an invitation's code) never goes back on a message a later click turned
      // into another card (Done hid the code): checked here, off the click's path.
      const shown: OutboxItem[] = [];
      for (const o of originals) if (!(await this.deps.outbox.replacedLater(o))) shown.push(o);
      originals = shown;
    }
    if (originals.length === 0) return;
    const key = opts.key ?? `update:${subject.type}:${subject.id}:${randomUUID()}`;
    const now = new Date(this.deps.clock.now());
    const items: NewOutboxItem[] = originals.map((original) => {
      const recipientKey = `${original.recipientKey}#${original.id}`;
      const card = content(original.language, original.to);
      return {
        key,
        kind: 'update',
        recipientKey,
        to: original.to,
        language: original.language,
        content: opts.secret ? {} : { card },
        ...(opts.secret
          ? { sealed: this.sealer.seal({ card }, sealedAad({ key, recipientKey })) }
          : {}),
        subject,
        originalId: original.id,
        dueAt: now,
      };
    });
    const inserted = await this.deps.outbox.enqueue(items);
    // Only the newest update of a card matters; older ones not yet sent need not be.
    for (const original of originals) await this.deps.outbox.supersedeUpdates(original.id, key);
    this.log.info({ key, subject, cards: items.length, inserted }, 'card updates enqueued');
    if (inserted > 0) this.deps.onEnqueued?.();
  }

  /**
   * A card the bot sent in a reply (a command's answer), recorded so that `updateCards` of its
   * subject updates this copy in place too, like the ones the outbox delivered.
   */
  async recordReplyCard(input: {
    readonly subject: NotificationSubject;
    readonly to: UserRef;
    readonly language: Language;
    readonly card: Record<string, unknown>;
    readonly sent: {
      activityId: string;
      conversationId: string;
      reference: Record<string, unknown>;
    };
  }): Promise<void> {
    const { subject, to, language, sent } = input;
    await this.deps.outbox.recordSent(
      {
        key: `reply:${subject.type}:${subject.id}:${sent.conversationId}:${sent.activityId}`,
        kind: 'message',
        recipientKey: `${to.tenantId}:${to.aadObjectId}`,
        to: { tenantId: to.tenantId, aadObjectId: to.aadObjectId },
        language,
        // Not the card: a recorded copy is only ever updated, never sent, and a reply card may
        // show what the database must not keep in clear (an invitation's link and code).
        content: {},
        subject,
        dueAt: new Date(this.deps.clock.now()),
      },
      { ...sent, sentAt: new Date(this.deps.clock.now()) }
    );
  }

  /** Makes what was held for the user (not installed, bot removed) due now; call on install. */
  async deliverPendingFor(user: UserRef): Promise<number> {
    const released = await this.deps.outbox.release(user, new Date(this.deps.clock.now()));
    if (released > 0) {
      this.log.info(
        { tenantId: user.tenantId, aadObjectId: user.aadObjectId, released },
        'held notifications released'
      );
      this.deps.onEnqueued?.();
    }
    return released;
  }

  /** Counts by state and the latest dead letters. */
  async summary(limit = 10): Promise<OutboxSummary> {
    const [counts, deadLetters] = await Promise.all([
      this.deps.outbox.countsByState(),
      this.deps.outbox.deadLetters(limit),
    ]);
    return { counts, deadLetters };
  }

  /** Operator's Retry on a dead letter; false when it is no longer dead. */
  async retryDead(id: string): Promise<boolean> {
    const ok = await this.deps.outbox.retryDead(id, new Date(this.deps.clock.now()));
    if (ok) this.deps.onEnqueued?.();
    return ok;
  }

  /** For /healthz: items waiting to be sent and how late the oldest one is. */
  async health(): Promise<{ outbox: { backlog: number; oldestDueAgeSeconds: number } }> {
    const now = this.deps.clock.now();
    const { backlog, oldestDueAt } = await this.deps.outbox.backlog(new Date(now));
    const oldestDueAgeSeconds = oldestDueAt
      ? Math.max(0, Math.round((now - oldestDueAt.getTime()) / 1000))
      : 0;
    return { outbox: { backlog, oldestDueAgeSeconds } };
  }

  private async resolve(to: Recipient): Promise<{ to: OutboxAddress; recipientKey: string }[]> {
    const userAddress = (u: UserRef) => ({
      to: { tenantId: u.tenantId, aadObjectId: u.aadObjectId },
      recipientKey: `${u.tenantId}:${u.aadObjectId}`,
    });
    switch (to.kind) {
      case 'user':
        return [userAddress(to.user)];
      case 'partnerRoles': {
        if (!this.deps.recipients)
          throw new Error('no RecipientDirectory: cannot resolve partner roles');
        const users = await this.deps.recipients.usersWithRoles(to.partnerRef, to.roles);
        const unique = new Map(users.map((u) => [`${u.tenantId}:${u.aadObjectId}`, u]));
        return [...unique.values()].map(userAddress);
      }
      case 'operators': {
        const out: { to: OutboxAddress; recipientKey: string }[] = [];
        for (const aadObjectId of new Set(this.deps.operatorAadObjectIds)) {
          const tenantId = await this.deps.directory.tenantOf(aadObjectId);
          // Keyed by object id alone so a retry finds the item whether or not the tenant was known.
          out.push({
            to: { aadObjectId, ...(tenantId ? { tenantId } : {}) },
            recipientKey: `operator:${aadObjectId}`,
          });
        }
        return out;
      }
    }
  }
}

function assertContent(content: NotificationContent, key: string): void {
  if (!content.text && !content.card)
    throw new Error(`notification ${key} has neither text nor card`);
}

/** The text of a notification for a mail: its text, else the card's fallbackText or TextBlocks. */
export function plainText(content: NotificationContent): string {
  if (content.text) return content.text;
  const card = content.card ?? {};
  if (typeof card.fallbackText === 'string') return card.fallbackText;
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextBlock' && typeof n.text === 'string') texts.push(n.text);
    if (
      n.type === 'Fact' ||
      (typeof n.title === 'string' && typeof n.value === 'string' && !n.type)
    ) {
      texts.push(`${String(n.title)}: ${String(n.value)}`);
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'actions') walk(v);
  };
  walk(card.body);
  return texts.join('\n');
}
