import mongoose from 'mongoose';
import type { PartnerRef } from '../../domain/partners/partner.js';
import type {
  Invitation,
  InvitationState,
  NewInvitation,
} from '../../domain/invitations/invitation.js';
import {
  DuplicateInvitationSecretError,
  type CodeGuessRepository,
  type GuessBudget,
  type GuessRecord,
  type InvitationChange,
  type InvitationRepository,
  type InvitationSort,
} from '../../domain/invitations/invitation-repository.port.js';
import type { OpenedInvitations } from '../../domain/customers/customer-standing.js';
import { isDuplicateKey } from '../duplicate-key.js';
import {
  guessModel,
  invitationModel,
  type GuessDoc,
  type InvitationDoc,
} from './invitation.schema.js';

/**
 * InvitationRepository on MongoDB (collection `invitations`). Unique indexes on the token and
 * code hashes; every transition is one findOneAndUpdate conditional on the state it leaves
 * (and the expiry), so a double Accept moves it once.
 */
export class MongoInvitationRepository implements InvitationRepository, OpenedInvitations {
  private readonly model: mongoose.Model<InvitationDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = invitationModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(input: NewInvitation): Promise<Invitation> {
    try {
      const doc = await this.model.create(input as unknown as Partial<InvitationDoc>);
      return toInvitation(doc.toObject());
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateInvitationSecretError();
      throw err;
    }
  }

  async get(id: string): Promise<Invitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model.findById(id).lean<InvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async findByTokenHash(hash: string): Promise<Invitation | null> {
    const doc = await this.model.findOne({ tokenHash: hash }).lean<InvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async findByCodeHash(hash: string): Promise<Invitation | null> {
    const doc = await this.model.findOne({ codeHash: hash }).lean<InvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async transition(
    id: string,
    from: InvitationState,
    change: InvitationChange,
    guard: { readonly expiresAfter?: Date; readonly resentBefore?: Date } = {}
  ): Promise<Invitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const filter: mongoose.QueryFilter<InvitationDoc> = { _id: id, state: from };
    if (guard.expiresAfter) filter.expiresAt = { $gt: guard.expiresAfter };
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
    if (change.clearOpeners) set.openedBy = [];
    try {
      const doc = await this.model
        .findOneAndUpdate(
          filter,
          { $set: set, $push: { history: change.event } },
          { returnDocument: 'after' }
        )
        .lean<InvitationDoc>();
      return doc ? toInvitation(doc) : null;
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateInvitationSecretError();
      throw err;
    }
  }

  async listNaming(
    relationshipRef: string,
    state: InvitationState,
    limit: number
  ): Promise<Invitation[]> {
    const docs = await this.model
      .find({ 'customer.relationshipRef': relationshipRef, state })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<InvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async addOpener(id: string, personKey: string): Promise<void> {
    if (!mongoose.isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id }, { $addToSet: { openedBy: personKey } });
  }

  async listPendingOpenedInTenant(tenantId: string, limit: number): Promise<Invitation[]> {
    // openedBy holds `tenantId/aadObjectId` keys: a prefix names everyone of the tenant.
    const prefix = new RegExp(`^${tenantId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);
    const docs = await this.model
      .find({ state: 'pending', kind: 'customer', openedBy: prefix })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<InvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async listExpired(before: Date, limit: number, partnerRef?: PartnerRef): Promise<Invitation[]> {
    const docs = await this.model
      .find({
        state: 'pending',
        expiresAt: { $lte: before },
        ...(partnerRef ? { partnerRef } : {}),
      })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<InvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async listPage(q: {
    readonly partnerRef: PartnerRef;
    readonly states?: readonly InvitationState[];
    readonly companyPrefix?: string;
    readonly sort?: InvitationSort;
    readonly skip: number;
    readonly limit: number;
  }): Promise<{ items: Invitation[]; total: number }> {
    // The partner (and state) narrow by the index; the name's start is checked on those only.
    const filter: mongoose.QueryFilter<InvitationDoc> = { partnerRef: q.partnerRef };
    if (q.states) filter.state = { $in: [...q.states] };
    if (q.companyPrefix) {
      filter['customer.companyName'] = new RegExp(`^${escapeRegExp(q.companyPrefix)}`, 'i');
    }
    const [docs, total] = await Promise.all([
      this.model
        .find(filter)
        .sort(
          q.sort
            ? sortBy(q.sort.by === 'company' ? 'customer.companyName' : q.sort.by, q.sort.order)
            : { createdAt: -1, _id: -1 }
        )
        .skip(q.skip)
        .limit(q.limit)
        .lean<InvitationDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map(toInvitation), total };
  }

  async listNoticesOwed(before: Date, limit: number): Promise<Invitation[]> {
    const docs = await this.model
      .find({ noticeOwedAt: { $lt: before } })
      .sort({ noticeOwedAt: 1 })
      .limit(limit)
      .lean<InvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async clearNoticeOwed(id: string, since: Date): Promise<void> {
    if (!mongoose.isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id, noticeOwedAt: since }, { $unset: { noticeOwedAt: 1 } });
  }
}

/**
 * Code tries per person and per organization (collection `invitationGuesses`, the key in
 * `personKey`), each counted by one conditional update.
 */
export class MongoCodeGuessRepository implements CodeGuessRepository {
  private readonly model: mongoose.Model<GuessDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = guessModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async get(key: string): Promise<GuessRecord | null> {
    const doc = await this.model.findOne({ personKey: key }).lean<GuessDoc>();
    return doc ? toGuess(doc) : null;
  }

  async take(key: string, now: Date, budget: GuessBudget): Promise<GuessRecord | null> {
    try {
      await this.model.updateOne(
        { personKey: key },
        { $setOnInsert: { failures: 0, windowStartedAt: now } },
        { upsert: true, setDefaultsOnInsert: false }
      );
    } catch (err) {
      // Two first tries at once: one inserted the record, the other counts on it below.
      if (!isDuplicateKey(err)) throw err;
    }
    // A window past its time starts again, unless the lock of a spent budget still holds.
    await this.model.updateOne(
      {
        personKey: key,
        windowStartedAt: { $lte: new Date(now.getTime() - budget.windowMs) },
        $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }],
      },
      { $set: { failures: 0, windowStartedAt: now }, $unset: { lockedUntil: 1 } }
    );
    // The count itself: refused past the budget, whatever else is counted at the same moment.
    const doc = await this.model
      .findOneAndUpdate(
        { personKey: key, failures: { $lt: budget.max } },
        { $inc: { failures: 1 } },
        { returnDocument: 'after' }
      )
      .lean<GuessDoc>();
    return doc ? toGuess(doc) : null;
  }

  async lock(key: string, until: Date, budget: GuessBudget): Promise<void> {
    await this.model.updateOne(
      { personKey: key, failures: { $gte: budget.max }, lockedUntil: { $exists: false } },
      { $set: { lockedUntil: until } }
    );
  }

  async giveBack(key: string): Promise<void> {
    await this.model.updateOne(
      { personKey: key, failures: { $gt: 0 } },
      { $inc: { failures: -1 } }
    );
  }
}

function toGuess(doc: GuessDoc): GuessRecord {
  return {
    key: doc.personKey,
    failures: doc.failures,
    windowStartedAt: doc.windowStartedAt,
    ...(doc.lockedUntil ? { lockedUntil: doc.lockedUntil } : {}),
  };
}

function toInvitation(doc: InvitationDoc): Invitation {
  const { _id, ...rest } = doc as InvitationDoc & { __v?: number };
  delete (rest as { __v?: number }).__v;
  const out: Record<string, unknown> = { id: String(_id) };
  for (const [k, v] of Object.entries(rest)) if (v !== null && v !== undefined) out[k] = v;
  return out as unknown as Invitation;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One column's order, ties newest first (the column itself first when it is `createdAt`). */
function sortBy(field: string, order: 'asc' | 'desc'): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = { [field]: order === 'asc' ? 1 : -1 };
  if (field !== 'createdAt') sort.createdAt = -1;
  sort._id = -1;
  return sort;
}
