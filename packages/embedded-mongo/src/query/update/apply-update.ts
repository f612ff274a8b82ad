import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { deepClone } from '../clone.js';
import type { StringCompare } from '../collation.js';
import { compileFilter } from '../filter.js';
import { isIndex, splitPath } from '../paths.js';
import { matchedArrayIndex } from '../positional.js';
import { renderValue } from '../render.js';
import { checkArgument, OPERATORS, type OpContext } from './operators.js';
import { walkPath, type ElementFilter } from './path-walk.js';
import { pipelineUpdate, replaceDocument, strictEqual } from './replace.js';
import { applyRename } from './rename.js';

/** Options of applyUpdate. */
export interface UpdateOptions {
  arrayFilters?: Document[];
  /** True when the update runs on the seed of an upsert: `$setOnInsert` applies only then. */
  isUpsertInsert?: boolean;
  /** The query that selected the document: the positional `$` refers to its match. */
  query?: Document;
  now?: Date;
  /** `let` (and `c`) variables a pipeline update reads as `$$name`. */
  variables?: Document;
  /** The command's collation: arrayFilters and the positional `$` match under it. */
  collation?: StringCompare;
}
/** Result of applyUpdate: a new document and whether it differs from the input. */
export interface UpdateResult {
  doc: Document;
  modified: boolean;
}

/** True when `update` is a replacement document (no `$` operators, not a pipeline). */
export function isReplacementUpdate(update: Document | Document[]): boolean {
  if (Array.isArray(update)) return false;
  const first = Object.keys(update)[0];
  return first === undefined || !first.startsWith('$');
}

interface Entry {
  op: string;
  path: string;
  parts: string[];
  arg: unknown;
}

function unknownModifier(name: string): Error {
  return Errors.failedToParse(
    `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`
  );
}

function collectEntries(update: Document): Entry[] {
  const entries: Entry[] = [];
  for (const op of Object.keys(update)) {
    if (op !== '$rename' && !(op in OPERATORS)) throw unknownModifier(op);
    const spec = update[op];
    if (!isPlainObject(spec)) {
      throw Errors.failedToParse(
        `Modifiers operate on fields but we found type ${typeof spec === 'string' ? 'string' : Array.isArray(spec) ? 'array' : typeof spec} instead. For example: {$mod: {<field>: ...}} not {${op}: ${renderValue(spec)}}`
      );
    }
    for (const path of Object.keys(spec)) {
      const parts = splitPath(path);
      if (path === '' || parts.some((p) => p === '')) {
        throw Errors.location(
          56,
          `The update path '${path}' contains an empty field name, which is not allowed.`
        );
      }
      checkArgument(op, path, spec[path]);
      entries.push({ op, path, parts, arg: spec[path] });
      if (op === '$rename') {
        const to = spec[path] as string;
        if (to === path)
          throw Errors.badValue(
            `The source and target field for $rename must differ: ${path}: "${to}"`
          );
        entries.push({ op: '$rename:to', path: to, parts: splitPath(to), arg: path });
      }
    }
  }
  return entries;
}

function isPrefix(a: string[], b: string[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkConflicts(entries: Entry[]): void {
  for (let i = 0; i < entries.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = entries[j] as Entry;
      const b = entries[i] as Entry;
      const [shorter] = a.parts.length <= b.parts.length ? [a, b] : [b, a];
      if (isPrefix(a.parts, b.parts) || isPrefix(b.parts, a.parts)) {
        throw Errors.conflictingUpdateOperators(
          `Updating the path '${b.path}' would create a conflict at '${shorter.path}'`
        );
      }
    }
  }
}

/** MongoDB 5+ applies fields in lexicographic order, numeric names in numeric order. */
function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (isIndex(x) && isIndex(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Identifiers an array filter names, looking through `$and`/`$or`/`$nor` branches. */
function filterIdentifiers(filter: Document, out = new Set<string>()): Set<string> {
  for (const key of Object.keys(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      const branches: unknown = filter[key];
      if (Array.isArray(branches)) {
        for (const b of branches) if (isPlainObject(b)) filterIdentifiers(b, out);
      }
    } else if (!key.startsWith('$')) {
      out.add(key.split('.')[0] as string);
    }
  }
  return out;
}

function compileArrayFilters(
  arrayFilters: Document[] | undefined,
  collation?: StringCompare
): Map<string, ElementFilter> {
  const filters = new Map<string, ElementFilter>();
  for (const f of arrayFilters ?? []) {
    if (!isPlainObject(f)) throw Errors.failedToParse('arrayFilters must be an array of objects');
    const idents = filterIdentifiers(f);
    if (idents.size !== 1) {
      throw Errors.failedToParse(
        'Error parsing array filter :: caused by :: Expected a single top-level field name'
      );
    }
    const ident = [...idents][0] as string;
    if (!/^[a-z][a-zA-Z0-9]*$/.test(ident)) {
      throw Errors.badValue(
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${ident}'`
      );
    }
    if (filters.has(ident)) {
      throw Errors.failedToParse(
        `Found multiple array filters with the same top-level field name ${ident}`
      );
    }
    const pred = compileFilter(f, undefined, collation);
    filters.set(ident, (el) => pred({ [ident]: el }));
  }
  return filters;
}

function resolvePositional(
  entry: Entry,
  doc: Document,
  query: Document | undefined,
  collation?: StringCompare
): string[] {
  const at = entry.parts.indexOf('$');
  if (at < 0) return entry.parts;
  if (entry.parts.indexOf('$', at + 1) >= 0) {
    throw Errors.badValue(`Too many positional (i.e. '$') elements found in path '${entry.path}'`);
  }
  const idx = matchedArrayIndex(doc, entry.parts.slice(0, at), query, collation);
  if (idx < 0)
    throw Errors.badValue('The positional operator did not find the match needed from the query.');
  const parts = [...entry.parts];
  parts[at] = String(idx);
  return parts;
}

/**
 * Applies an update (operators, replacement document or pipeline) to a copy of `doc`. Never
 * mutates `doc`; `modified` is false when the result is identical (MongoDB's nModified).
 */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  opts: UpdateOptions = {}
): UpdateResult {
  const now = opts.now ?? new Date();
  let next: Document;
  if (Array.isArray(update)) next = pipelineUpdate(doc, update, now, opts.variables);
  else if (isReplacementUpdate(update)) next = replaceDocument(doc, update);
  else next = applyOperators(doc, update, opts, now);
  if (doc._id !== undefined && !strictEqual(next._id, doc._id)) {
    if (!Array.isArray(update) && !isReplacementUpdate(update)) {
      throw Errors.immutableField(
        "Performing an update on the path '_id' would modify the immutable field '_id'"
      );
    }
    throw Errors.immutableField(
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${renderValue(next._id)}`
    );
  }
  return { doc: next, modified: !strictEqual(next, doc) };
}

interface Plan {
  ordered: Entry[];
  filters: Map<string, ElementFilter>;
}

// updateMany applies one update document to many documents: parse and validate it once.
const plans = new WeakMap<
  Document,
  { arrayFilters: Document[] | undefined; collation?: StringCompare; plan: Plan }
>();

function planFor(
  update: Document,
  arrayFilters: Document[] | undefined,
  collation?: StringCompare
): Plan {
  const cached = plans.get(update);
  if (cached && cached.arrayFilters === arrayFilters && cached.collation === collation)
    return cached.plan;
  const entries = collectEntries(update);
  checkConflicts(entries);
  const filters = compileArrayFilters(arrayFilters, collation);
  const used = new Set<string>();
  for (const e of entries) {
    for (const p of e.parts) if (p.startsWith('$[') && p.length > 3) used.add(p.slice(2, -1));
  }
  for (const ident of filters.keys()) {
    if (!used.has(ident)) {
      throw Errors.failedToParse(
        `The array filter for identifier '${ident}' was not used in the update ${renderValue(update)}`
      );
    }
  }
  const ordered = entries
    .filter((e) => e.op !== '$rename:to')
    .sort((a, b) => comparePaths(a.parts, b.parts));
  const plan = { ordered, filters };
  plans.set(update, { arrayFilters, collation, plan });
  return plan;
}

function applyOperators(doc: Document, update: Document, opts: UpdateOptions, now: Date): Document {
  const { ordered, filters } = planFor(update, opts.arrayFilters, opts.collation);
  const next = deepClone(doc);
  for (const e of ordered) {
    if (e.op === '$setOnInsert' && !opts.isUpsertInsert) continue;
    const parts = resolvePositional(e, doc, opts.query, opts.collation);
    if (e.op === '$rename') {
      applyRename(next, parts, e.arg as string);
      continue;
    }
    const { fn, create } = OPERATORS[e.op] as (typeof OPERATORS)[string];
    const ctx: OpContext = { doc, now, field: e.path, collation: opts.collation };
    walkPath(next, parts, { create, filters }, (t) => fn(t, e.arg, ctx));
  }
  return next;
}
