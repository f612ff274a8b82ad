import type mongoose from 'mongoose';
import type { UserRef } from '../domain/partners/actor.js';
import type { Logger } from '../logging/logger.js';

/** What a turn's prefetch is keyed by: what the activity carries. */
export interface TurnKeys {
  readonly tenantId: string;
  readonly aadObjectId: string;
  /** The conversation's state items (botbuilder storage keys). */
  readonly stateKeys: readonly string[];
}

/** A stored document as the aggregate returned it. */
type Stored = Record<string, unknown>;

/**
 * What a turn of one feature reads, declared by the repository that reads it
 * (`registerTurnRead`, when its module loads), so this file knows no feature's collections.
 */
export interface TurnRead<D = Stored> {
  /** The collection, as its schema names it (not from its model: see `startsHere`). */
  readonly collection: string;
  /** The filter for this turn's documents; undefined: none to read this turn. */
  match(turn: TurnKeys): Stored | undefined;
  /** Every matching document (the state items); otherwise the first. */
  readonly many?: boolean;
  /**
   * Puts what was found in the turn memo under the keys the repository reads by, absent ones
   * included (an empty `found`: nothing stored). `of` gives another read's documents.
   */
  remember(found: readonly D[], turn: TurnKeys, of: (collection: string) => Stored[]): void;
  /**
   * The model the aggregate starts from: one read offers it (the acting user's record, which
   * every turn has). The others are joined by collection name: making their models here would
   * build their indexes on connections that never use them.
   */
  readonly startsHere?: (conn: mongoose.Connection) => Pick<mongoose.Model<unknown>, 'aggregate'>;
}

const registered: TurnRead[] = [];

/** Adds a feature's turn read to the prefetch (once per module load; a name twice is refused). */
export function registerTurnRead<D>(read: TurnRead<D>): void {
  if (registered.some((r) => r.collection === read.collection))
    throw new Error(`turn read of ${read.collection} registered twice`);
  if (read.startsHere && registered.some((r) => r.startsHere))
    throw new Error('only one turn read starts the aggregate');
  registered.push(read as unknown as TurnRead);
}

/** Which collection a prefetched document came from (a field no stored document has). */
const FROM = '__turnRead';

/** MongoDB's code for a pipeline stage the server does not know (Cosmos DB's older APIs). */
const UNRECOGNIZED_STAGE = 40324;

/**
 * Reads a turn's working set in one round trip: whatever the repositories registered (the acting
 * user, the conversation's state items, the tenant's partner and roster, the user's enrollment
 * draft), all keyed by what the activity carries (tenant, user, conversation). Nearly every turn
 * needs most of them, and read one by one they were four or five sequential commands before the
 * turn could start; one `aggregate` with `$unionWith` (MongoDB 4.4+, the embedded database too)
 * fetches them together and puts them in the turn memo (models/turn-memo.ts), where the
 * repositories find them. A server without `$unionWith` is asked no more and the repositories
 * read as before; any other failure only costs the shortcut, the turn's own reads then report it.
 * A read is registered when its repository's module loads: a process that never loads a
 * repository has no use for its records either.
 */
export class MongoTurnReads {
  private supported = true;

  constructor(
    private readonly conn: mongoose.Connection,
    private readonly log?: Logger
  ) {}

  async prefetch(user: UserRef, stateKeys: readonly string[]): Promise<void> {
    const start = registered.find((r) => r.startsHere);
    if (!this.supported || !start?.startsHere) return;
    // Identity fields are validated strings by now (bot/activity-guard.ts); cast anyway so no
    // value can ever be read as an operator.
    const turn: TurnKeys = {
      tenantId: String(user.tenantId),
      aadObjectId: String(user.aadObjectId),
      stateKeys: stateKeys.map(String),
    };
    const reads = registered.filter((r) => r.match(turn) !== undefined);
    const stages = (r: TurnRead) => [
      // The start's filter matches nothing when it has nothing to read: the unions still run.
      { $match: r.match(turn) ?? { _id: { $in: [] } } },
      ...(r.many ? [] : [{ $limit: 1 }]),
      { $set: { [FROM]: { $literal: r.collection } } },
    ];
    let docs: Stored[];
    try {
      docs = await start
        .startsHere(this.conn)
        .aggregate<Stored>([
          ...stages(start),
          ...reads
            .filter((r) => r !== start)
            .map((r) => ({ $unionWith: { coll: r.collection, pipeline: stages(r) } })),
        ])
        .exec();
    } catch (err) {
      if ((err as { code?: unknown }).code === UNRECOGNIZED_STAGE) {
        this.supported = false;
        this.log?.warn({ err }, 'the database has no $unionWith: turns read one by one');
      }
      return;
    }
    // Each as `find` would have returned it: without the tag.
    const of = (collection: string) =>
      docs
        .filter((d) => d[FROM] === collection)
        .map(({ [FROM]: _tag, ...stored }) => stored as Stored);
    for (const r of reads) r.remember(of(r.collection), turn, of);
  }
}
