import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { isReplacementUpdate } from '../query/index.js';
import type { Hit } from '../engine/collection.js';
import { insertUpsert, updateHit, upsertDocument, withIdFirst } from '../engine/write-ops.js';
import type { JournalOp } from '../storage/data-store.js';
import { collectionName, type CommandContext, type CommandHandler } from './command-context.js';
import { writeErrorEntry } from './write-errors.js';
import { commandEnv, letVariables } from './query-env.js';
import { checkHint } from './read.commands.js';
import { MongoCommandError } from '../errors.js';

/** The fields mongod 7.0's update and delete statements have (anything else: 40415). */
const STATEMENT_FIELDS: Record<string, Set<string>> = {
  updates: new Set([
    'q',
    'u',
    'c',
    'upsert',
    'multi',
    'arrayFilters',
    'hint',
    'collation',
    'upsertSupplied',
    'sampleId',
  ]),
  deletes: new Set(['q', 'limit', 'hint', 'collation', 'sampleId']),
};

/**
 * Refuses the whole command, as mongod's parser does, when a statement has a field 7.0 does
 * not know: `sort` on updateOne/replaceOne came with 8.0, so 7.0 refuses it.
 */
function checkStatementFields(cmd: Document, field: string): void {
  const allowed = STATEMENT_FIELDS[field];
  const list = cmd[field];
  if (!allowed || !Array.isArray(list)) return;
  for (const stmt of list as Document[]) {
    if (stmt === null || typeof stmt !== 'object') continue;
    for (const k of Object.keys(stmt)) {
      if (!allowed.has(k))
        throw new MongoCommandError(
          40415,
          'Location40415',
          `BSON field '${Object.keys(cmd)[0]}.${field}.${k}' is an unknown field.`
        );
    }
  }
}

function statements(cmd: Document, field: string): Document[] {
  const list = cmd[field];
  if (!Array.isArray(list))
    throw Errors.failedToParse(
      `BSON field '${Object.keys(cmd)[0]}.${field}' is missing but a required field`
    );
  return list as Document[];
}

/**
 * Runs each statement synchronously (read, check and write with no await between), appends
 * the journal record in the same tick, then waits for it to be durable before replying.
 */
async function runBatch(
  cmd: Document,
  ctx: CommandContext,
  field: string,
  run: (stmt: Document, ops: JournalOp[]) => void
): Promise<Document> {
  const list = statements(cmd, field);
  checkStatementFields(cmd, field);
  const ordered = cmd.ordered !== false;
  const ops: JournalOp[] = [];
  const writeErrors: Document[] = [];
  list.forEach((stmt, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      run(stmt, ops);
    } catch (err) {
      writeErrors.push(writeErrorEntry(index, err));
    }
  });
  await ctx.catalog.commit(ops);
  return writeErrors.length > 0 ? { writeErrors } : {};
}

/** Logs a document that failed validation under `validationAction: 'warn'`, as mongod does. */
export function validationWarner(ctx: CommandContext): (err: Error, ns: string) => void {
  return (err, ns) =>
    ctx.logger.warn(
      { ns, errInfo: (err as { extra?: { errInfo?: unknown } }).extra?.errInfo },
      'Document would fail validation'
    );
}

const insert: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const bypass = cmd.bypassDocumentValidation === true;
  const warn = validationWarner(ctx);
  let n = 0;
  const reply = await runBatch(cmd, ctx, 'documents', (doc, ops) => {
    const stored = withIdFirst(doc);
    const coll = ctx.catalog.ensure(ctx.db, name, ops);
    const warning = coll.checkValidation(stored, undefined, bypass);
    if (warning) warn(warning, coll.ns);
    ops.push(coll.insert(stored));
    n += 1;
  });
  return { n, ...reply };
};

const update: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const commandVars = letVariables(cmd.let);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  let index = 0;
  const reply = await runBatch(cmd, ctx, 'updates', (stmt, ops) => {
    const i = index++;
    const query = (stmt.q ?? {}) as Document;
    if (stmt.u === undefined)
      throw Errors.failedToParse("BSON field 'update.updates.u' is missing but a required field");
    const coll = ctx.catalog.get(ctx.db, name);
    checkHint(coll, stmt.hint);
    const env = commandEnv(stmt, coll, false);
    if (stmt.c !== undefined && !Array.isArray(stmt.u))
      throw Errors.failedToParse('Constant values may only be specified for pipeline updates');
    const variables =
      stmt.c !== undefined ? { ...commandVars, ...letVariables(stmt.c) } : commandVars;
    env.variables = variables;
    const spec = {
      update: stmt.u as Document | Document[],
      arrayFilters: stmt.arrayFilters as Document[] | undefined,
      variables,
      collation: env.collation?.compare,
      bypassValidation: cmd.bypassDocumentValidation === true,
      onValidationWarning: validationWarner(ctx),
    };
    if (stmt.multi === true && isReplacementUpdate(spec.update)) {
      throw Errors.failedToParse('multi update is not supported for replacement-style update');
    }
    const hits: Hit[] = coll ? coll.find(query, stmt.multi === true ? 0 : 1, undefined, env) : [];
    if (hits.length === 0) {
      if (stmt.upsert !== true) return;
      const doc = upsertDocument(query, spec);
      insertUpsert(ctx.catalog, ctx.db, name, doc, ops, spec);
      n += 1;
      upserted.push({ index: i, _id: doc._id });
      return;
    }
    for (const hit of hits) {
      const res = updateHit(coll!, hit, spec, query, ops);
      n += 1;
      if (res.modified) nModified += 1;
    }
  });
  const out: Document = { n, nModified };
  if (upserted.length > 0) out.upserted = upserted;
  return { ...out, ...reply };
};

const del: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const variables = letVariables(cmd.let);
  let n = 0;
  const reply = await runBatch(cmd, ctx, 'deletes', (stmt, ops) => {
    const coll = ctx.catalog.get(ctx.db, name);
    checkHint(coll, stmt.hint);
    const env = { ...commandEnv(stmt, coll, false), variables };
    if (!coll) return;
    const limit = Number(stmt.limit ?? 0);
    for (const hit of coll.find((stmt.q ?? {}) as Document, limit === 1 ? 1 : 0, undefined, env)) {
      ops.push(coll.remove(hit.key, hit.doc));
      n += 1;
    }
  });
  return { n, ...reply };
};

/** insert, update and delete: write batches with per-statement write errors. */
export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: del };
