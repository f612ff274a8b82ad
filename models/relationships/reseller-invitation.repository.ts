import mongoose from 'mongoose';
import type { PartnerRef, PersonRef } from '../../domain/partners/partner.js';
import type { AdminRole } from '../../domain/relationships/relationship.js';
import type {
  CodeGuessLimiter,
  NewResellerInvitation,
  ResellerInvitation,
  ResellerInvitationRepository,
} from '../../domain/relationships/reseller-invitation.js';
import { isDuplicateKey } from '../duplicate-key.js';
import {
  codeGuessModel,
  resellerInvitationModel,
  type CodeGuessDoc,
  type ResellerInvitationDoc,
} from './reseller-invitation.schema.js';

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
}

function toInvitation(doc: ResellerInvitationDoc): ResellerInvitation {
  return {
    id: String(doc._id),
    providerRef: doc.providerRef,
    email: doc.email,
    ...(doc.partnerId ? { partnerId: doc.partnerId } : {}),
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
  };
}

/** Wrong codes a person may type in a window before a lock of the same length. */
export const CODE_MISSES_ALLOWED = 5;
export const CODE_WINDOW_MS = 15 * 60_000;

/** Per-person code guessing limits on MongoDB, shared by every bot process. */
export class MongoCodeGuessLimiter implements CodeGuessLimiter {
  private readonly model: mongoose.Model<CodeGuessDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = codeGuessModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async allowed(personKey: string, now: Date): Promise<boolean> {
    const doc = await this.model.findOne({ personKey: String(personKey) }).lean<CodeGuessDoc>();
    return !doc?.lockedUntil || doc.lockedUntil <= now;
  }

  async miss(personKey: string, now: Date): Promise<boolean> {
    const windowStart = new Date(now.getTime() - CODE_WINDOW_MS);
    // A window that ended starts again at this miss.
    await this.model.updateOne(
      { personKey, windowStartedAt: { $lte: windowStart } },
      { $set: { misses: 0, windowStartedAt: now }, $unset: { lockedUntil: 1 } }
    );
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.model
          .findOneAndUpdate(
            { personKey },
            { $inc: { misses: 1 }, $setOnInsert: { windowStartedAt: now } },
            { upsert: true, returnDocument: 'after' }
          )
          .lean<CodeGuessDoc>();
        if (doc && doc.misses >= CODE_MISSES_ALLOWED) {
          await this.model.updateOne(
            { personKey },
            { $set: { lockedUntil: new Date(now.getTime() + CODE_WINDOW_MS) } }
          );
          return true;
        }
        return false;
      } catch (err) {
        // Two first misses at once: one upsert wins, the other retries as an update.
        if (!isDuplicateKey(err) || attempt > 0) throw err;
      }
    }
  }
}
