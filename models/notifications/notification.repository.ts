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

const oid = (id: string) => new mongoose.Types.ObjectId(id);

/** The outbox on MongoDB (collection `notifications`); every transition is conditional. */
export class MongoNotificationOutbox implements NotificationOutbox {
  private readonly model: Model<NotificationDoc>;
  private claims = 0;

  constructor(conn: mongoose.Connection) {
    this.model = notificationModel(conn);
  }

  /** Resolves once the indexes exist (the unique one is what makes enqueue idempotent). */
  async init(): Promise<void> {
    await this.model.init();
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
    return inserted;
  }

  async claimNext(opts: {
    owner: string;
    now: Date;
    leaseMs: number;
    skipAadObjectIds: readonly string[];
    skipTenantIds: readonly string[];
    skipIds?: readonly string[];
  }): Promise<OutboxItem | null> {
    const skip: Record<string, unknown> = {};
    if (opts.skipIds?.length) skip._id = { $nin: opts.skipIds.map(oid) };
    if (opts.skipAadObjectIds.length) skip['to.aadObjectId'] = { $nin: [...opts.skipAadObjectIds] };
    if (opts.skipTenantIds.length) skip['to.tenantId'] = { $nin: [...opts.skipTenantIds] };
    // Items of a worker that died holding a lease come back once the lease has run out; looked
    // for every few claims so a long burst cannot starve them.
    const expiredFirst = this.claims++ % 10 === 0;
    const due = { state: 'due', dueAt: { $lte: opts.now }, ...skip };
    const expired = { state: 'leased', leaseUntil: { $lte: opts.now }, ...skip };
    for (const filter of expiredFirst ? [expired, due] : [due, expired]) {
      const doc = await this.model
        .findOneAndUpdate(
          filter,
          {
            $set: {
              state: 'leased',
              owner: opts.owner,
              leaseUntil: new Date(opts.now.getTime() + opts.leaseMs),
              claimedAt: opts.now,
            },
            $inc: { attempts: 1 },
          },
          // No sort: MongoDB answers `state` + `dueAt` from the { state, dueAt } index, oldest
          // first in practice; an explicit sort made every claim sort the whole backlog on
          // servers that sort in memory (the embedded one). Order is not a guarantee here:
          // updates wait for their card explicitly.
          { returnDocument: 'after' }
        )
        .lean<NotificationDoc>();
      if (doc) return toItem(doc);
    }
    return null;
  }

  async postpone(id: string, owner: string, dueAt: Date): Promise<void> {
    await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      { $set: { state: 'due', dueAt }, $unset: { owner: 1, leaseUntil: 1 }, $inc: { attempts: -1 } }
    );
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
        $unset: { owner: 1, leaseUntil: 1, heldReason: 1 },
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

  async scheduleRetry(id: string, owner: string, dueAt: Date, error: string): Promise<void> {
    await this.model.updateOne(
      { _id: oid(id), state: 'leased', owner },
      { $set: { state: 'due', dueAt, lastError: error }, $unset: { owner: 1, leaseUntil: 1 } }
    );
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
        $unset: { owner: 1, leaseUntil: 1 },
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
      { $set: { state, lastError: reason }, $unset: { owner: 1, leaseUntil: 1 } }
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
    return withTenant.modifiedCount + tenantLearned.modifiedCount;
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
      { $set: { state: 'superseded', lastError: 'a newer update replaced it' } }
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
    const res = await this.model.updateOne(
      { _id: oid(id), state: 'dead' },
      { $set: { state: 'due', dueAt: now, attempts: 0 }, $unset: { deadAt: 1 } }
    );
    return res.modifiedCount === 1;
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
