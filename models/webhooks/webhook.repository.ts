import mongoose, { Schema, type Model } from 'mongoose';
import type {
  NewWebhookDelivery,
  StoredSubscription,
  WebhookStore,
} from '../../domain/webhooks/webhook-store.port.js';
import type {
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEventType,
} from '../../domain/webhooks/webhook.js';

interface SubscriptionDoc {
  _id: mongoose.Types.ObjectId;
  partnerRef: string;
  url: string;
  events: WebhookEventType[];
  sealedSecret: string;
  createdAt: Date;
  createdBy: { aadObjectId: string; name?: string };
  failingSince?: Date;
}

interface DeliveryDoc {
  _id: mongoose.Types.ObjectId;
  subscriptionId: string;
  partnerRef: string;
  eventId: string;
  type: string;
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  createdAt: Date;
  dueAt: Date;
  owner?: string;
  leaseUntil?: Date;
  lastAttemptAt?: Date;
  lastStatus?: number;
  lastError?: string;
  resourceKey?: string;
}

const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    partnerRef: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    sealedSecret: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: new Schema({ aadObjectId: String, name: String }, { _id: false }) },
    failingSince: Date,
  },
  { collection: 'webhook_subscriptions' }
);
subscriptionSchema.index({ partnerRef: 1, events: 1 });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    subscriptionId: { type: String, required: true },
    partnerRef: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    payload: { type: String, required: true },
    state: { type: String, required: true },
    attempts: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    owner: String,
    leaseUntil: Date,
    lastAttemptAt: Date,
    lastStatus: Number,
    lastError: String,
    resourceKey: String,
  },
  { collection: 'webhook_deliveries' }
);
// An event reaches a subscription once however often a sweep emits it again.
deliverySchema.index({ subscriptionId: 1, eventId: 1 }, { unique: true });
deliverySchema.index({ state: 1, dueAt: 1 });
deliverySchema.index({ subscriptionId: 1, createdAt: -1 });
// The claim's "is an earlier one of this resource still undelivered?", one index seek.
deliverySchema.index({ subscriptionId: 1, resourceKey: 1, createdAt: 1, _id: 1 });

/** Candidates one claim looks at: a resource's waiting deliveries are moved past its head. */
const CLAIM_TRIES = 50;
/** States of a delivery not yet settled for good: such a one holds back the later ones. */
const UNDELIVERED: WebhookDeliveryState[] = ['due', 'leased'];

function model<T>(conn: mongoose.Connection, name: string, schema: Schema<T>): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema);
}

/** WebhookStore on MongoDB (`webhook_subscriptions`, `webhook_deliveries`). */
export class MongoWebhookStore implements WebhookStore {
  private readonly subs: Model<SubscriptionDoc>;
  private readonly deliveries: Model<DeliveryDoc>;

  constructor(conn: mongoose.Connection) {
    this.subs = model(conn, 'WebhookSubscription', subscriptionSchema);
    this.deliveries = model(conn, 'WebhookDelivery', deliverySchema);
  }

  async init(): Promise<void> {
    await this.subs.init();
    await this.deliveries.init();
  }

  newId(): string {
    return new mongoose.Types.ObjectId().toHexString();
  }

  async insert(sub: StoredSubscription): Promise<StoredSubscription> {
    const { id, events, ...rest } = sub;
    const doc = await this.subs.create({
      _id: new mongoose.Types.ObjectId(id),
      events: [...events],
      ...rest,
    });
    return toSub(doc.toObject());
  }

  async get(id: string): Promise<StoredSubscription | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.subs.findById(id).lean<SubscriptionDoc>();
    return doc ? toSub(doc) : null;
  }

  async listByPartner(partnerRef: string): Promise<StoredSubscription[]> {
    const docs = await this.subs.find({ partnerRef }).sort({ createdAt: -1, _id: -1 });
    return docs.map((d) => toSub(d.toObject()));
  }

  async countByPartner(partnerRef: string): Promise<number> {
    return this.subs.countDocuments({ partnerRef });
  }

  async subscribedTo(
    partnerRefs: readonly string[],
    type: WebhookEventType
  ): Promise<StoredSubscription[]> {
    const docs = await this.subs
      .find({ partnerRef: { $in: [...partnerRefs] }, events: type })
      .lean<SubscriptionDoc[]>();
    return docs.map(toSub);
  }

  async remove(partnerRef: string, id: string): Promise<boolean> {
    if (!mongoose.isValidObjectId(id)) return false;
    const res = await this.subs.deleteOne({ _id: id, partnerRef });
    if (res.deletedCount === 0) return false;
    await this.deliveries.deleteMany({ subscriptionId: id, state: 'due' });
    return true;
  }

  async setFailing(id: string, since: Date | null): Promise<boolean> {
    if (since) {
      // The first failure's time stays: a later one does not move it.
      const res = await this.subs.updateOne(
        { _id: id, failingSince: { $exists: false } },
        { $set: { failingSince: since } }
      );
      return res.modifiedCount === 1;
    }
    await this.subs.updateOne({ _id: id }, { $unset: { failingSince: 1 } });
    return false;
  }

  async enqueue(items: readonly NewWebhookDelivery[]): Promise<number> {
    let added = 0;
    for (const item of items) {
      const res = await this.deliveries.updateOne(
        { subscriptionId: item.subscriptionId, eventId: item.eventId },
        {
          $setOnInsert: {
            ...item,
            state: 'due',
            attempts: 0,
            createdAt: item.dueAt,
          },
        },
        { upsert: true }
      );
      added += res.upsertedCount;
    }
    return added;
  }

  async claim(opts: {
    owner: string;
    now: Date;
    leaseMs: number;
    skipSubscriptionIds: readonly string[];
  }): Promise<WebhookDelivery | null> {
    const claimable = {
      $or: [
        { state: 'due' as const, dueAt: { $lte: opts.now } },
        { state: 'leased' as const, leaseUntil: { $lte: opts.now } },
      ],
    };
    for (let i = 0; i < CLAIM_TRIES; i++) {
      const candidate = await this.deliveries
        .findOne({ ...claimable, subscriptionId: { $nin: [...opts.skipSubscriptionIds] } })
        .sort({ dueAt: 1, _id: 1 })
        .lean<DeliveryDoc>();
      if (!candidate) return null;
      const head = await this.headBefore(candidate);
      if (head) {
        // Not its turn: moved to just after its head's next try, so it is not looked at again
        // before then (the head, due first, is claimed first).
        await this.holdBehind(candidate, head);
        continue;
      }
      // Checked then leased: an earlier delivery never becomes undelivered again (sent and
      // failed are final, and later events are queued later), so the check still holds.
      const doc = await this.deliveries
        .findOneAndUpdate(
          { _id: candidate._id, ...claimable },
          {
            $set: {
              state: 'leased',
              owner: opts.owner,
              leaseUntil: new Date(opts.now.getTime() + opts.leaseMs),
            },
            $inc: { attempts: 1 },
          },
          { returnDocument: 'after' }
        )
        .lean<DeliveryDoc>();
      if (doc) return toDelivery(doc);
    }
    return null;
  }

  /** The earliest delivery of the same subscription and resource queued before `d` and not settled. */
  private async headBefore(d: DeliveryDoc): Promise<DeliveryDoc | null> {
    if (!d.resourceKey) return null;
    return this.deliveries
      .findOne({
        subscriptionId: d.subscriptionId,
        resourceKey: d.resourceKey,
        state: { $in: UNDELIVERED },
        $or: [{ createdAt: { $lt: d.createdAt } }, { createdAt: d.createdAt, _id: { $lt: d._id } }],
      })
      .sort({ createdAt: 1, _id: 1 })
      .lean<DeliveryDoc>();
  }

  /** Puts a delivery back to wait until just after its head's next try (or lease end). */
  private async holdBehind(d: DeliveryDoc, head: DeliveryDoc): Promise<void> {
    const next = head.state === 'leased' && head.leaseUntil ? head.leaseUntil : head.dueAt;
    await this.deliveries.updateOne(
      d.state === 'leased'
        ? { _id: d._id, state: 'leased', leaseUntil: d.leaseUntil }
        : { _id: d._id, state: 'due', dueAt: d.dueAt },
      {
        $set: { state: 'due', dueAt: new Date(next.getTime() + 1) },
        $unset: { owner: 1, leaseUntil: 1 },
      }
    );
  }

  async settle(
    id: string,
    owner: string,
    outcome: {
      state: 'sent' | 'due' | 'failed';
      at: Date;
      dueAt?: Date;
      status?: number;
      error?: string;
    }
  ): Promise<boolean> {
    const set: Record<string, unknown> = { state: outcome.state, lastAttemptAt: outcome.at };
    if (outcome.dueAt) set.dueAt = outcome.dueAt;
    if (outcome.status !== undefined) set.lastStatus = outcome.status;
    if (outcome.error !== undefined) set.lastError = outcome.error;
    const unset: Record<string, 1> = { owner: 1, leaseUntil: 1 };
    if (outcome.status === undefined) unset.lastStatus = 1;
    if (outcome.error === undefined) unset.lastError = 1;
    const doc = await this.deliveries
      .findOneAndUpdate({ _id: id, state: 'leased', owner }, { $set: set, $unset: unset })
      .lean<DeliveryDoc>();
    if (!doc) return false;
    if (outcome.state !== 'due' && doc.resourceKey) {
      // Settled for good: the next of its resource, held behind it, need not wait any longer.
      const next = await this.deliveries
        .findOne({
          subscriptionId: doc.subscriptionId,
          resourceKey: doc.resourceKey,
          state: { $in: UNDELIVERED },
        })
        .sort({ createdAt: 1, _id: 1 })
        .lean<DeliveryDoc>();
      if (next && next.state === 'due' && next.dueAt > outcome.at) {
        await this.deliveries.updateOne(
          { _id: next._id, state: 'due', dueAt: next.dueAt },
          { $set: { dueAt: outcome.at } }
        );
      }
    }
    return true;
  }

  async recent(subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
    const docs = await this.deliveries
      .find({ subscriptionId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<DeliveryDoc[]>();
    return docs.map(toDelivery);
  }
}

function toSub(d: SubscriptionDoc): StoredSubscription {
  return {
    id: d._id.toHexString(),
    partnerRef: d.partnerRef,
    url: d.url,
    events: [...d.events],
    sealedSecret: d.sealedSecret,
    createdAt: d.createdAt,
    createdBy: {
      aadObjectId: d.createdBy.aadObjectId,
      ...(d.createdBy.name ? { name: d.createdBy.name } : {}),
    },
    ...(d.failingSince ? { failingSince: d.failingSince } : {}),
  };
}

function toDelivery(d: DeliveryDoc): WebhookDelivery {
  return {
    id: d._id.toHexString(),
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    type: d.type,
    payload: d.payload,
    state: d.state,
    attempts: d.attempts,
    createdAt: d.createdAt,
    dueAt: d.dueAt,
    ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt } : {}),
    ...(d.lastStatus !== undefined && d.lastStatus !== null ? { lastStatus: d.lastStatus } : {}),
    ...(d.lastError ? { lastError: d.lastError } : {}),
    ...(d.resourceKey ? { resourceKey: d.resourceKey } : {}),
  };
}
