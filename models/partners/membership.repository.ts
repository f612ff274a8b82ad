import type mongoose from 'mongoose';
import type {
  Member,
  MembershipRepository,
  Roster,
} from '../../domain/partners/membership-repository.port.js';
import type { Role } from '../../domain/partners/roles.js';
import { duplicateKeyField } from '../duplicate-key.js';
import { membershipModel, type MembershipDoc } from './membership.schema.js';
import { memoized, rememberWritten } from '../turn-memo.js';
import { registerTurnRead } from '../turn-reads.js';

const MEMO = 'memberships';

// The tenant's roster, for the turn's prefetch (models/turn-reads.ts). A tenant's partner
// without one is remembered as having none: its id comes from the partners read beside it.
registerTurnRead<MembershipDoc>({
  collection: MEMO,
  match: ({ tenantId }) => ({ tenantId }),
  remember: ([doc], _turn, of) => {
    const [partner] = of('partners');
    if (doc) rememberWritten(MEMO, doc.partnerRef, doc);
    else if (partner) rememberWritten(MEMO, String(partner._id), null);
  },
});

/**
 * MembershipRepository on MongoDB (collection `memberships`, one roster per partner). A turn
 * reads a roster once (models/turn-memo.ts); each call maps it afresh.
 */
export class MongoMembershipRepository implements MembershipRepository {
  private readonly model: mongoose.Model<MembershipDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = membershipModel(conn);
  }

  async get(partnerRef: string): Promise<Roster | null> {
    const doc = await memoized(MEMO, partnerRef, () =>
      this.model.findOne({ partnerRef }).lean<MembershipDoc>().exec()
    );
    return doc ? toRoster(doc) : null;
  }

  async create(roster: Omit<Roster, 'version'>): Promise<boolean> {
    try {
      await this.model.create({
        ...roster,
        members: roster.members.map(toDocMember),
        version: 1,
      });
      return true;
    } catch (err) {
      if (duplicateKeyField(err) !== undefined) return false;
      throw err;
    }
  }

  async replaceMembers(
    partnerRef: string,
    expectedVersion: number,
    members: readonly Member[]
  ): Promise<boolean> {
    // A lost race (version moved on) forgets the turn's roster too: the retry reads it afresh.
    const res = await this.model.updateOne(
      { partnerRef, version: expectedVersion },
      { $set: { members: members.map(toDocMember) }, $inc: { version: 1 } }
    );
    return res.modifiedCount === 1;
  }
}

function toDocMember(m: Member): MembershipDoc['members'][number] {
  return {
    aadObjectId: m.aadObjectId,
    roles: [...m.roles],
    ...(m.name ? { name: m.name } : {}),
    updatedAt: m.updatedAt,
    updatedBy: m.updatedBy,
  };
}

function toRoster(doc: MembershipDoc): Roster {
  return {
    partnerRef: doc.partnerRef,
    tenantId: doc.tenantId,
    version: doc.version,
    members: (doc.members ?? []).map((m) => ({
      aadObjectId: m.aadObjectId,
      roles: m.roles as Role[],
      ...(m.name ? { name: m.name } : {}),
      updatedAt: m.updatedAt,
      updatedBy: m.updatedBy,
    })),
  };
}
