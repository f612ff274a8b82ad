import { Long, type Document } from 'bson';
import { Errors } from '../errors.js';
import { applyProjection, compileFilter, compileSort, runPipeline } from '../query/index.js';
import type { Collection, QueryEnv } from '../engine/collection.js';
import { indexPathValues } from '../engine/index-structure.js';
import { encodeKey } from '../engine/key-encoding.js';
import { planAccess, type AccessPlan } from '../engine/candidates.js';
import { topK } from '../engine/top-k.js';
import { countingGroup, leadingQuery } from './aggregate-prefix.js';
import { collectionName, type CommandContext, type CommandHandler } from './command-context.js';
import { commandEnv } from './query-env.js';
import { compareValues, holdsStrings, sameCollation, type Collation } from '../query/index.js';
import { MongoCommandError } from '../errors.js';
import { checkWriteStages, writeResults } from './write-stages.js';
import type { TextSearch } from '../query/text/score.js';

/** Sort + limit up to this many keeps only the best documents instead of sorting them all. */
const TOP_K_MAX = 1000;

function numberField(v: unknown, field: string): number {
  const n = v === undefined || v === null ? 0 : Number(v);
  if (!Number.isFinite(n)) throw Errors.failedToParse(`${field} must be a number`);
  return n;
}

function hasKeys(d: unknown): d is Document {
  return d !== null && typeof d === 'object' && Object.keys(d as Document).length > 0;
}

/** Matching documents in the plan's order, decoded lazily so a large result is not held at once. */
function* scan(
  coll: Collection,
  filter: Document,
  plan: AccessPlan,
  env: QueryEnv
): Generator<Document> {
  const match = coll.matcher(filter, plan.exact, env);
  for (const [, buf] of coll.entries(plan)) {
    const doc = match(buf);
    if (doc) yield doc;
  }
}

/** How a command evaluates `$text`: through its collection's text index (none: no match). */
export function textSearchOf(coll: Collection | undefined): TextSearch {
  return coll ? coll.textSearch : () => () => false;
}

/** Whether a projection or sort asks for the text score (then the filter must hold $text). */
function wantsTextScore(spec: unknown): boolean {
  if (!hasKeys(spec)) return false;
  return Object.values(spec).some(
    (v) => v !== null && typeof v === 'object' && (v as Document).$meta === 'textScore'
  );
}

/** mongod's 40218 for a text score asked of a query without $text. */
function checkTextMeta(filter: Document, projection: unknown, sort: unknown): void {
  if (JSON.stringify(filter).includes('"$text"')) return;
  if (wantsTextScore(projection) || wantsTextScore(sort))
    throw Errors.location(40218, 'query requires text score metadata, but it is not available');
}

/** Options of a find-like query. */
export interface QueryOptions {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
  /** Collation and `let` variables (the simple collation and none when absent). */
  env?: QueryEnv;
}

/**
 * Sorted (when asked), skipped, limited and projected results of a find-like query. When an
 * index gives the sort order the documents stream in that order, so a limit stops the scan.
 */
export function* queryResults(
  coll: Collection | undefined,
  opts: QueryOptions
): Generator<Document> {
  if (!coll) return;
  const filter = opts.filter ?? {};
  const env = opts.env ?? {};
  const sort = hasKeys(opts.sort) ? opts.sort : undefined;
  const natural = sort?.$natural;
  // $natural asks for storage order, which only a collection scan gives (as on mongod).
  const plan: AccessPlan =
    natural === undefined
      ? planAccess(coll, filter, sort, env.collation)
      : { sorted: false, direction: 1, exact: false, estimate: coll.docs.size };
  let source: Iterable<Document> = scan(coll, filter, plan, env);
  if (sort && natural !== undefined) {
    const all = [...source];
    source = Number(natural) < 0 ? all.reverse() : all;
  } else if (sort && !plan.sorted) {
    const cmp = compileSort(sort, env.collation?.compare);
    // Without a limit every match is wanted (a skip alone must not cut the sort short).
    const wanted = opts.limit && opts.limit > 0 ? (opts.skip ?? 0) + opts.limit : 0;
    source = wanted > 0 && wanted <= TOP_K_MAX ? topK(source, wanted, cmp) : [...source].sort(cmp);
  }
  let skip = opts.skip ?? 0;
  let left = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const projection = hasKeys(opts.projection) ? opts.projection : undefined;
  for (const doc of source) {
    if (left <= 0) return;
    if (skip > 0) {
      skip -= 1;
      continue;
    }
    left -= 1;
    yield projection ? applyProjection(doc, projection, filter, { variables: env.variables }) : doc;
  }
}

/** How many documents match `filter`; counted from the index alone when its bounds decide. */
export function countMatches(
  coll: Collection | undefined,
  filter: Document,
  env: QueryEnv = {},
  upTo = Infinity
): number {
  if (!coll) return 0;
  if (!hasKeys(filter)) return Math.min(coll.docs.size, upTo);
  const plan = planAccess(coll, filter, undefined, env.collation);
  let n = 0;
  // A count with a limit stops there, as mongod's does: "more than 105" costs 105 matches, not
  // every match of a large collection.
  if (plan.exact && plan.ids) {
    for (const id of plan.ids()) if (coll.docs.has(id) && ++n >= upTo) break;
    return n;
  }
  for (const _ of scan(coll, filter, plan, env)) if (++n >= upTo) break;
  return n;
}

function cursorReply(ns: string, id: Long, batch: Document[], first: boolean): Document {
  return { cursor: first ? { firstBatch: batch, id, ns } : { nextBatch: batch, id, ns } };
}

/** find options that change results and that this server does not implement: refused. */
const FIND_REFUSED = ['min', 'max', 'returnKey', 'showRecordId', 'tailable', 'awaitData'];

/**
 * A `hint` must name an existing index, as on mongod (BadValue otherwise). The planner still
 * picks the plan itself: a hint changes how mongod reads, never which documents match.
 */
export function checkHint(coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !coll) return;
  if (typeof hint === 'string' && hint !== '') {
    if (coll.specs().some((s) => s.name === hint)) return;
  } else if (typeof hint === 'object') {
    const keys = Object.keys(hint as Document);
    if (keys.length === 0 || keys[0] === '$natural') return;
    const wanted = JSON.stringify(Object.entries(hint as Document).map(([k, v]) => [k, String(v)]));
    const same = (key: Document) =>
      JSON.stringify(Object.entries(key).map(([k, v]) => [k, String(v)])) === wanted;
    if (coll.specs().some((s) => same(s.key))) return;
  }
  throw Errors.badValue(
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index'
  );
}

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd);
  const coll = ctx.catalog.get(ctx.db, name);
  for (const option of FIND_REFUSED) {
    if (cmd[option] !== undefined && cmd[option] !== false)
      throw Errors.notImplemented(
        `find option '${option}' is not supported by the embedded server`
      );
  }
  if (!coll?.isView) checkHint(coll, cmd.hint);
  if (coll?.isView) return viewFind(cmd, ctx, coll);
  let limit = numberField(cmd.limit, 'limit');
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const skip = numberField(cmd.skip, 'skip');
  if (skip < 0) throw Errors.badValue('skip value must be non-negative');
  const filter = (cmd.filter ?? {}) as Document;
  const env = commandEnv(cmd, coll);
  // Compile up front so a bad operator fails the command, not a later getMore.
  compileFilter(filter, env.variables, env.collation?.compare, textSearchOf(coll));
  checkTextMeta(filter, cmd.projection, cmd.sort);
  if (hasKeys(cmd.sort) && cmd.sort.$natural === undefined) compileSort(cmd.sort);
  const source = queryResults(coll, {
    filter,
    sort: cmd.sort,
    skip,
    limit,
    projection: cmd.projection,
    env,
  });
  const ns = `${ctx.db}.${name}`;
  const batchSize = cmd.batchSize === undefined ? undefined : Number(cmd.batchSize);
  const effective = limit > 0 && (batchSize === undefined || batchSize > limit) ? limit : batchSize;
  const batch = ctx.cursors.open(ns, source, effective, singleBatch);
  return cursorReply(ns, batch.id, batch.docs, true);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const id = Long.isLong(cmd.getMore) ? cmd.getMore : Long.fromValue(cmd.getMore as number);
  const ns = `${ctx.db}.${String(cmd.collection)}`;
  const batch = ctx.cursors.next(
    id,
    ns,
    cmd.batchSize === undefined ? undefined : Number(cmd.batchSize)
  );
  if (!batch) throw Errors.cursorNotFound(`cursor id ${id.toString()} not found`);
  return cursorReply(ns, batch.id, batch.docs, false);
};

const killCursors: CommandHandler = (cmd, ctx) => {
  const cursorsKilled: Long[] = [];
  const cursorsNotFound: Long[] = [];
  for (const raw of (cmd.cursors ?? []) as unknown[]) {
    const id = Long.isLong(raw) ? raw : Long.fromValue(raw as number);
    (ctx.cursors.kill(id) ? cursorsKilled : cursorsNotFound).push(id);
  }
  return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
};

const count: CommandHandler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, collectionName(cmd));
  if (!coll?.isView) checkHint(coll, cmd.hint);
  if (coll?.isView) return viewCount(cmd, ctx, coll);
  const query = (cmd.query ?? {}) as Document;
  const skip = numberField(cmd.skip, 'skip');
  const limit = Math.abs(numberField(cmd.limit, 'limit'));
  const env = commandEnv(cmd, coll, false);
  compileFilter(query, undefined, env.collation?.compare, textSearchOf(coll));
  const n = countMatches(coll, query, env, limit > 0 ? skip + limit : Infinity);
  return { n: Math.max(0, n - skip) };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, collectionName(cmd));
  if (typeof cmd.key !== 'string')
    throw Errors.failedToParse("BSON field 'distinct.key' is missing but a required field");
  const query = (cmd.query ?? {}) as Document;
  let env: QueryEnv;
  let docs: Iterable<Document>;
  if (coll?.isView) {
    env = viewEnv(cmd, coll, false);
    const resolved = resolveView(ctx, coll);
    const stages = hasKeys(query) ? [...resolved.stages, { $match: query }] : resolved.stages;
    docs = aggregateResults(ctx, resolved.source, stages, env);
  } else {
    env = commandEnv(cmd, coll, false);
    compileFilter(query, undefined, env.collation?.compare, textSearchOf(coll));
    docs = queryResults(coll, { filter: query, env });
  }
  const seen = new Map<string, unknown>();
  // Under a collation, values holding strings are one value when the collation equates them.
  const collated: unknown[] = [];
  for (const doc of docs) {
    for (const v of indexPathValues(doc, cmd.key)) {
      if (v === undefined) continue;
      if (env.collation && holdsStrings(v)) collated.push(v);
      else {
        const k = encodeKey(v);
        if (!seen.has(k)) seen.set(k, v);
      }
    }
  }
  const strings = env.collation?.compare;
  const values = [...seen.values()];
  if (strings && collated.length > 0) {
    collated.sort((a, b) => compareValues(a, b, strings));
    collated.forEach((v, i) => {
      if (i === 0 || compareValues(collated[i - 1], v, strings) !== 0) values.push(v);
    });
  }
  return { values };
};

/** The pipeline runner's view of the database: other collections (views resolved). */
function pipelineContext(ctx: CommandContext, env: QueryEnv) {
  const others = new Map<string, Document[]>();
  const context = {
    collection: (other: string) => {
      let docs = others.get(other);
      if (!docs) {
        docs = [...readAll(ctx, other)];
        others.set(other, docs);
      }
      return docs;
    },
    aggregate: (other: string, stages: Document[]): Iterable<Document> => {
      const coll = ctx.catalog.get(ctx.db, other);
      // A view is read whole and run through, as before (its own pipeline comes first).
      if (coll?.isView) return runPipeline(context.collection(other), stages, context);
      return aggregateResults(ctx, other, stages, env);
    },
    now: new Date(),
    variables: env.variables,
    collation: env.collation?.compare,
  };
  return context;
}

/** Every document of a collection or view, in natural order (for $lookup and $unionWith). */
function readAll(ctx: CommandContext, name: string): Iterable<Document> {
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll?.isView) {
    const view = resolveView(ctx, coll);
    return aggregateResults(ctx, view.source, view.stages, { collation: view.collation });
  }
  return queryResults(coll, {});
}

/**
 * Runs `stages` over collection `name` (which is not a view): the leading $match/$sort/$skip/
 * $limit run as a find, through the indexes; the rest in the pipeline runner.
 */
function aggregateResults(
  ctx: CommandContext,
  name: string | undefined,
  stages: Document[],
  env: QueryEnv
): Iterable<Document> {
  const coll = name === undefined ? undefined : ctx.catalog.get(ctx.db, name);
  const { query, used } = leadingQuery(stages);
  query.env = env;
  if (query.filter)
    compileFilter(query.filter, env.variables, env.collation?.compare, textSearchOf(coll));
  if (query.sort) compileSort(query.sort);
  const rest = stages.slice(used);
  const counting = countingGroup(rest);
  if (counting && !query.sort) {
    const upTo = query.limit ? (query.skip ?? 0) + query.limit : Infinity;
    const n = Math.max(0, countMatches(coll, query.filter ?? {}, env, upTo) - (query.skip ?? 0));
    return n > 0 ? [{ _id: counting.id, [counting.field]: n }] : [];
  }
  const input: Iterable<Document> = coll ? queryResults(coll, query) : [];
  return runPipeline(input, rest, pipelineContext(ctx, env));
}

/** A view's source collection, the pipeline leading to it (views of views resolved), collation. */
export function resolveView(
  ctx: CommandContext,
  view: Collection
): { source: string; stages: Document[]; collation?: Collation } {
  let stages: Document[] = [];
  let cur: Collection | undefined = view;
  let source = view.name;
  for (let depth = 0; cur?.isView; depth++) {
    if (depth > 20)
      throw new MongoCommandError(
        165,
        'ViewDepthLimitExceeded',
        'View depth too deep or view cycle detected. Maximum depth is 20'
      );
    stages = [...(cur.options.pipeline as Document[]), ...stages];
    source = cur.options.viewOn as string;
    cur = ctx.catalog.get(ctx.db, source);
  }
  return { source, stages, collation: view.collation };
}

/** A view reads under its own collation; a command may not ask for another (167). */
function viewEnv(cmd: Document, view: Collection, acceptsLet = true): QueryEnv {
  const env = commandEnv(cmd, undefined, acceptsLet);
  if (cmd.collation !== undefined && !sameCollation(env.collation, view.collation))
    throw new MongoCommandError(
      167,
      'OptionNotSupportedOnView',
      `Cannot override a view's default collation`
    );
  return { ...env, collation: view.collation };
}

function viewFind(cmd: Document, ctx: CommandContext, view: Collection): Document {
  const env = viewEnv(cmd, view);
  const resolved = resolveView(ctx, view);
  const stages = [...resolved.stages];
  if (hasKeys(cmd.filter)) stages.push({ $match: cmd.filter });
  if (hasKeys(cmd.sort)) stages.push({ $sort: cmd.sort });
  let limit = numberField(cmd.limit, 'limit');
  const singleBatch = cmd.singleBatch === true || limit < 0;
  limit = Math.abs(limit);
  const skip = numberField(cmd.skip, 'skip');
  if (skip > 0) stages.push({ $skip: skip });
  if (limit > 0) stages.push({ $limit: limit });
  if (hasKeys(cmd.projection)) stages.push({ $project: cmd.projection });
  const results = aggregateResults(ctx, resolved.source, stages, env);
  const ns = `${ctx.db}.${view.name}`;
  const batchSize = cmd.batchSize === undefined ? undefined : Number(cmd.batchSize);
  const batch = ctx.cursors.open(ns, results[Symbol.iterator](), batchSize, singleBatch);
  return cursorReply(ns, batch.id, batch.docs, true);
}

function viewCount(cmd: Document, ctx: CommandContext, view: Collection): Document {
  const env = viewEnv(cmd, view, false);
  const resolved = resolveView(ctx, view);
  const stages = [...resolved.stages];
  if (hasKeys(cmd.query)) stages.push({ $match: cmd.query });
  let n = 0;
  for (const _ of aggregateResults(ctx, resolved.source, stages, env)) n += 1;
  n = Math.max(0, n - numberField(cmd.skip, 'skip'));
  const limit = Math.abs(numberField(cmd.limit, 'limit'));
  return { n: limit > 0 ? Math.min(n, limit) : n };
}

const aggregate: CommandHandler = async (cmd, ctx: CommandContext) => {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline))
    throw Errors.failedToParse("'pipeline' option must be specified as an array");
  let stages = pipeline as Document[];
  if (stages.some((s) => s && '$changeStream' in s)) throw Errors.changeStreamsUnsupported();
  if (cmd.explain === true)
    throw Errors.notImplemented('explain is not supported by the embedded server');
  const writeStage = checkWriteStages(stages);
  const onCollection = typeof cmd.aggregate === 'string';
  const name = onCollection ? (cmd.aggregate as string) : '$cmd.aggregate';
  const coll = onCollection ? ctx.catalog.get(ctx.db, name) : undefined;
  if (!coll?.isView) checkHint(coll, cmd.hint);
  let env: QueryEnv;
  let source: string | undefined = onCollection ? name : undefined;
  if (coll?.isView) {
    env = viewEnv(cmd, coll);
    const resolved = resolveView(ctx, coll);
    source = resolved.source;
    stages = [...resolved.stages, ...stages];
  } else env = commandEnv(cmd, coll);
  const ns = `${ctx.db}.${name}`;
  const batchSize = cmd.cursor?.batchSize === undefined ? undefined : Number(cmd.cursor.batchSize);
  if (writeStage) {
    const results = [...aggregateResults(ctx, source, stages.slice(0, -1), env)];
    await writeResults(ctx, writeStage, results, env, cmd.bypassDocumentValidation === true);
    const batch = ctx.cursors.open(ns, [][Symbol.iterator](), batchSize);
    return cursorReply(ns, batch.id, batch.docs, true);
  }
  const results = aggregateResults(ctx, source, stages, env);
  const batch = ctx.cursors.open(ns, results[Symbol.iterator](), batchSize);
  return cursorReply(ns, batch.id, batch.docs, true);
};

/** find, getMore, killCursors, count, distinct and aggregate. */
export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
