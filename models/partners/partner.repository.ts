import mongoose from 'mongoose';
import type { NewPartner, Partner, SubmittedStatus } from '../../domain/partners/partner.js';
import {
  type DirectoryQuery,
  type DirectoryResult,
  DuplicatePartnerError,
  type PartnerChanges,
  type PartnerRepository,
  type TransitionGuard,
} from '../../domain/partners/partner-repository.port.js';
import { duplicateKeyField } from '../duplicate-key.js';
import { memoized, rememberWritten } from '../turn-memo.js';
import { registerTurnRead } from '../turn-reads.js';
import { DIRECTORY_COLLATION, partnerModel, type PartnerDoc } from './partner.schema.js';

const MEMO = 'partners';

/** A partner as stored, under both keys a turn looks it up by (models/turn-memo.ts). */
function rememberPartner(doc: PartnerDoc | null): void {
  if (!doc) return;
  rememberWritten(MEMO, `id:${String(doc._id)}`, doc);
  rememberWritten(MEMO, `tenant:${doc.tenantId}`, doc);
}

// The acting user's tenant's partner, for the turn's prefetch (models/turn-reads.ts).
registerTurnRead<PartnerDoc>({
  collection: MEMO,
  match: ({ tenantId }) => ({ tenantId }),
  remember: ([doc], { tenantId }) => {
    rememberWritten(MEMO, `tenant:${tenantId}`, doc ?? null);
    if (doc) rememberPartner(doc);
  },
});

/**
 * PartnerRepository on MongoDB (collection `partners`, unique `tenantId` and `partnerId`). A
 * turn reads a partner by id or tenant once (models/turn-memo.ts); each call maps it afresh.
 */
export class MongoPartnerRepository implements PartnerRepository {
  private readonly model: mongoose.Model<PartnerDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = partnerModel(conn);
  }

  async create(partner: NewPartner): Promise<Partner> {
    try {
      const doc = await this.model.create(partner);
      return toPartner(doc.toObject() as PartnerDoc);
    } catch (err) {
      throw translate(err);
    }
  }

  async get(id: string): Promise<Partner | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await memoized(MEMO, `id:${id}`, () =>
      this.model.findById(id).lean<PartnerDoc>().exec()
    );
    return doc ? toPartner(doc) : null;
  }

  async getMany(ids: readonly string[]): Promise<Partner[]> {
    const valid = [...new Set(ids)].filter((id) => mongoose.isValidObjectId(id));
    if (!valid.length) return [];
    const docs = await this.model
      .find({ _id: { $in: valid } })
      .lean<PartnerDoc[]>()
      .exec();
    return docs.map(toPartner);
  }

  async findByTenant(tenantId: string): Promise<Partner | null> {
    const doc = await memoized(MEMO, `tenant:${tenantId}`, async () => {
      const found = await this.model.findOne({ tenantId }).lean<PartnerDoc>();
      if (found) rememberWritten(MEMO, `id:${String(found._id)}`, found);
      return found;
    });
    return doc ? toPartner(doc) : null;
  }

  async findByPartnerId(partnerId: string): Promise<Partner | null> {
    const doc = await this.model.findOne({ partnerId }).lean<PartnerDoc>();
    return doc ? toPartner(doc) : null;
  }

  async findApprovedByVerifiedEmail(
    email: string,
    partnerType: 'reseller' | 'provider'
  ): Promise<Partner | null> {
    const doc = await this.model
      .findOne({ verifiedEmail: String(email).toLowerCase(), partnerType, status: 'approved' })
      .lean<PartnerDoc>();
    return doc ? toPartner(doc) : null;
  }

  async transition(
    id: string,
    from: SubmittedStatus,
    changes: PartnerChanges,
    guard: TransitionGuard = {}
  ): Promise<Partner | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const filter: mongoose.QueryFilter<PartnerDoc> = { _id: id, status: from };
    if (guard.submittedAt) filter.submittedAt = guard.submittedAt;
    const update: mongoose.UpdateQuery<PartnerDoc> = { $set: changes.set };
    if (changes.unset?.length) update.$unset = Object.fromEntries(changes.unset.map((f) => [f, 1]));
    let doc: PartnerDoc | null;
    try {
      doc = await this.model
        .findOneAndUpdate(filter, update, { returnDocument: 'after' })
        .lean<PartnerDoc>();
    } catch (err) {
      throw translate(err);
    }
    // The updated partner as findOneAndUpdate returned it: the turn reads it no more.
    rememberPartner(doc);
    return doc ? toPartner(doc) : null;
  }

  async listByStatus(status: SubmittedStatus): Promise<Partner[]> {
    const docs = await this.model.find({ status }).sort({ submittedAt: 1 }).lean<PartnerDoc[]>();
    return docs.map(toPartner);
  }

  async searchDirectory(q: DirectoryQuery): Promise<DirectoryResult> {
    const filter: mongoose.QueryFilter<PartnerDoc> = {
      status: 'approved',
      partnerType: q.partnerType,
    };
    if (q.country) filter.tenantCountry = q.country;
    const prefix = q.namePrefix?.trim();
    // U+FFFF sorts after every character under ICU collation: [prefix, prefix+U+FFFF) is "starts with".
    if (prefix) filter.legalName = { $gte: prefix, $lt: `${prefix}\uffff` };
    const [docs, total] = await Promise.all([
      this.model
        .find(filter)
        .collation(DIRECTORY_COLLATION)
        .sort({ legalName: 1 })
        .skip(q.skip)
        .limit(q.limit)
        .lean<PartnerDoc[]>(),
      this.model.countDocuments(filter, { limit: q.countUpTo }).collation(DIRECTORY_COLLATION),
    ]);
    return { items: docs.map(toPartner), total, more: total >= q.countUpTo };
  }

  async listNoticesOwed(before: Date, limit: number): Promise<Partner[]> {
    const docs = await this.model
      .find({ noticeOwedAt: { $lt: before } })
      .sort({ noticeOwedAt: 1 })
      .limit(limit)
      .lean<PartnerDoc[]>();
    return docs.map(toPartner);
  }

  async clearNoticeOwed(id: string, since: Date): Promise<void> {
    if (!mongoose.isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id, noticeOwedAt: since }, { $unset: { noticeOwedAt: 1 } });
  }

  async listFoundersOwed(before: Date, limit: number): Promise<Partner[]> {
    const docs = await this.model
      .find({ 'owedFounder.since': { $lt: before } })
      .sort({ 'owedFounder.since': 1 })
      .limit(limit)
      .lean<PartnerDoc[]>();
    return docs.map(toPartner);
  }

  async clearOwedFounder(id: string, since: Date): Promise<void> {
    if (!mongoose.isValidObjectId(id)) return;
    await this.model.updateOne(
      { _id: id, 'owedFounder.since': since },
      { $unset: { owedFounder: 1 } }
    );
  }
}

function translate(err: unknown): unknown {
  const field = duplicateKeyField(err);
  if (field === 'tenantId' || field === 'partnerId') return new DuplicatePartnerError(field);
  return err;
}

function toPartner(doc: PartnerDoc): Partner {
  const { _id, ...rest } = doc as PartnerDoc & { __v?: number };
  delete (rest as { __v?: number }).__v;
  const out: Record<string, unknown> = { id: String(_id) };
  // Optional fields are absent rather than null, as the domain types say.
  for (const [k, v] of Object.entries(rest)) if (v !== null && v !== undefined) out[k] = v;
  return out as unknown as Partner;
}
