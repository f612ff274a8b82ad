import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { planAccess } from '../engine/candidates.js';
import { SERVER_VERSION } from './handshake.commands.js';
import type { CommandHandler } from './command-context.js';

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
  if (field === 'pipeline') {
    const first = Array.isArray(inner.pipeline)
      ? (inner.pipeline[0] as Document | undefined)
      : undefined;
    filter = (first?.$match ?? {}) as Document;
  }
  const coll = ctx.catalog.get(ctx.db, collName);
  const plan = coll ? planAccess(coll, filter) : {};
  let winningPlan: Document;
  if (plan.index === '_id_') winningPlan = { stage: 'IDHACK' };
  else if (plan.index) {
    const spec = coll!.specs().find((s) => s.name === plan.index)!;
    winningPlan = {
      stage: 'FETCH',
      inputStage: {
        stage: 'IXSCAN',
        keyPattern: spec.key,
        indexName: spec.name,
        isUnique: spec.unique === true,
      },
    };
  } else winningPlan = { stage: 'COLLSCAN', direction: 'forward' };
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${ctx.db}.${collName}`,
      parsedQuery: filter,
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
