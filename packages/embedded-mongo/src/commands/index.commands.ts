import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { parseCollation, valuesEqual } from '../query/index.js';
import type { IndexSpec } from '../engine/index-structure.js';
import type { JournalOp } from '../storage/data-store.js';
import { collectionName, type CommandHandler } from './command-context.js';
import { isTextKey, normalizeTextSpec } from '../query/text/text-spec.js';

/** Spec options that distinguish two indexes with the same key. */
const OPTION_FIELDS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'weights',
  'default_language',
  'language_override',
];
const ALLOWED_FIELDS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'background',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
  'v',
  'storageEngine',
]);

/** The index name MongoDB derives from a key pattern: `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([f, d]) => `${f}_${String(d)}`)
    .join('_');
}

/** Index key types the engine does not implement: refused, never built as something else. */
const UNSUPPORTED_KEY_TYPES = new Set(['2d', '2dsphere', 'geoHaystack']);

function normalizeSpec(raw: Document, defaultCollation: Document | undefined): IndexSpec {
  if (!raw.key || typeof raw.key !== 'object' || Object.keys(raw.key).length === 0) {
    throw Errors.failedToParse("The 'key' field is a required property of an index specification");
  }
  const name = typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key as Document);
  if (isTextKey(raw.key as Document)) return normalizeText(raw, name, defaultCollation);
  const spec: IndexSpec = { v: 2, key: raw.key as Document, name };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'key' || k === 'name' || k === 'v' || k === 'background') continue;
    if (!ALLOWED_FIELDS.has(k))
      throw Errors.invalidOptions(`The field '${k}' is not valid for an index specification`);
    if ((k === 'unique' || k === 'sparse') && v !== true) continue;
    spec[k] = v;
  }
  for (const [field, type] of Object.entries(spec.key)) {
    if (typeof type === 'string' && UNSUPPORTED_KEY_TYPES.has(type))
      throw Errors.notImplemented(
        `${type} indexes are not supported by the embedded server (field '${field}')`
      );
    if (field === '$**' || field.endsWith('.$**'))
      throw Errors.notImplemented('wildcard indexes are not supported by the embedded server');
  }
  // An index without a collation takes the collection's default; `simple` means none.
  const collation = parseCollation(raw.collation ?? defaultCollation);
  if (collation) spec.collation = collation.spec;
  else delete spec.collation;
  if (spec.expireAfterSeconds !== undefined && Object.keys(spec.key).length > 1) {
    throw new MongoCommandError(
      67,
      'CannotCreateIndex',
      'TTL indexes are single-field indexes, compound indexes do not support TTL'
    );
  }
  return spec;
}

/**
 * A text index (see query/text/text-spec.ts). As on mongod, it compares binary only: a
 * collation (its own, or a collection default it would inherit) must be `simple` (67).
 */
function normalizeText(raw: Document, name: string, defaultCollation?: Document): IndexSpec {
  for (const k of Object.keys(raw)) {
    if (!ALLOWED_FIELDS.has(k))
      throw Errors.invalidOptions(`The field '${k}' is not valid for an index specification`);
  }
  const collation = parseCollation(raw.collation ?? defaultCollation);
  if (collation)
    throw new MongoCommandError(
      67,
      'CannotCreateIndex',
      `Index type 'text' does not support collation: ${JSON.stringify(collation.spec)}`
    );
  if (raw.unique === true)
    throw Errors.notImplemented('unique text indexes are not supported by the embedded server');
  const spec = normalizeTextSpec(raw, name) as IndexSpec;
  delete spec.collation;
  if (spec.sparse !== true) delete spec.sparse;
  delete spec.unique;
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return OPTION_FIELDS.every((f) => valuesEqual(a[f] ?? null, b[f] ?? null));
}

function sameKey(a: Document, b: Document): boolean {
  return (
    JSON.stringify(Object.entries(a).map(([k, v]) => [k, String(v)])) ===
    JSON.stringify(Object.entries(b).map(([k, v]) => [k, String(v)]))
  );
}

const createIndexes: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0)
    throw Errors.badValue('Must specify at least one index to create');
  const ops: JournalOp[] = [];
  const existed = ctx.catalog.get(ctx.db, name) !== undefined;
  const defaultCollation = ctx.catalog.get(ctx.db, name)?.collation?.spec;
  const specs = (cmd.indexes as Document[]).map((raw) => normalizeSpec(raw, defaultCollation));
  const coll = ctx.catalog.ensure(ctx.db, name, ops);
  const numIndexesBefore = coll.indexes.length + 1;
  let created = 0;
  try {
    for (const spec of specs) {
      const current = coll.specs();
      const byName = current.find((s) => s.name === spec.name);
      const byKey = current.find((s) => sameKey(s.key, spec.key) && sameOptions(s, spec));
      if (byName) {
        if (!sameKey(byName.key, spec.key)) {
          throw Errors.indexKeySpecsConflict(
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`
          );
        }
        if (!sameOptions(byName, spec)) {
          throw Errors.indexOptionsConflict(
            `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`
          );
        }
        continue;
      }
      const otherText = spec.key._fts === 'text' && current.find((s) => s.key._fts === 'text');
      if (otherText)
        throw Errors.indexOptionsConflict(
          `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(otherText)}`
        );
      if (byKey)
        throw Errors.indexOptionsConflict(
          `Index already exists with a different name: ${byKey.name}`
        );
      coll.addIndex(spec);
      ops.push({ op: 'createIndex', ns: coll.ns, spec });
      created += 1;
    }
  } finally {
    await ctx.catalog.commit(ops);
  }
  const reply: Document = {
    numIndexesBefore,
    numIndexesAfter: coll.indexes.length + 1,
    createdCollectionAutomatically: !existed,
  };
  if (created === 0) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw Errors.namespaceNotFound(`ns does not exist: ${ctx.db}.${name}`);
  const ns = coll.ns;
  const batchSize = cmd.cursor?.batchSize === undefined ? undefined : Number(cmd.cursor.batchSize);
  const specs = coll.specs().map((s) => ({ ...s }));
  const batch = ctx.cursors.open(ns, specs[Symbol.iterator](), batchSize);
  return { cursor: { id: batch.id, ns, firstBatch: batch.docs } };
};

const dropIndexes: CommandHandler = async (cmd, ctx) => {
  const name = collectionName(cmd);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw Errors.namespaceNotFound(`ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length + 1;
  const target = cmd.index;
  let names: string[];
  if (target === '*') names = coll.indexes.map((i) => i.name);
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (target && typeof target === 'object') {
    const found = coll.specs().find((s) => sameKey(s.key, target as Document));
    if (!found) throw Errors.indexNotFound(`can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  } else throw Errors.typeMismatch('index must be a string, array or document');
  for (const n of names) {
    if (n === '_id_') throw Errors.invalidOptions('cannot drop _id index');
    if (!coll.indexes.some((i) => i.name === n))
      throw Errors.indexNotFound(`index not found with name [${n}]`);
  }
  const ops: JournalOp[] = [];
  for (const n of names) {
    coll.dropIndex(n);
    ops.push({ op: 'dropIndex', ns: coll.ns, name: n });
  }
  await ctx.catalog.commit(ops);
  return {
    nIndexesWas,
    ...(target === '*' ? { msg: 'non-_id indexes dropped for collection' } : {}),
  };
};

/** createIndexes, listIndexes, dropIndexes. */
export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
