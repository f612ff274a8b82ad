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
  type GuessRecord,
  type InvitationChange,
  type InvitationRepository,
} from '../../domain/invitations/invitation.repository.js';
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
    readonly skip: number;
    readonly limit: number;
  }): Promise<{ items: Invitation[]; total: number }> {
    const filter = { partnerRef: q.partnerRef };
    const [docs, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
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

/** Wrong codes per person (collection `invitationGuesses`), counted with atomic updates. */
export class MongoCodeGuessRepository implements CodeGuessRepository {
  private readonly model: mongoose.Model<GuessDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = guessModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async get(personKey: string): Promise<GuessRecord | null> {
    const doc = await this.model.findOne({ personKey }).lean<GuessDoc>();
    return doc ? toGuess(doc) : null;
  }

  async countFailure(personKey: string, now: Date, windowStart: Date): Promise<GuessRecord> {
    // An old window starts again; then one $inc counts this guess, whoever else guesses too.
    await this.model.updateOne(
      { personKey, windowStartedAt: { $lt: windowStart } },
      { $set: { failures: 0, windowStartedAt: now } }
    );
    for (let i = 0; ; i++) {
      try {
        const doc = await this.model
          .findOneAndUpdate(
            { personKey },
            { $inc: { failures: 1 }, $setOnInsert: { windowStartedAt: now } },
            { upsert: true, returnDocument: 'after' }
          )
          .lean<GuessDoc>();
        return toGuess(doc!);
      } catch (err) {
        // Two first guesses at once: one upsert wins, the other counts on it.
        if (!isDuplicateKey(err) || i > 2) throw err;
      }
    }
  }

  async lock(personKey: string, until: Date): Promise<void> {
    await this.model.updateOne({ personKey }, { $set: { lockedUntil: until } });
  }

  async clear(personKey: string): Promise<void> {
    await this.model.deleteOne({ personKey });
  }
}

function toGuess(doc: GuessDoc): GuessRecord {
  return {
    personKey: doc.personKey,
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
