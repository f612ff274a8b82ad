import type { Document } from 'bson';
import { Errors } from '../errors.js';
import type { JournalOp } from '../storage/data-store.js';
import { collectionName, type CommandHandler } from './command-context.js';
import { checkValidationOptions } from '../engine/validation.js';

const VALIDATION_FIELDS = ['validator', 'validationLevel', 'validationAction'];

/**
 * collMod, for what an application changes on a live collection: an index's TTL
 * (`expireAfterSeconds`) or visibility (`hidden`, as mongoose's `syncIndexes({ hideIndexes })`
 * uses). Other options are refused rather than silently ignored.
 */
export const collMod: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw Errors.namespaceNotFound(`ns does not exist: ${ctx.db}.${name}`);
  if (coll.isView) {
    // A view's definition may change; nothing else about it can.
    const other = Object.keys(cmd).filter(
      (k) =>
        !['collMod', 'viewOn', 'pipeline', 'lsid', 'writeConcern'].includes(k) && !k.startsWith('$')
    );
    if (other.length > 0)
      throw Errors.optionNotSupportedOnView(`option not supported on a view: ${other[0]}`);
    const next: Document = { ...coll.options };
    if (typeof cmd.viewOn === 'string') next.viewOn = cmd.viewOn;
    if (Array.isArray(cmd.pipeline)) next.pipeline = cmd.pipeline;
    coll.options = next;
    await ctx.catalog.commit([{ op: 'createCollection', ns: coll.ns, options: next }]);
    return {};
  }
  const unsupported = Object.keys(cmd).filter(
    (k) =>
      k !== 'collMod' &&
      k !== 'index' &&
      !VALIDATION_FIELDS.includes(k) &&
      !k.startsWith('$') &&
      k !== 'lsid' &&
      k !== 'writeConcern'
  );
  if (unsupported.length > 0) {
    throw Errors.notImplemented(
      `collMod ${unsupported.join(', ')} is not supported by the embedded server`
    );
  }
  const ops: JournalOp[] = [];
  if (VALIDATION_FIELDS.some((k) => cmd[k] !== undefined)) {
    const next: Document = { ...coll.options };
    for (const k of VALIDATION_FIELDS) if (cmd[k] !== undefined) next[k] = cmd[k];
    checkValidationOptions(next);
    // A new options object: the collection compiles its validation again.
    coll.options = next;
    ops.push({ op: 'createCollection', ns: coll.ns, options: next });
  }
  const change = cmd.index as Document | undefined;
  if (!change || typeof change !== 'object') {
    await ctx.catalog.commit(ops);
    return {};
  }
  const spec = coll.indexes.find((ix) =>
    typeof change.name === 'string'
      ? ix.name === change.name
      : JSON.stringify(ix.spec.key) === JSON.stringify(change.keyPattern)
  )?.spec;
  if (!spec)
    throw Errors.indexNotFound(
      `cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${coll.ns}`
    );
  const next = { ...spec };
  const reply: Document = {};
  if (change.expireAfterSeconds !== undefined) {
    if (spec.expireAfterSeconds === undefined)
      throw Errors.invalidOptions('no expireAfterSeconds field to update');
    reply.expireAfterSeconds_old = spec.expireAfterSeconds;
    reply.expireAfterSeconds_new = Number(change.expireAfterSeconds);
    next.expireAfterSeconds = Number(change.expireAfterSeconds);
  }
  if (change.hidden !== undefined) {
    reply.hidden_old = spec.hidden === true;
    reply.hidden_new = change.hidden === true;
    if (change.hidden === true) next.hidden = true;
    else delete next.hidden;
  }
  coll.updateIndexSpec(spec.name, next);
  // The store replaces an index spec of the same name in place, as listIndexes keeps its order.
  ops.push({ op: 'createIndex', ns: coll.ns, spec: next });
  await ctx.catalog.commit(ops);
  return reply;
};
