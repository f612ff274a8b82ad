import mongoose from 'mongoose';
import type { PartnerRef } from '../../domain/partners/partner.js';
import {
  isOpen,
  type NewRelationship,
  type Relationship,
  type RelationshipState,
} from '../../domain/relationships/relationship.js';
import {
  DuplicateRelationshipError,
  type RelationshipChange,
  type RelationshipGuard,
  type RelationshipPageQuery,
  type RelationshipRepository,
} from '../../domain/relationships/relationship-repository.port.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { relationshipModel, type RelationshipDoc } from './relationship.schema.js';

const isOpenState = (state: RelationshipState) => isOpen({ state });

/**
 * RelationshipRepository on MongoDB (collection `relationships`). One open relationship per pair
 * is a unique partial index on `open`, a field present only while pending or active; every
 * transition is one findOneAndUpdate conditional on the state it leaves.
 */
export class MongoRelationshipRepository implements RelationshipRepository {
  private readonly model: mongoose.Model<RelationshipDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = relationshipModel(conn);
  }

  /** Waits for the indexes (the unique one above all) before the first request is served. */
  async init(): Promise<void> {
    await this.model.init();
  }

  async create(input: NewRelationship): Promise<Relationship> {
    try {
      const doc = await this.model.create({
        ...input,
        ...(isOpenState(input.state) ? { open: true } : {}),
      } as unknown as Partial<RelationshipDoc>);
      return toRelationship(doc.toObject());
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateRelationshipError();
      throw err;
    }
  }

  async get(id: string): Promise<Relationship | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model.findById(id).lean<RelationshipDoc>();
    return doc ? toRelationship(doc) : null;
  }

  async findOpen(providerRef: PartnerRef, resellerRef: PartnerRef): Promise<Relationship | null> {
    const doc = await this.model
      .findOne({ providerRef, resellerRef, open: true })
      .lean<RelationshipDoc>();
    return doc ? toRelationship(doc) : null;
  }

  async transition(
    id: string,
    from: RelationshipState,
    change: RelationshipChange,
    guard: RelationshipGuard = {}
  ): Promise<Relationship | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const filter: mongoose.QueryFilter<RelationshipDoc> = { _id: id, state: from };
    if (guard.expiresAt) filter.expiresAt = guard.expiresAt;
    if (guard.pendingChangeAt === null) filter.pendingChange = { $exists: false };
    else if (guard.pendingChangeAt) filter['pendingChange.at'] = guard.pendingChangeAt;
    // One conditional update: of concurrent Resends only the first finds the field old.
    if (guard.resentBefore) {
      filter.$or = [
        { lastResentAt: { $exists: false } },
        { lastResentAt: { $lte: guard.resentBefore } },
      ];
    }
    const set: Record<string, unknown> = {
      ...change.set,
      state: change.state,
      noticeOwedAt: change.event.at,
    };
    // Reminders are about one expiry date: a new date starts them again.
    if (change.set?.expiresAt) set.remindedDays = [];
    const update: mongoose.UpdateQuery<RelationshipDoc> = {
      $set: set,
      $push: { history: change.event },
    };
    const unset: Record<string, 1> = {};
    if (isOpenState(change.state)) set.open = true;
    else unset.open = 1;
    if (change.clearPendingChange) unset.pendingChange = 1;
    if (Object.keys(unset).length) update.$unset = unset;
    try {
      const doc = await this.model
        .findOneAndUpdate(filter, update, { returnDocument: 'after' })
        .lean<RelationshipDoc>();
      return doc ? toRelationship(doc) : null;
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateRelationshipError();
      throw err;
    }
  }

  async listExpiring(before: Date, limit: number): Promise<Relationship[]> {
    const docs = await this.model
      .find({ open: true, expiresAt: { $lt: before } })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<RelationshipDoc[]>();
    return docs.map(toRelationship);
  }

  async listFor(partnerRef: PartnerRef, side: 'provider' | 'reseller'): Promise<Relationship[]> {
    const docs = await this.model
      .find({ [`${side}Ref`]: partnerRef })
      .sort({ requestedAt: -1 })
      .lean<RelationshipDoc[]>();
    return docs.map(toRelationship);
  }

  async listPage(q: RelationshipPageQuery): Promise<{ items: Relationship[]; total: number }> {
    const filter: mongoose.QueryFilter<RelationshipDoc> = { [`${q.side}Ref`]: q.partnerRef };
    if (q.expiringBefore) {
      Object.assign(filter, { open: true, state: 'active', expiresAt: { $lt: q.expiringBefore } });
    } else if (q.states?.length) {
      filter.state = { $in: [...q.states] };
    }
    if (q.otherRefs) {
      Object.assign(filter, {
        [`${q.side === 'provider' ? 'reseller' : 'provider'}Ref`]: { $in: [...q.otherRefs] },
      });
    }
    // `open` is present only while pending or active, and 'active' sorts before 'pending'.
    const sort: Record<string, 1 | -1> = q.sort
      ? sortBy(q.sort.by, q.sort.order)
      : q.expiringBefore
        ? { expiresAt: 1, _id: 1 }
        : q.activeFirst
          ? { open: -1, state: 1, requestedAt: -1, _id: -1 }
          : { requestedAt: -1, _id: -1 };
    const [docs, total] = await Promise.all([
      this.model.find(filter).sort(sort).skip(q.skip).limit(q.limit).lean<RelationshipDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map(toRelationship), total };
  }

  async listReminderDue(threshold: number, before: Date, limit: number): Promise<Relationship[]> {
    const docs = await this.model
      .find({
        open: true,
        state: 'active',
        expiresAt: { $lt: before },
        remindedDays: { $ne: threshold },
      })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<RelationshipDoc[]>();
    return docs.map(toRelationship);
  }

  async claimReminder(
    id: string,
    expiresAt: Date,
    thresholds: readonly number[],
    owedAt: Date
  ): Promise<Relationship | null> {
    if (!mongoose.isValidObjectId(id) || thresholds.length === 0) return null;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, state: 'active', expiresAt, remindedDays: { $ne: thresholds[0] } },
        {
          $addToSet: { remindedDays: { $each: [...thresholds] } },
          $set: { noticeOwedAt: owedAt },
        },
        { returnDocument: 'after' }
      )
      .lean<RelationshipDoc>();
    return doc ? toRelationship(doc) : null;
  }

  async listNoticesOwed(before: Date, limit: number): Promise<Relationship[]> {
    const docs = await this.model
      .find({ noticeOwedAt: { $lt: before } })
      .sort({ noticeOwedAt: 1 })
      .limit(limit)
      .lean<RelationshipDoc[]>();
    return docs.map(toRelationship);
  }

  async clearNoticeOwed(id: string, since: Date): Promise<void> {
    if (!mongoose.isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id, noticeOwedAt: since }, { $unset: { noticeOwedAt: 1 } });
  }
}

function toRelationship(doc: RelationshipDoc): Relationship {
  const {
    _id,
    open: _open,
    createdAt: _c,
    updatedAt: _u,
    ...rest
  } = doc as RelationshipDoc & {
    __v?: number;
  };
  delete (rest as { __v?: number }).__v;
  const out: Record<string, unknown> = { id: String(_id) };
  for (const [k, v] of Object.entries(rest)) if (v !== null && v !== undefined) out[k] = v;
  return out as unknown as Relationship;
}

/** One column's order, ties newest first (the column itself first: key order is sort order). */
function sortBy(field: string, order: 'asc' | 'desc'): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = { [field]: order === 'asc' ? 1 : -1 };
  if (field !== 'requestedAt') sort.requestedAt = -1;
  sort._id = -1;
  return sort;
}
