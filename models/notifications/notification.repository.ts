import mongoose, { type Model } from 'mongoose';
import type { UserRef } from '../../domain/partners/actor.js';
import type { NotificationSubject } from '../../domain/notifications/notification.js';
import type {
  HeldReason,
  MailState,
  NewOutboxItem,
  NotificationOutbox,
  OutboxAddress,
  OutboxItem,
  OutboxState,
  RecordedSend,
  SentRecord,
} from '../../notifications/notification-outbox.port.js';
import type { Language } from '../../i18n/i18n.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { notificationModel, type NotificationDoc } from './notification.schema.js';
import {
  notificationRecipientModel,
  type NotificationRecipientDoc,
} from './notification-recipient.schema.js';

const oid = (id: string) => new mongoose.Types.ObjectId(id);

type ClaimOptions = Parameters<NotificationOutbox['claimNext']>[0];

/** Recipients a claim looks at together (the first with a due item is served). */
const CLAIM_RECIPIENTS = 8;

/**
 * The outbox on MongoDB (collection `notifications`); every transition is conditional. Beside
 * it, `notification_recipients` says per recipient when its next item may go (see
 * notification-recipient.schema.ts): a claim reads the recipients ready now and then that
 * recipient's oldest due item, so items waiting for their chat's pacing are never read.
 */
export class MongoNotificationOutbox implements NotificationOutbox {
  private readonly model: Model<NotificationDoc>;
  private readonly recipients: Model<NotificationRecipientDoc>;
  private claims = 0;

  constructor(conn: mongoose.Connection) {
    this.model = notificationModel(conn);
    this.recipients = notificationRecipientModel(conn);
  }

  /** Resolves once the indexes exist (the unique one is what makes enqueue idempotent). */
  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.recipients.init()]);
  }

  async enqueue(items: readonly NewOutboxItem[]): Promise<number> {
    // Never insert before the unique index exists, or a retried notify() could slip through.
    await this.init();
    let inserted = 0;
    for (const item of items) {
      try {
        await this.model.create(toDoc(item));
        inserted++;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    // After the inserts (a claim recomputing a recipient then sees the item or loses its race),
    // and for duplicates too: a retried notify() repairs a crash between the two.
    const earliest = new Map<string, NewOutboxItem>();
    for (const item of items) {
      const had = earliest.get(item.to.aadObjectId);
      if (!had || item.dueAt < had.dueAt) earliest.set(item.to.aadObjectId, item);
    }
    for (const item of earliest.values()) await this.ready(item.to, item.dueAt);
    return inserted;
  }

  /** Says a recipient has an item due at `at` (never later than it said before). */
  private async ready(to: OutboxAddress, at: Date): Promise<void> {
    await this.recipients.updateOne(
      { _id: to.aadObjectId },
      {
        $min: { nextAt: at },
        $inc: { v: 1 },
        ...(to.tenantId ? { $set: { tenantId: to.tenantId } } : {}),
      },
      { upsert: true }
    );
  }

  async claimNext(opts: ClaimOptions): Promise<OutboxItem | null> {
    return (await this.claimSome({ ...opts, max: 1 }))[0] ?? null;
  }

  async claimSome(opts: ClaimOptions & { max: number }): Promise<OutboxItem[]> {
    const lease = {
      $set: {
        state: 'leased',
        owner: opts.owner,
        leaseUntil: new Date(opts.now.getTime() + opts.leaseMs),
        claimedAt: opts.now,
      },
      $inc: { attempts: 1 },
    };
    // Items of a worker that died holding a lease come back once the lease has run out; looked
    // for every few claims so a long burst cannot starve them. Only leased items are read.
    const expiredFirst = this.claims++ % 10 === 0;
    const expired = async () => {
      const filter: Record<string, unknown> = {
        state: 'leased',
        leaseUntil: { $lte: opts.now },
      };
      if (opts.skipIds?.length) filter._id = { $nin: opts.skipIds.map(oid) };
      if (opts.skipAadObjectIds.length)
        filter['to.aadObjectId'] = { $nin: [...opts.skipAadObjectIds] };
      if (opts.skipTenantIds.length) filter['to.tenantId'] = { $nin: [...opts.skipTenantIds] };
      // Read first: a write that matches nothing still waits for the journal (as on mongod),
      // and nearly every look finds nothing.
      const found = await this.model
        .findOne(filter)
        .select({ _id: 1 })
        .lean<{ _id: mongoose.Types.ObjectId }>();
      if (!found) return null;
      const doc = await this.model
        .findOneAndUpdate({ ...filter, _id: found._id }, lease, { returnDocument: 'after' })
        .lean<NotificationDoc>();
      return doc ? toItem(doc) : null;
    };
    if (expiredFirst) {
      const item = await expired();
      if (item) return [item];
    }
    const claimed: OutboxItem[] = [];
    const ready = await this.readyRecipients(opts.now, opts, Math.max(CLAIM_RECIPIENTS, opts.max));
    // One recipient's first due item each, `max` recipients at a time (their commands in flight
    // together), until `max` are claimed or the ready recipients run out.
    for (let i = 0; i < ready.length && claimed.length < opts.max;) {
      const batch = ready.slice(i, i + opts.max - claimed.length);
      i += batch.length;
      // Settled, not all: an item leased by a command that succeeded is processed even when a
      // neighbour's failed (rejected together, they waited out their lease unprocessed).
      const results = await Promise.allSettled(
        batch.map((recipient) =>
          this.model
            .findOneAndUpdate(
              { 'to.aadObjectId': recipient._id, state: 'due', dueAt: { $lte: opts.now } },
              lease,
              // In the order they were enqueued (a paced item, postponed to the opening, keeps
              // its place), walking the { to.aadObjectId, state, _id } index: only items of
              // this recipient not due yet (a retry's wait) are passed over.
              { sort: { _id: 1 }, returnDocument: 'after' }
            )
            .lean<NotificationDoc>()
        )
      );
      const failed = results.find((r) => r.status === 'rejected');
      for (const [k, r] of results.entries()) {
        if (r.status === 'rejected') continue;
        if (r.value) claimed.push(toItem(r.value));
        else if (!failed) await this.recompute(batch[k]);
      }
      if (failed) {
        if (claimed.length > 0) return claimed;
        throw failed.reason;
      }
    }
    if (claimed.length > 0) {
      // Served now: each goes behind the recipients still waiting, so a few chats with long
      // backlogs (whose `nextAt` would otherwise stay at their first item's) cannot take every
      // look while another chat's one card waits for them to drain. A paced one keeps its
      // later time.
      await this.recipients.updateMany(
        { _id: { $in: [...new Set(claimed.map((c) => c.to.aadObjectId))] } },
        { $max: { nextAt: opts.now } }
      );
    }
    if (claimed.length === 0 && !expiredFirst) {
      const item = await expired();
      if (item) claimed.push(item);
    }
    return claimed;
  }

  /** Recipients that may send at `now`, not skipped, earliest first (index on `nextAt`). */
  private async readyRecipients(
    now: Date,
    skip: { skipAadObjectIds: readonly string[]; skipTenantIds: readonly string[] },
    limit: number
  ): Promise<NotificationRecipientDoc[]> {
    return this.recipients
      .find({ nextAt: { $lte: now }, ...recipientSkip(skip) })
      .sort({ nextAt: 1 })
      .limit(limit)
      .lean<NotificationRecipientDoc[]>();
  }

  /**
   * A recipient said ready with nothing due now: its next time becomes its earliest due item's
   * (or it goes), unless an item became due meanwhile (its `v` moved on).
   */
  private async recompute(recipient: NotificationRecipientDoc): Promise<void> {
    const next = await this.model
      .findOne({ 'to.aadObjectId': recipient._id, state: 'due' })
      .sort({ dueAt: 1 })
      .select({ dueAt: 1 })
      .lean<Pick<NotificationDoc, 'dueAt'>>();
    const same = { _id: recipient._id, v: recipient.v };
    if (next) await this.recipients.updateOne(same, { $set: { nextAt: next.dueAt } });
    else await this.recipients.deleteOne(same);
  }

  async pace(aadObjectId: string, until: Date): Promise<void> {
    await this.recipients.updateOne({ _id: aadObjectId }, { $max: { nextAt: until } });
  }

  async nextReadyAt(skip: {
    skipAadObjectIds: readonly string[];
    skipTenantIds: readonly string[];
  }): Promise<Date | null> {
    const next = await this.recipients
      .findOne(recipientSkip(skip))
      .sort({ nextAt: 1 })
      .select({ nextAt: 1 })
      .lean<Pick<NotificationRecipientDoc, 'nextAt'>>();
    return next?.nextAt ?? null;
  }

  async repairRecipients(now: Date): Promise<number> {
    const due = (await this.model.distinct('to.aadObjectId', { state: 'due' })) as string[];
    if (due.length === 0) return 0;
    const known = new Set(
      (
        await this.recipients
          .find({ _id: { $in: due } })
          .select({ _id: 1 })
          .lean<Array<{ _id: string }>>()
      ).map((r) => r._id)
    );
    const missing = due.filter((id) => !known.has(id));
    for (const aadObjectId of missing) await this.ready({ aadObjectId }, now);
    return missing.length;
  }

  async postpone(id: string, owner: string, dueAt: Date): Promise<void> {
    await this.backToDue(id, owner, dueAt, {
      $set: { state: 'due', dueAt },
      $unset: { owner: 1, leaseUntil: 1 },
      $inc: { attempts: -1 },
    });
  }

  /**
   * A leased item made due again, and its recipient said ready then: a claim that looked at the
   * recipient while the item was leased may have dropped it.
   */
  private async backToDue(
    id: string,
    owner: string,
    dueAt: Date,
    update: mongoose.UpdateQuery<NotificationDoc>
  ): Promise<void> {
    const doc = await this.model
      .findOneAndUpdate({ _id: oid(id), state: 'leased', owner }, update)
      .select({ to: 1 })
      .lean<Pick<NotificationDoc, 'to'>>();
    if (doc) await this.ready(doc.to, dueAt);
  }

  async markSent(id: string, owner: string, sent: SentRecord): Promise<boolean> {
    const res = await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      {
        $set: {
          state: 'sent',
          activityId: sent.activityId,
          conversationId: sent.conversationId,
          reference: JSON.stringify(sent.reference),
          sentAt: sent.sentAt,
        },
        $unset: { owner: 1, leaseUntil: 1, heldReason: 1, sealed: 1 },
      }
    );
    return res.modifiedCount === 1;
  }

  async recordSent(item: NewOutboxItem, sent: SentRecord): Promise<void> {
    await this.init();
    try {
      await this.model.create({
        ...toDoc(item),
        state: 'sent',
        activityId: sent.activityId,
        conversationId: sent.conversationId,
        reference: JSON.stringify(sent.reference),
        sentAt: sent.sentAt,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async replacedLater(copy: OutboxItem): Promise<boolean> {
    if (!copy.activityId) return false;
    // The { to.aadObjectId, state } index: one person's sent items, not the outbox.
    const later = await this.model
      .findOne({
        'to.aadObjectId': copy.to.aadObjectId,
        state: 'sent',
        kind: 'message',
        activityId: copy.activityId,
        createdAt: { $gt: copy.createdAt },
        $nor: [{ 'subject.type': copy.subject?.type, 'subject.id': copy.subject?.id }],
      })
      .select({ _id: 1 })
      .lean();
    return later !== null;
  }

  async scheduleRetry(id: string, owner: string, dueAt: Date, error: string): Promise<void> {
    await this.backToDue(id, owner, dueAt, {
      $set: { state: 'due', dueAt, lastError: error },
      $unset: { owner: 1, leaseUntil: 1 },
    });
  }

  async hold(id: string, owner: string, reason: HeldReason, error?: string): Promise<void> {
    await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      {
        $set: { state: 'held', heldReason: reason, ...(error ? { lastError: error } : {}) },
        // Attempts restart when the user comes back: being away is not the message's fault.
        $unset: { owner: 1, leaseUntil: 1 },
      }
    );
  }

  async setTenant(id: string, owner: string, tenantId: string): Promise<void> {
    await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      { $set: { 'to.tenantId': tenantId } }
    );
  }

  async deadLetter(
    id: string,
    owner: string,
    error: string,
    at: Date,
    mail: MailState
  ): Promise<boolean> {
    const res = await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      {
        $set: { state: 'dead', deadAt: at, lastError: error, mail },
        $unset: { owner: 1, leaseUntil: 1, sealed: 1 },
      }
    );
    return res.modifiedCount === 1;
  }

  async finish(
    id: string,
    owner: string,
    state: 'superseded' | 'skipped',
    reason: string
  ): Promise<void> {
    await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      { $set: { state, lastError: reason }, $unset: { owner: 1, leaseUntil: 1, sealed: 1 } }
    );
  }

  async setMailState(id: string, mail: MailState): Promise<void> {
    await this.model.updateOne({ _id: oid(id) }, { $set: { mail } });
  }

  async release(user: UserRef, now: Date): Promise<number> {
    const withTenant = await this.model.updateMany(
      { 'to.aadObjectId': user.aadObjectId, 'to.tenantId': user.tenantId, state: 'held' },
      { $set: { state: 'due', dueAt: now, attempts: 0 }, $unset: { heldReason: 1 } }
    );
    const tenantLearned = await this.model.updateMany(
      {
        'to.aadObjectId': user.aadObjectId,
        'to.tenantId': { $exists: false },
        state: { $in: ['held', 'due'] },
      },
      {
        $set: { state: 'due', dueAt: now, attempts: 0, 'to.tenantId': user.tenantId },
        $unset: { heldReason: 1 },
      }
    );
    const released = withTenant.modifiedCount + tenantLearned.modifiedCount;
    if (released > 0) await this.ready(user, now);
    return released;
  }

  async heldRecipients(limit: number): Promise<OutboxAddress[]> {
    const rows = await this.model.aggregate<{ _id: { tenantId?: string; aadObjectId: string } }>([
      { $match: { state: 'held' } },
      { $group: { _id: { tenantId: '$to.tenantId', aadObjectId: '$to.aadObjectId' } } },
      { $limit: limit },
    ]);
    return rows.map((r) => ({
      aadObjectId: r._id.aadObjectId,
      ...(r._id.tenantId ? { tenantId: r._id.tenantId } : {}),
    }));
  }

  async get(id: string): Promise<OutboxItem | null> {
    const doc = await this.model.findById(oid(id)).lean<NotificationDoc>();
    return doc ? toItem(doc) : null;
  }

  async messagesAbout(subject: NotificationSubject): Promise<OutboxItem[]> {
    const docs = await this.model
      .find({
        kind: 'message',
        'subject.type': subject.type,
        'subject.id': subject.id,
        state: { $in: ['due', 'leased', 'sent', 'held'] },
      })
      .lean<NotificationDoc[]>();
    return docs.map(toItem);
  }

  async mergeIntoOriginal(originalId: string, card: Record<string, unknown>): Promise<boolean> {
    const res = await this.model.updateOne(
      { _id: oid(originalId), kind: 'message', state: { $in: ['due', 'held'] } },
      { $set: { card: JSON.stringify(card) } }
    );
    // Matched, not modified: merging the same card again (a retried update) changes nothing.
    return res.matchedCount === 1;
  }

  async supersedeUpdates(originalId: string, exceptKey: string): Promise<void> {
    await this.model.updateMany(
      { kind: 'update', originalId: oid(originalId), state: 'due', key: { $ne: exceptKey } },
      {
        $set: { state: 'superseded', lastError: 'a newer update replaced it' },
        $unset: { sealed: 1 },
      }
    );
  }

  async countsByState(): Promise<Partial<Record<OutboxState, number>>> {
    const rows = await this.model.aggregate<{ _id: OutboxState; n: number }>([
      { $group: { _id: '$state', n: { $sum: 1 } } },
    ]);
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async deadLetters(limit: number): Promise<OutboxItem[]> {
    const docs = await this.model
      .find({ state: 'dead' })
      .sort({ deadAt: -1 })
      .limit(limit)
      .lean<NotificationDoc[]>();
    return docs.map(toItem);
  }

  async retryDead(id: string, now: Date): Promise<boolean> {
    if (!mongoose.isValidObjectId(id)) return false;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: oid(id), state: 'dead' },
        { $set: { state: 'due', dueAt: now, attempts: 0 }, $unset: { deadAt: 1 } },
        { returnDocument: 'after' }
      )
      .lean<NotificationDoc>();
    if (doc) await this.ready(doc.to, now);
    return doc !== null;
  }

  async deadAwaitingMail(limit: number): Promise<OutboxItem[]> {
    const docs = await this.model
      .find({ state: 'dead', mail: 'pending' })
      .limit(limit)
      .lean<NotificationDoc[]>();
    return docs.map(toItem);
  }

  async claimFallbackMail(id: string, now: Date, staleBefore: Date): Promise<boolean> {
    const res = await this.model.updateOne(
      {
        _id: oid(id),
        state: 'dead',
        mail: 'pending',
        $or: [{ mailClaimedAt: { $exists: false } }, { mailClaimedAt: { $lt: staleBefore } }],
      },
      { $set: { mailClaimedAt: now } }
    );
    return res.modifiedCount === 1;
  }

  async backlog(now: Date): Promise<{ backlog: number; oldestDueAt?: Date }> {
    const backlog = await this.model.countDocuments({ state: { $in: ['due', 'leased'] } });
    const oldest = await this.model
      .findOne({ state: { $in: ['due', 'leased'] }, dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .select({ dueAt: 1 })
      .lean<Pick<NotificationDoc, 'dueAt'>>();
    return oldest ? { backlog, oldestDueAt: oldest.dueAt } : { backlog };
  }

  async sentSince(since: Date): Promise<RecordedSend[]> {
    const sent = await this.model
      .find({ sentAt: { $gte: since } })
      .select({ to: 1, sentAt: 1 })
      .lean<Array<Pick<NotificationDoc, 'to' | 'sentAt'>>>();
    // Claimed and not recorded: a worker that died mid-send may have reached Teams.
    const inFlight = await this.model
      .find({ state: 'leased', claimedAt: { $gte: since } })
      .select({ to: 1, claimedAt: 1 })
      .lean<Array<Pick<NotificationDoc, 'to' | 'claimedAt'>>>();
    return [
      ...sent.map((d) => ({ to: d.to, sentAt: d.sentAt! })),
      ...inFlight.map((d) => ({ to: d.to, sentAt: d.claimedAt! })),
    ].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  }
}

/** Recipients the pacer holds back, and those of tenants it holds back (no tenant: never). */
function recipientSkip(skip: {
  skipAadObjectIds: readonly string[];
  skipTenantIds: readonly string[];
}): Record<string, unknown> {
  return {
    ...(skip.skipAadObjectIds.length ? { _id: { $nin: [...skip.skipAadObjectIds] } } : {}),
    ...(skip.skipTenantIds.length ? { tenantId: { $nin: [...skip.skipTenantIds] } } : {}),
  };
}

function toDoc(item: NewOutboxItem): Omit<NotificationDoc, '_id' | 'createdAt' | 'updatedAt'> {
  return {
    key: item.key,
    kind: item.kind,
    recipientKey: item.recipientKey,
    to: {
      aadObjectId: item.to.aadObjectId,
      ...(item.to.tenantId ? { tenantId: item.to.tenantId } : {}),
    },
    language: item.language,
    ...(item.content.text !== undefined ? { text: item.content.text } : {}),
    ...(item.content.card ? { card: JSON.stringify(item.content.card) } : {}),
    ...(item.subject ? { subject: { type: item.subject.type, id: item.subject.id } } : {}),
    ...(item.mailFallback
      ? {
          mailFallback: {
            templateKey: item.mailFallback.templateKey,
            values: JSON.stringify(item.mailFallback.values),
          },
        }
      : {}),
    ...(item.originalId ? { originalId: oid(item.originalId) } : {}),
    ...(item.letter
      ? { letter: { to: item.letter.to, templateKey: item.letter.templateKey } }
      : {}),
    ...(item.sealed ? { sealed: item.sealed } : {}),
    state: 'due',
    dueAt: item.dueAt,
    attempts: 0,
  };
}

function toItem(doc: NotificationDoc): OutboxItem {
  return {
    id: String(doc._id),
    key: doc.key,
    kind: doc.kind,
    recipientKey: doc.recipientKey,
    to: {
      aadObjectId: doc.to.aadObjectId,
      ...(doc.to.tenantId ? { tenantId: doc.to.tenantId } : {}),
    },
    language: doc.language as Language,
    content: {
      ...(doc.text !== undefined && doc.text !== null ? { text: doc.text } : {}),
      ...(doc.card ? { card: JSON.parse(doc.card) as Record<string, unknown> } : {}),
    },
    ...(doc.subject?.type ? { subject: { type: doc.subject.type, id: doc.subject.id } } : {}),
    ...(doc.mailFallback?.templateKey
      ? {
          mailFallback: {
            templateKey: doc.mailFallback.templateKey,
            values: JSON.parse(doc.mailFallback.values || '{}') as Record<string, unknown>,
          },
        }
      : {}),
    ...(doc.originalId ? { originalId: String(doc.originalId) } : {}),
    ...(doc.letter?.to
      ? { letter: { to: doc.letter.to, templateKey: doc.letter.templateKey } }
      : {}),
    ...(doc.sealed ? { sealed: doc.sealed } : {}),
    dueAt: doc.dueAt,
    state: doc.state as OutboxState,
    attempts: doc.attempts,
    ...(doc.owner ? { owner: doc.owner } : {}),
    ...(doc.leaseUntil ? { leaseUntil: doc.leaseUntil } : {}),
    ...(doc.heldReason ? { heldReason: doc.heldReason as HeldReason } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    ...(doc.activityId ? { activityId: doc.activityId } : {}),
    ...(doc.conversationId ? { conversationId: doc.conversationId } : {}),
    ...(doc.reference ? { reference: JSON.parse(doc.reference) as Record<string, unknown> } : {}),
    ...(doc.sentAt ? { sentAt: doc.sentAt } : {}),
    ...(doc.deadAt ? { deadAt: doc.deadAt } : {}),
    ...(doc.mail ? { mail: doc.mail as MailState } : {}),
    createdAt: doc.createdAt,
  };
}
