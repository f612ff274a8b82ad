import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { applyProjection, compileSort } from '../query/index.js';
import type { Hit } from '../engine/collection.js';
import { insertUpsert, updateHit, upsertDocument } from '../engine/write-ops.js';
import type { JournalOp } from '../storage/data-store.js';
import { collectionName, type CommandHandler } from './command-context.js';
import { commandEnv } from './query-env.js';
import { validationWarner } from './write.commands.js';
import { checkHint } from './read.commands.js';

/** findAndModify: one document found, changed or removed atomically, returned before or after. */
export const findAndModify: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const query = (cmd.query ?? {}) as Document;
  const remove = cmd.remove === true;
  if (remove && cmd.update !== undefined)
    throw Errors.failedToParse('Cannot specify both an update and remove=true');
  if (!remove && cmd.update === undefined)
    throw Errors.failedToParse('Either an update or remove=true must be specified');
  if (remove && cmd.upsert === true)
    throw Errors.failedToParse('Cannot specify both upsert=true and remove=true');
  const fields = cmd.fields as Document | undefined;
  const project = (doc: Document | null): Document | null =>
    doc && fields && Object.keys(fields).length > 0 ? applyProjection(doc, fields, query) : doc;

  const ops: JournalOp[] = [];
  const coll = ctx.catalog.get(ctx.db, name);
  const env = commandEnv(cmd, coll);
  checkHint(coll, cmd.hint);
  let hit: Hit | undefined;
  if (coll) {
    const sort = cmd.sort as Document | undefined;
    if (sort && Object.keys(sort).length > 0) compileSort(sort);
    hit = coll.find(query, 1, sort, env)[0];
  }

  let value: Document | null = null;
  const lastErrorObject: Document = { n: 0, updatedExisting: false };
  if (remove) {
    if (hit && coll) {
      ops.push(coll.remove(hit.key, hit.doc));
      value = hit.doc;
      lastErrorObject.n = 1;
    }
  } else {
    const spec = {
      update: cmd.update as Document | Document[],
      arrayFilters: cmd.arrayFilters as Document[] | undefined,
      variables: env.variables,
      collation: env.collation?.compare,
      bypassValidation: cmd.bypassDocumentValidation === true,
      onValidationWarning: validationWarner(ctx),
    };
    if (hit && coll) {
      const res = updateHit(coll, hit, spec, query, ops);
      value = cmd.new === true ? res.doc : hit.doc;
      lastErrorObject.n = 1;
      lastErrorObject.updatedExisting = true;
    } else if (cmd.upsert === true) {
      const doc = upsertDocument(query, spec);
      insertUpsert(ctx.catalog, ctx.db, name, doc, ops, spec);
      value = cmd.new === true ? doc : null;
      lastErrorObject.n = 1;
      lastErrorObject.upserted = doc._id;
    }
  }
  await ctx.catalog.commit(ops);
  return { lastErrorObject, value: project(value) };
};
