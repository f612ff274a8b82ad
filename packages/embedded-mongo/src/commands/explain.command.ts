import { EJSON, type Document } from 'bson';
import { Errors } from '../errors.js';
import { planAccess } from '../engine/candidates.js';
import type { Interval } from '../engine/key-bounds.js';
import { leadingQuery } from './aggregate-prefix.js';
import { SERVER_VERSION } from './handshake.commands.js';
import type { CommandHandler } from './command-context.js';
import { parseCollation } from '../query/index.js';

/** Where each explainable command keeps its filter. */
const FILTER_FIELD: Record<string, string> = {
  find: 'filter',
  count: 'query',
  distinct: 'query',
  findAndModify: 'query',
  findandmodify: 'query',
  aggregate: 'pipeline',
};

/**
 * explain (queryPlanner only): shows whether a query goes through `_id` (IDHACK), an index
 * (IXSCAN) or a collection scan, in the shape mongod uses, so index use can be checked the
 * same way against either server.
 */
export const explain: CommandHandler = (cmd, ctx) => {
  const inner = cmd.explain as Document | undefined;
  if (!inner || typeof inner !== 'object')
    throw Errors.failedToParse('explain command requires a nested object');
  const name = Object.keys(inner)[0];
  const field = FILTER_FIELD[name];
  if (!field)
    throw Errors.notImplemented(`explain of ${name} is not supported by the embedded server`);
  const collName = String(inner[name]);
  let filter = (inner[field] ?? {}) as Document;
  let sort = inner.sort as Document | undefined;
  let limit = Math.abs(Number(inner.limit ?? 0)) || 0;
  if (field === 'pipeline') {
    const { query } = leadingQuery(Array.isArray(inner.pipeline) ? inner.pipeline : []);
    filter = query.filter ?? {};
    sort = query.sort;
    limit = query.limit ?? 0;
  }
  const coll = ctx.catalog.get(ctx.db, collName);
  if (coll?.isView)
    throw Errors.notImplemented('explain on a view is not supported by the embedded server');
  const wantsSort = sort && Object.keys(sort).length > 0 && sort.$natural === undefined;
  const collation = coll ? coll.collationFor(inner.collation) : parseCollation(inner.collation);
  const plan = coll ? planAccess(coll, filter, wantsSort ? sort : undefined, collation) : undefined;
  let winningPlan: Document;
  if (plan?.index === '_id_') winningPlan = { stage: 'IDHACK' };
  else if (plan?.index && coll?.textIndex?.name === plan.index && filter.$text !== undefined) {
    // mongod's text plan: the index's hits per term (TEXT_OR), then phrases and negations.
    winningPlan = {
      stage: 'TEXT_MATCH',
      indexPrefix: {},
      indexName: plan.index,
      inputStage: { stage: 'TEXT_OR', inputStage: { stage: 'IXSCAN', indexName: plan.index } },
    };
  } else if (plan?.index) {
    const spec = coll!.specs().find((s) => s.name === plan.index)!;
    winningPlan = {
      stage: 'FETCH',
      inputStage: {
        stage: 'IXSCAN',
        keyPattern: spec.key,
        indexName: spec.name,
        isMultiKey: plan.isMultiKey === true,
        isUnique: spec.unique === true,
        isSparse: spec.sparse === true,
        isPartial: spec.partialFilterExpression !== undefined,
        direction: plan.direction === 1 ? 'forward' : 'backward',
        indexBounds: renderBounds(Object.keys(spec.key), plan.bounds ?? []),
      },
    };
    if (plan.collation) winningPlan.inputStage.collation = plan.collation;
  } else winningPlan = { stage: 'COLLSCAN', direction: 'forward' };
  if (wantsSort && !plan?.sorted) {
    winningPlan = { stage: 'SORT', sortPattern: sort, inputStage: winningPlan };
    if (limit > 0) winningPlan.limitAmount = limit;
  } else if (limit > 0) {
    winningPlan = { stage: 'LIMIT', limitAmount: limit, inputStage: winningPlan };
  }
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${ctx.db}.${collName}`,
      parsedQuery: filter,
      ...(collation ? { collation: collation.spec } : {}),
      winningPlan,
      rejectedPlans: [],
    },
    command: inner,
    serverInfo: {
      host: ctx.server.host,
      port: ctx.server.port,
      version: SERVER_VERSION,
      gitVersion: 'embedded',
    },
  };
};

function show(v: unknown): string {
  if (v === Infinity) return 'inf.0';
  if (v === -Infinity) return '-inf.0';
  return EJSON.stringify(v, { relaxed: true });
}

function renderInterval(iv: Interval): string {
  if (iv.kind === 'point') return `[${show(iv.value)}, ${show(iv.value)}]`;
  const lo = iv.lo === undefined ? `${iv.bracket} min` : show(iv.lo);
  const hi = iv.hi === undefined ? `${iv.bracket} max` : show(iv.hi);
  const open = iv.loInc || iv.lo === undefined ? '[' : '(';
  const close = iv.hiInc || iv.hi === undefined ? ']' : ')';
  return `${open}${lo}, ${hi}${close}`;
}

/** mongod's `indexBounds` shape: per field, the intervals scanned, as text. */
function renderBounds(fields: string[], prefixes: Interval[][]): Document {
  const out: Document = {};
  fields.forEach((f, i) => {
    const shown = new Set<string>();
    for (const p of prefixes) shown.add(p[i] ? renderInterval(p[i]) : '[MinKey, MaxKey]');
    out[f] = [...shown];
  });
  return out;
}
