import mongoose from 'mongoose';
import type { PartnerRef, PersonRef } from '../../domain/partners/partner.js';
import type { AdminRole } from '../../domain/relationships/relationship.js';
import {
  WAITING_STATES,
  type NewResellerInvitation,
  type ResellerInvitation,
  type ResellerInvitationRepository,
} from '../../domain/relationships/reseller-invitation.js';
import {
  resellerInvitationModel,
  type ResellerInvitationDoc,
} from './reseller-invitation.schema.js';

/**
 * The domain's waiting states as a filter (what `isWaiting` accepts: what Revoke and Resend
 * change), new for each query since mongoose casts a filter in place.
 */
const waiting = () => ({ $in: [...WAITING_STATES] });

export class MongoResellerInvitationRepository implements ResellerInvitationRepository {
  private readonly model: mongoose.Model<ResellerInvitationDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = resellerInvitationModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(input: NewResellerInvitation): Promise<ResellerInvitation> {
    const doc = await this.model.create({ ...input, state: 'pending' } as never);
    return toInvitation(doc.toObject());
  }

  async byTokenHash(hash: string): Promise<ResellerInvitation | null> {
    const doc = await this.model.findOne({ tokenHash: String(hash) }).lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async byCodeHash(hash: string): Promise<ResellerInvitation | null> {
    const doc = await this.model.findOne({ codeHash: String(hash) }).lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async get(id: string): Promise<ResellerInvitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model.findById(id).lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async accept(
    id: string,
    by: { readonly resellerRef: PartnerRef; readonly person: PersonRef },
    at: Date
  ): Promise<ResellerInvitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    // Pending and unexpired, in the same update: two admins (or two resellers) claim it once.
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, state: 'pending', expiresAt: { $gt: at } },
        { $set: { state: 'accepted', acceptedBy: by, acceptedAt: at } },
        { returnDocument: 'after' }
      )
      .lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async setRelationship(id: string, relationshipRef: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { relationshipRef } });
  }

  async listWaiting(providerRef: PartnerRef, now: Date, limit: number) {
    // The (providerRef, createdAt) index: a provider's invitations, newest first.
    const docs = await this.model
      .find({
        providerRef: String(providerRef),
        state: waiting(),
        expiresAt: { $gt: now },
        relationshipRef: { $exists: false },
      })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<ResellerInvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async listSentTo(providerRef: PartnerRef, email: string, since: Date) {
    const docs = await this.model
      .find({ providerRef: String(providerRef), email, createdAt: { $gte: since } })
      .sort({ createdAt: -1, _id: -1 })
      .limit(100)
      .lean<ResellerInvitationDoc[]>();
    return docs.map(toInvitation);
  }

  async revoke(id: string, providerRef: PartnerRef): Promise<ResellerInvitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, providerRef: String(providerRef), state: waiting() },
        { $set: { state: 'revoked' } },
        { returnDocument: 'after' }
      )
      .lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async renew(
    id: string,
    providerRef: PartnerRef,
    secrets: { readonly tokenHash: string; readonly codeHash: string; readonly expiresAt: Date },
    at: Date,
    notAfter: Date
  ): Promise<ResellerInvitation | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.model
      .findOneAndUpdate(
        {
          _id: id,
          providerRef: String(providerRef),
          state: waiting(),
          $or: [{ resentAt: { $exists: false } }, { resentAt: { $lte: notAfter } }],
        },
        { $set: { ...secrets, resentAt: at } },
        { returnDocument: 'after' }
      )
      .lean<ResellerInvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }
}

function toInvitation(doc: ResellerInvitationDoc): ResellerInvitation {
  return {
    id: String(doc._id),
    providerRef: doc.providerRef,
    email: doc.email,
    ...(doc.partnerId ? { partnerId: doc.partnerId } : {}),
    ...(doc.resellerRef ? { resellerRef: doc.resellerRef } : {}),
    grant: {
      roles: doc.grant.roles as AdminRole[],
      durationDays: doc.grant.durationDays,
      autoExtend: doc.grant.autoExtend,
    },
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    state: doc.state,
    ...(doc.acceptedBy ? { acceptedBy: doc.acceptedBy } : {}),
    ...(doc.acceptedAt ? { acceptedAt: doc.acceptedAt } : {}),
    ...(doc.relationshipRef ? { relationshipRef: doc.relationshipRef } : {}),
    ...(doc.resentAt ? { resentAt: doc.resentAt } : {}),
  };
}
