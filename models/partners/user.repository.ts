import type mongoose from 'mongoose';
import type { Actor, UserRef } from '../../domain/partners/actor.js';
import type {
  KnownUser,
  RosterMember,
  UserRepository,
} from '../../domain/partners/user-repository.port.js';
import type { Language } from '../../i18n/i18n.js';
import { memoized, rememberWritten } from '../turn-memo.js';
import { registerTurnRead } from '../turn-reads.js';
import { userModel, type UserDoc } from './user.schema.js';

const MEMO = 'users';
const memoKey = (user: UserRef) => `${user.tenantId}/${user.aadObjectId}`;

// Every turn has an acting user: the turn's prefetch (models/turn-reads.ts) starts from here.
registerTurnRead<UserDoc>({
  collection: MEMO,
  startsHere: userModel,
  match: (turn) => ({ tenantId: turn.tenantId, aadObjectId: turn.aadObjectId }),
  remember: ([doc], turn) => rememberWritten(MEMO, memoKey(turn), doc ?? null),
});

/**
 * UserRepository on MongoDB (collection `users`). A turn reads a user once
 * (models/turn-memo.ts); every write forgets what the turn read.
 */
export class MongoUserRepository implements UserRepository {
  private readonly model: mongoose.Model<UserDoc>;

  constructor(
    conn: mongoose.Connection,
    /** The app's clock (what the actor resolver compares `lastSeenAt` with). */
    private readonly now: () => Date = () => new Date()
  ) {
    this.model = userModel(conn);
  }

  async recordSeen(actor: Actor & { upn?: string; locale?: string }): Promise<void> {
    const set: Partial<UserDoc> = { lastSeenAt: this.now() };
    if (actor.name) set.name = actor.name;
    if (actor.email) set.email = actor.email;
    if (actor.upn) set.upn = actor.upn;
    if (actor.locale) set.locale = actor.locale;
    await this.model.updateOne(
      { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId },
      { $set: set },
      { upsert: true }
    );
  }

  async recordRosterMembers(members: readonly RosterMember[]): Promise<void> {
    if (!members.length) return;
    // The filter is an equality match on the unique index, so MongoDB retries an upsert that
    // lost a race with a concurrent sync (install sends two events) instead of failing it.
    await this.model.bulkWrite(
      members.map((m) => {
        const set: Partial<UserDoc> = {};
        if (m.name) set.name = m.name;
        if (m.email) set.email = m.email;
        if (m.upn) set.upn = m.upn;
        return {
          updateOne: {
            filter: { tenantId: m.tenantId, aadObjectId: m.aadObjectId },
            update: { $set: set },
            upsert: true,
          },
        };
      })
    );
  }

  async get(user: UserRef): Promise<KnownUser | null> {
    const doc = await memoized(MEMO, memoKey(user), () =>
      this.model
        .findOne({ tenantId: user.tenantId, aadObjectId: user.aadObjectId })
        .lean<UserDoc>()
        .exec()
    );
    return doc ? toKnownUser(doc) : null;
  }

  async listByTenant(tenantId: string): Promise<KnownUser[]> {
    const docs = await this.model.find({ tenantId }).sort({ name: 1 }).lean<UserDoc[]>();
    return docs.map(toKnownUser);
  }

  async listSeen(limit: number): Promise<KnownUser[]> {
    const docs = await this.model
      .find({ lastSeenAt: { $exists: true } })
      .sort({ lastSeenAt: -1, _id: -1 })
      .limit(limit)
      .lean<UserDoc[]>();
    return docs.map(toKnownUser);
  }

  async setLanguage(user: UserRef, language: Language): Promise<void> {
    await this.model.updateOne(
      { tenantId: user.tenantId, aadObjectId: user.aadObjectId },
      { $set: { language } },
      { upsert: true }
    );
  }
}

function toKnownUser(doc: UserDoc): KnownUser {
  return {
    tenantId: doc.tenantId,
    aadObjectId: doc.aadObjectId,
    ...(doc.name ? { name: doc.name } : {}),
    ...(doc.email ? { email: doc.email } : {}),
    ...(doc.upn ? { upn: doc.upn } : {}),
    ...(doc.language ? { language: doc.language } : {}),
    ...(doc.locale ? { locale: doc.locale } : {}),
    ...(doc.lastSeenAt ? { lastSeenAt: doc.lastSeenAt } : {}),
  };
}
