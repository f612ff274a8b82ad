import type mongoose from 'mongoose';
import type { UserRef } from '../domain/partners/actor.js';
import type { Logger } from '../logging/logger.js';
import type { BotStateDoc } from './bot-state/bot-state.schema.js';
import { rememberState } from './bot-state/bot-state.storage.js';
import type { EnrollmentDraftDoc } from './enrollment/enrollment-draft.schema.js';
import { rememberDraft } from './enrollment/enrollment-draft.repository.js';
import type { MembershipDoc } from './partners/membership.schema.js';
import { rememberRoster } from './partners/membership.repository.js';
import type { PartnerDoc } from './partners/partner.schema.js';
import { rememberPartnerOfTenant } from './partners/partner.repository.js';
import { userModel, type UserDoc } from './partners/user.schema.js';
import { rememberUser } from './partners/user.repository.js';

/**
 * The collections' names as their schemas set them (not from their models: making a model here
 * would build its indexes on connections that never use it). test/models/turn-reads.test.ts
 * fails if one drifts: the repositories' reads would go to the database again.
 */
const c = {
  botstate: 'botstate',
  partners: 'partners',
  memberships: 'memberships',
  drafts: 'enrollmentDrafts',
} as const;

/** Which collection a prefetched document came from (a field no stored document has). */
const FROM = '__turnRead';

/** MongoDB's code for a pipeline stage the server does not know (Cosmos DB's older APIs). */
const UNRECOGNIZED_STAGE = 40324;

/**
 * Reads a turn's working set in one round trip: the acting user, the conversation's state
 * items, the user's tenant's partner and roster, and the user's enrollment draft, all keyed by
 * what the activity carries (tenant, user, conversation). Nearly every turn needs most of them,
 * and read one by one they were four or five sequential commands before the turn could start;
 * one `aggregate` with `$unionWith` (MongoDB 4.4+, the embedded database too) fetches them
 * together and puts them in the turn memo (models/turn-memo.ts), where the repositories find
 * them. A server without `$unionWith` is asked no more and the repositories read as before; any
 * other failure only costs the shortcut, the turn's own reads then report it.
 */
export class MongoTurnReads {
  private supported = true;
  private readonly users: mongoose.Model<UserDoc>;

  constructor(
    conn: mongoose.Connection,
    private readonly log?: Logger
  ) {
    this.users = userModel(conn);
  }

  async prefetch(user: UserRef, stateKeys: readonly string[]): Promise<void> {
    if (!this.supported) return;
    const { tenantId, aadObjectId } = user;
    // Identity fields are validated strings by now (bot/activity-guard.ts); cast anyway so no
    // value can ever be read as an operator.
    const t = String(tenantId);
    const u = String(aadObjectId);
    const keys = stateKeys.map(String);
    const from = (name: string) => ({ $set: { [FROM]: { $literal: name } } });
    const union = (coll: string, match: Record<string, unknown>) => ({
      $unionWith: { coll, pipeline: [{ $match: match }, { $limit: 1 }, from(coll)] },
    });
    let docs: Record<string, unknown>[];
    try {
      docs = await this.users
        .aggregate<Record<string, unknown>>([
          { $match: { tenantId: t, aadObjectId: u } },
          { $limit: 1 },
          from('users'),
          ...(keys.length
            ? [
                {
                  $unionWith: {
                    coll: c.botstate,
                    pipeline: [{ $match: { _id: { $in: keys } } }, from(c.botstate)],
                  },
                },
              ]
            : []),
          union(c.partners, { tenantId: t }),
          union(c.memberships, { tenantId: t }),
          union(c.drafts, { tenantId: t, aadObjectId: u }),
        ])
        .exec();
    } catch (err) {
      if ((err as { code?: unknown }).code === UNRECOGNIZED_STAGE) {
        this.supported = false;
        this.log?.warn({ err }, 'the database has no $unionWith: turns read one by one');
      }
      return;
    }
    const untag = <T>({ [FROM]: _tag, ...stored }: Record<string, unknown>) => stored as T;
    // The first document of `name`, as `find` would have returned it.
    const first = <T>(name: string): T | null => {
      const doc = docs.find((d) => d[FROM] === name);
      return doc ? untag<T>(doc) : null;
    };
    rememberUser(user, first<UserDoc>('users'));
    for (const key of keys) {
      const doc = docs.find((d) => d[FROM] === c.botstate && d._id === key);
      rememberState(key, doc ? untag<BotStateDoc>(doc) : null);
    }
    const partner = first<PartnerDoc>(c.partners);
    rememberPartnerOfTenant(t, partner);
    const roster = first<MembershipDoc>(c.memberships);
    if (roster) rememberRoster(roster.partnerRef, roster);
    else if (partner) rememberRoster(String(partner._id), null);
    rememberDraft(user, first<EnrollmentDraftDoc>(c.drafts));
  }
}
