import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { compileFilter, parseCollation } from '../query/index.js';
import type { JournalOp } from '../storage/data-store.js';
import type { Collection } from '../engine/collection.js';
import { ID_INDEX_SPEC } from '../engine/collection.js';
import { checkValidationOptions } from '../engine/validation.js';
import { collectionName, type CommandHandler } from './command-context.js';

/** Options `create` stores as the collection's options (the rest are command plumbing). */
const PLUMBING = new Set([
  'create',
  '$db',
  'lsid',
  '$readPreference',
  '$clusterTime',
  'writeConcern',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'maxTimeMS',
  'readConcern',
]);

function sameOptions(a: Document, b: Document): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `create` options mongod 7.0 knows but this server does not implement: refused, not ignored. */
const NOT_IMPLEMENTED: Record<string, string> = {
  timeseries: 'time series collections are not supported by the embedded server',
  clusteredIndex: 'clustered collections are not supported by the embedded server',
  expireAfterSeconds: 'clustered collections are not supported by the embedded server',
  changeStreamPreAndPostImages: 'change streams are not supported by the embedded server',
  encryptedFields: 'queryable encryption is not supported by the embedded server',
  size: 'capped collections are not supported by the embedded server',
  max: 'capped collections are not supported by the embedded server',
};

/** `create` options accepted as they are: no effect on what a client observes here. */
const ACCEPTED = new Set([
  'collation',
  'capped',
  'storageEngine',
  'indexOptionDefaults',
  'idIndex',
  'validator',
  'validationLevel',
  'validationAction',
  'viewOn',
  'pipeline',
]);

/** A view's options as mongod checks them: `viewOn` a name, `pipeline` an array of stages. */
function checkViewOptions(options: Document): void {
  if (options.pipeline !== undefined && options.viewOn === undefined)
    throw Errors.badValue("'pipeline' requires 'viewOn' to also be specified");
  if (options.viewOn === undefined) return;
  if (typeof options.viewOn !== 'string' || options.viewOn === '')
    throw Errors.typeMismatch(
      "BSON field 'create.viewOn' is the wrong type, expected type 'string'"
    );
  const pipeline = options.pipeline ?? [];
  if (!Array.isArray(pipeline))
    throw Errors.typeMismatch(
      "BSON field 'create.pipeline' is the wrong type, expected type 'array'"
    );
  for (const s of pipeline as Document[]) {
    const op = s && typeof s === 'object' ? Object.keys(s)[0] : undefined;
    if (op === '$out' || op === '$merge')
      throw Errors.optionNotSupportedOnView(`${op} cannot be used in a view definition`);
  }
  for (const k of Object.keys(options)) {
    if (!['viewOn', 'pipeline', 'collation'].includes(k))
      throw Errors.invalidOptions(`option not supported on a view: ${k}`);
  }
  options.pipeline = pipeline;
}

const create: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const options: Document = {};
  for (const [k, v] of Object.entries(cmd))
    if (!PLUMBING.has(k) && !k.startsWith('$')) options[k] = v;
  if (options.capped === true)
    throw Errors.notImplemented('capped collections are not supported by the embedded server');
  for (const k of Object.keys(options)) {
    if (NOT_IMPLEMENTED[k]) throw Errors.notImplemented(NOT_IMPLEMENTED[k]);
    if (!ACCEPTED.has(k))
      throw new MongoCommandError(
        40415,
        'Location40415',
        `BSON field 'create.${k}' is an unknown field.`
      );
  }
  if (options.capped === false) delete options.capped;
  checkValidationOptions(options);
  checkViewOptions(options);
  // Stored (and listed) in full, defaults filled in, as mongod does; simple means none.
  if (options.collation !== undefined) {
    const collation = parseCollation(options.collation);
    if (collation) options.collation = collation.spec;
    else delete options.collation;
  }
  const existing = ctx.catalog.get(ctx.db, name);
  if (existing) {
    // MongoDB 7 accepts re-creating a collection with identical options.
    if (sameOptions(existing.options, options)) return {};
    throw Errors.namespaceExists(`Collection ${existing.ns} already exists.`);
  }
  const ops: JournalOp[] = [];
  ctx.catalog.create(ctx.db, name, options, ops);
  await ctx.catalog.commit(ops);
  return {};
};

const drop: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const ops: JournalOp[] = [];
  const coll = ctx.catalog.drop(ctx.db, name, ops);
  ctx.cursors.killNamespace(`${ctx.db}.${name}`);
  await ctx.catalog.commit(ops);
  return coll ? { nIndexesWas: coll.indexes.length + 1, ns: coll.ns } : {};
};

function splitNamespace(ns: unknown): [string, string] {
  const text = String(ns);
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1)
    throw Errors.invalidNamespace(`Invalid namespace specified '${text}'`);
  return [text.slice(0, dot), text.slice(dot + 1)];
}

const renameCollection: CommandHandler = async (cmd, ctx) => {
  if (ctx.db !== 'admin') {
    throw new MongoCommandError(
      13,
      'Unauthorized',
      'renameCollection may only be run against the admin database.'
    );
  }
  const [fromDb, fromName] = splitNamespace(cmd.renameCollection);
  const [toDb, toName] = splitNamespace(cmd.to);
  const source = ctx.catalog.get(fromDb, fromName);
  if (!source)
    throw Errors.namespaceNotFound(`Source collection ${fromDb}.${fromName} does not exist`);
  if (fromDb === toDb && fromName === toName)
    throw Errors.illegalOperation("Can't rename a collection to itself");
  const ops: JournalOp[] = [];
  if (ctx.catalog.get(toDb, toName)) {
    if (cmd.dropTarget !== true) throw Errors.namespaceExists('target namespace exists');
    ctx.catalog.drop(toDb, toName, ops);
    ctx.cursors.killNamespace(`${toDb}.${toName}`);
  }
  ctx.catalog.rename(source, toDb, toName, ops);
  ctx.cursors.killNamespace(source.ns);
  await ctx.catalog.commit(ops);
  return {};
};

const dropDatabase: CommandHandler = async (_cmd, ctx) => {
  const ops: JournalOp[] = [];
  ctx.catalog.dropDatabase(ctx.db, ops);
  ctx.cursors.killNamespace(`${ctx.db}.`);
  await ctx.catalog.commit(ops);
  return { dropped: ctx.db };
};

function dataSize(colls: Collection[]): number {
  return colls.reduce((sum, c) => sum + c.bsonSize, 0);
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  let databases: Document[] = ctx.catalog.databaseNames().map((name) => {
    const size = dataSize(ctx.catalog.collections(name));
    return { name, sizeOnDisk: size, empty: size === 0 };
  });
  if (cmd.filter && Object.keys(cmd.filter).length > 0)
    databases = databases.filter(compileFilter(cmd.filter as Document));
  if (cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })) };
  const totalSize = databases.reduce((s, d) => s + (d.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576) };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  let entries: Document[] = ctx.catalog.collections(ctx.db).map((c) =>
    c.isView
      ? { name: c.name, type: 'view', options: c.options, info: { readOnly: true } }
      : {
          name: c.name,
          type: 'collection',
          options: c.options,
          info: { readOnly: false, uuid: c.uuid },
          idIndex: ID_INDEX_SPEC,
        }
  );
  if (cmd.filter && Object.keys(cmd.filter).length > 0)
    entries = entries.filter(compileFilter(cmd.filter as Document));
  if (cmd.nameOnly === true) entries = entries.map((e) => ({ name: e.name, type: e.type }));
  const ns = `${ctx.db}.$cmd.listCollections`;
  const batchSize = cmd.cursor?.batchSize === undefined ? undefined : Number(cmd.cursor.batchSize);
  const batch = ctx.cursors.open(ns, entries[Symbol.iterator](), batchSize);
  return { cursor: { id: batch.id, ns, firstBatch: batch.docs } };
};

const dbStats: CommandHandler = (cmd, ctx) => {
  const colls = ctx.catalog.collections(ctx.db);
  const size = dataSize(colls);
  const objects = colls.reduce((s, c) => s + c.docs.size, 0);
  const scale = Number(cmd.scale ?? 1) || 1;
  return {
    db: ctx.db,
    collections: colls.filter((c) => !c.isView).length,
    views: colls.filter((c) => c.isView).length,
    objects,
    avgObjSize: objects > 0 ? size / objects : 0,
    dataSize: size / scale,
    storageSize: size / scale,
    indexes: colls.reduce((s, c) => s + c.indexes.length + 1, 0),
    indexSize: 0,
    totalSize: size / scale,
    scaleFactor: scale,
  };
};

const collStats: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd);
  const coll = ctx.catalog.get(ctx.db, name);
  const scale = Number(cmd.scale ?? 1) || 1;
  const count = coll?.docs.size ?? 0;
  const size = coll?.bsonSize ?? 0;
  const indexSizes: Document = {};
  for (const spec of coll?.specs() ?? []) indexSizes[spec.name] = 0;
  return {
    ns: `${ctx.db}.${name}`,
    size: size / scale,
    count,
    avgObjSize: count > 0 ? size / count : 0,
    storageSize: size / scale,
    nindexes: coll ? coll.indexes.length + 1 : 0,
    totalIndexSize: 0,
    indexSizes,
    scaleFactor: scale,
    capped: false,
  };
};

/** Databases and collections: list, create, drop, statistics. */
export const catalogCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  renameCollection,
  listDatabases,
  listCollections,
  dbStats,
  dbstats: dbStats,
  collStats,
  collstats: collStats,
};
