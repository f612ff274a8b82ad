import { ObjectId, serialize, type Document } from 'bson';
import { Errors } from '../errors.js';
import { applyUpdate, isReplacementUpdate, upsertSeed, valuesEqual } from '../query/index.js';
import type { JournalOp } from '../storage/data-store.js';
import type { Catalog } from './catalog.js';
import type { Collection, Hit } from './collection.js';

/** One update statement as the update and findAndModify commands carry it. */
export interface UpdateSpec {
  update: Document | Document[];
  arrayFilters?: Document[];
  /** `let`/`c` variables of a pipeline update. */
  variables?: Document;
  /** The command's collation (arrayFilters and the positional `$`). */
  collation?: (a: string, b: string) => number;
  /** `bypassDocumentValidation: true`. */
  bypassValidation?: boolean;
  /** Told of a document that fails validation under `validationAction: 'warn'`. */
  onValidationWarning?: (err: Error, ns: string) => void;
}

/** Puts `_id` first, as mongod stores it, creating an ObjectId when the document has none. */
export function withIdFirst(doc: Document, id?: unknown): Document {
  const _id = id ?? (doc._id !== undefined ? doc._id : new ObjectId());
  if (Array.isArray(_id)) throw Errors.badValue(`can't use an array for _id`);
  if (_id instanceof RegExp) throw Errors.badValue(`can't use a regex for _id`);
  const dollar = dollarKey(_id);
  if (dollar !== undefined)
    throw Errors.dollarPrefixedFieldName(
      `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`
    );
  const out: Document = { _id };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id') out[k] = v;
  return out;
}

/** The first `$`-prefixed field name inside a plain object or array, at any depth. */
function dollarKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (const el of v) {
      const k = dollarKey(el);
      if (k !== undefined) return k;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const [k, el] of Object.entries(v as Document)) {
    if (k.startsWith('$')) return k;
    const inner = dollarKey(el);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The document `hit` becomes under `spec`; throws 66 when `_id` would change. */
export function updatedDocument(
  hit: Hit,
  spec: UpdateSpec,
  query: Document
): { doc: Document; modified: boolean } {
  if (isReplacementUpdate(spec.update)) {
    const repl = spec.update as Document;
    if (repl._id !== undefined && !valuesEqual(repl._id, hit.doc._id)) throw immutableId();
    const doc = withIdFirst(repl, hit.doc._id);
    return { doc, modified: !sameBson(doc, hit.doc) };
  }
  const res = applyUpdate(hit.doc, spec.update, {
    arrayFilters: spec.arrayFilters,
    query,
    variables: spec.variables,
    collation: spec.collation,
  });
  if (res.doc._id === undefined || !valuesEqual(res.doc._id, hit.doc._id)) throw immutableId();
  return res;
}

/** The document an upsert inserts when nothing matched `query`. */
export function upsertDocument(query: Document, spec: UpdateSpec): Document {
  const seed = upsertSeed(query);
  if (isReplacementUpdate(spec.update)) {
    return withIdFirst(spec.update as Document, (spec.update as Document)._id ?? seed._id);
  }
  const res = applyUpdate(seed, spec.update, {
    arrayFilters: spec.arrayFilters,
    query,
    isUpsertInsert: true,
    variables: spec.variables,
  });
  return withIdFirst(res.doc);
}

/** Applies `spec` to one matched document (no-op writes skip the journal). */
export function updateHit(
  coll: Collection,
  hit: Hit,
  spec: UpdateSpec,
  query: Document,
  ops: JournalOp[]
): { doc: Document; modified: boolean } {
  const res = updatedDocument(hit, spec, query);
  if (res.modified) {
    const warning = coll.checkValidation(res.doc, hit.doc, spec.bypassValidation === true);
    if (warning) spec.onValidationWarning?.(warning, coll.ns);
    ops.push(coll.replace(hit.key, hit.doc, res.doc));
  }
  return res;
}

/** Inserts the upsert document, creating the collection if needed. */
export function insertUpsert(
  catalog: Catalog,
  db: string,
  name: string,
  doc: Document,
  ops: JournalOp[],
  spec?: UpdateSpec
): void {
  const coll = catalog.ensure(db, name, ops);
  const warning = coll.checkValidation(doc, undefined, spec?.bypassValidation === true);
  if (warning) spec?.onValidationWarning?.(warning, coll.ns);
  ops.push(coll.insert(doc));
}

function immutableId(): Error {
  return Errors.immutableField(
    "Performing an update on the path '_id' would modify the immutable field '_id'"
  );
}

function sameBson(a: Document, b: Document): boolean {
  return Buffer.from(serialize(a)).equals(Buffer.from(serialize(b)));
}
