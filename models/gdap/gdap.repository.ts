import type mongoose from 'mongoose';
import type {
  ConsentState,
  GdapLinkRepository,
  GraphConnection,
  GraphConnectionRepository,
} from '../../domain/gdap/gdap-repository.port.js';
import {
  FINAL_GDAP_STATUSES,
  type GdapLink,
  type GdapWanted,
  type NewGdapLink,
} from '../../domain/gdap/gdap.js';
import { isDuplicateKey } from '../duplicate-key.js';
import {
  consentStateModel,
  gdapLinkModel,
  graphConnectionModel,
  type GdapLinkDoc,
} from './gdap.schema.js';

export class MongoGdapLinkRepository implements GdapLinkRepository {
  private readonly model: mongoose.Model<GdapLinkDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = gdapLinkModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async byRelationships(relationshipIds: readonly string[]): Promise<GdapLink[]> {
    if (!relationshipIds.length) return [];
    const docs = await this.model
      .find({ relationshipId: { $in: relationshipIds.map(String) } })
      .lean<GdapLinkDoc[]>();
    return docs.map(toLink);
  }

  async byRelationship(relationshipId: string): Promise<GdapLink | null> {
    const doc = await this.model
      .findOne({ relationshipId: String(relationshipId) })
      .lean<GdapLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  async want(link: NewGdapLink, wanted: GdapWanted, at: Date): Promise<GdapLink | null> {
    const changed = await this.model
      .findOneAndUpdate(
        {
          relationshipId: link.relationshipId,
          $or: [
            { wanted: { $ne: wanted } },
            // Auto-extend switched on or off: Graph's is updated in place (owed work).
            ...(wanted === 'active' ? [{ autoExtend: { $ne: link.autoExtend } }] : []),
          ],
        },
        { $set: { wanted, autoExtend: link.autoExtend, noticeOwedAt: at } },
        { returnDocument: 'after' }
      )
      .lean<GdapLinkDoc>();
    if (changed) return toLink(changed);
    if (await this.model.exists({ relationshipId: link.relationshipId })) return null;
    try {
      const doc = await this.model.create({ ...link, wanted, noticeOwedAt: at } as never);
      return toLink(doc.toObject());
    } catch (err) {
      // Another process wanted the same first: its work is owed already.
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async record(
    id: string,
    fields: Partial<Pick<GdapLink, 'graphId' | 'status' | 'endDateTime' | 'syncedAt'>> & {
      readonly refusal?: GdapLink['refusal'] | null;
    }
  ): Promise<GdapLink | null> {
    const { refusal, ...set } = fields;
    const update: Record<string, unknown> = { $set: { ...set } };
    if (refusal === null) update.$unset = { refusal: '' };
    else if (refusal) (update.$set as Record<string, unknown>).refusal = refusal;
    const doc = await this.model
      .findByIdAndUpdate(id, update, { returnDocument: 'after' })
      .lean<GdapLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  async owe(id: string, at: Date): Promise<GdapLink | null> {
    const doc = await this.model
      .findByIdAndUpdate(id, { $set: { noticeOwedAt: at } }, { returnDocument: 'after' })
      .lean<GdapLinkDoc>();
    return doc ? toLink(doc) : null;
  }

  async listToSync(before: Date, limit: number): Promise<GdapLink[]> {
    const docs = await this.model
      .find({
        graphId: { $exists: true },
        status: { $nin: [...FINAL_GDAP_STATUSES] },
        $or: [{ syncedAt: { $exists: false } }, { syncedAt: { $lt: before } }],
      })
      .sort({ syncedAt: 1 })
      .limit(limit)
      .lean<GdapLinkDoc[]>();
    return docs.map(toLink);
  }

  async reoweNotConnected(partnerRef: string, at: Date): Promise<GdapLink[]> {
    const filter = {
      partnerRef: String(partnerRef),
      refusal: 'notConnected',
      wanted: 'active' as const,
    };
    const docs = await this.model.find(filter).lean<GdapLinkDoc[]>();
    await this.model.updateMany(filter, { $set: { noticeOwedAt: at }, $unset: { refusal: '' } });
    return docs.map((d) => {
      const { refusal: _refusal, ...rest } = toLink(d);
      return { ...rest, noticeOwedAt: at };
    });
  }

  async listNoticesOwed(before: Date, limit: number): Promise<GdapLink[]> {
    const docs = await this.model
      .find({ noticeOwedAt: { $lt: before } })
      .sort({ noticeOwedAt: 1 })
      .limit(limit)
      .lean<GdapLinkDoc[]>();
    return docs.map(toLink);
  }

  async clearNoticeOwed(id: string, since: Date): Promise<void> {
    await this.model.updateOne({ _id: id, noticeOwedAt: since }, { $unset: { noticeOwedAt: '' } });
  }
}

export class MongoGraphConnectionRepository implements GraphConnectionRepository {
  private readonly connections;
  private readonly states;

  constructor(conn: mongoose.Connection) {
    this.connections = graphConnectionModel(conn);
    this.states = consentStateModel(conn);
  }

  async init(): Promise<void> {
    await this.connections.init();
    await this.states.init();
  }

  async get(partnerRef: string): Promise<GraphConnection | null> {
    const doc = await this.connections.findOne({ partnerRef: String(partnerRef) }).lean();
    return doc
      ? {
          partnerRef: doc.partnerRef,
          tenantId: doc.tenantId,
          connectedAt: doc.connectedAt,
          connectedBy: doc.connectedBy,
        }
      : null;
  }

  async save(c: GraphConnection): Promise<void> {
    await this.connections.updateOne(
      { partnerRef: String(c.partnerRef) },
      { $set: { ...c } },
      { upsert: true }
    );
  }

  async remove(partnerRef: string): Promise<boolean> {
    const res = await this.connections.deleteOne({ partnerRef: String(partnerRef) });
    return res.deletedCount > 0;
  }

  async saveState(state: ConsentState): Promise<void> {
    await this.states.create(state);
  }

  async takeState(stateHash: string): Promise<ConsentState | null> {
    // Found and removed in one operation: two callbacks with one state connect once.
    const doc = await this.states.findOneAndDelete({ stateHash: String(stateHash) }).lean();
    return doc
      ? {
          stateHash: doc.stateHash,
          partnerRef: doc.partnerRef,
          tenantId: doc.tenantId,
          aadObjectId: doc.aadObjectId,
          expiresAt: doc.expiresAt,
        }
      : null;
  }
}

function toLink(d: GdapLinkDoc): GdapLink {
  return {
    id: String(d._id),
    relationshipId: d.relationshipId,
    partnerRef: d.partnerRef,
    partnerTenantId: d.partnerTenantId,
    ...(d.kind ? { kind: d.kind } : {}),
    ...(d.customerRef ? { customerRef: d.customerRef } : {}),
    customerTenantId: d.customerTenantId,
    ...(d.customerName ? { customerName: d.customerName } : {}),
    ...(d.customerAdmin
      ? {
          customerAdmin: {
            tenantId: d.customerAdmin.tenantId,
            aadObjectId: d.customerAdmin.aadObjectId,
          },
        }
      : {}),
    displayName: d.displayName,
    roles: d.roles as GdapLink['roles'],
    durationDays: d.durationDays,
    autoExtend: d.autoExtend,
    wanted: d.wanted,
    ...(d.graphId ? { graphId: d.graphId } : {}),
    ...(d.status ? { status: d.status as GdapLink['status'] } : {}),
    ...(d.endDateTime ? { endDateTime: d.endDateTime } : {}),
    ...(d.refusal ? { refusal: d.refusal as GdapLink['refusal'] } : {}),
    ...(d.noticeOwedAt ? { noticeOwedAt: d.noticeOwedAt } : {}),
    ...(d.syncedAt ? { syncedAt: d.syncedAt } : {}),
  };
}
