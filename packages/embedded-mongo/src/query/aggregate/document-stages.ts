import { isTextScoreMeta, keepTextScore, textScoreOf } from '../text/score.js';
import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bson-types.js';
import { holdsStrings, type StringCompare } from '../collation.js';
import { compareValues, indexKey } from '../compare.js';
import { evaluate } from '../expression.js';
import { fastNumber } from '../numbers.js';
import { getOwn, setOwn } from '../own.js';
import { getPath, splitPath } from '../paths.js';
import { applyProjection } from '../projection.js';
import { makeAccumulator } from './accumulators.js';

/** A non-negative (or positive) integer stage argument, else MongoDB's error `code`. */
export function positiveInt(v: unknown, code: number, msg: string, allowZero: boolean): number {
  const n = isNumeric(v) ? fastNumber(v) : undefined;
  if (n === undefined || !Number.isInteger(n) || n < 0 || (!allowZero && n === 0))
    throw Errors.location(code, msg);
  return n;
}

/** Sets `path` in `doc` (copy-on-write), applying to each element of arrays on the way. */
export function setPathValue(doc: Document, parts: readonly string[], value: unknown): Document {
  const [head, ...rest] = parts as [string, ...string[]];
  const out: Document = { ...doc };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else setOwn(out, head, value);
    return out;
  }
  const cur = getOwn(doc, head);
  if (Array.isArray(cur)) {
    setOwn(
      out,
      head,
      cur.map((el) => (isPlainObject(el) ? setPathValue(el, rest, value) : el))
    );
  } else {
    setOwn(out, head, setPathValue(isPlainObject(cur) ? cur : {}, rest, value));
  }
  return out;
}

export function addFields(docs: Document[], spec: unknown, vars: Document | undefined): Document[] {
  if (!isPlainObject(spec))
    throw Errors.location(40272, '$addFields specification stage must be an object');
  const fields: [string[], unknown][] = [];
  const flatten = (prefix: string[], s: Document) => {
    for (const key of Object.keys(s)) {
      const v = s[key];
      const parts = [...prefix, ...splitPath(key)];
      const first = isPlainObject(v) ? Object.keys(v)[0] : undefined;
      if (isPlainObject(v) && first !== undefined && !first.startsWith('$')) flatten(parts, v);
      else fields.push([parts, v]);
    }
  };
  flatten([], spec);
  return docs.map((doc) => {
    let out = doc;
    for (const [parts, expr] of fields) {
      const value = isTextScoreMeta(expr) ? textScoreOf(doc) : evaluate(doc, expr, vars);
      out = setPathValue(out, parts, value);
    }
    return keepTextScore(doc, out);
  });
}

export function unsetFields(docs: Document[], spec: unknown): Document[] {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) {
    throw Errors.location(
      31002,
      '$unset specification must be a string or an array containing only string values'
    );
  }
  const projection = Object.fromEntries(fields.map((f: string) => [f, 0]));
  return docs.map((d) => applyProjection(d, projection));
}

type Group = { id: unknown; accs: ReturnType<typeof makeAccumulator>[] };

/** Index of the first group whose `_id` is not below `id` under the collation. */
function seekGroup(groups: Group[], id: unknown, collation: StringCompare): number {
  let lo = 0;
  let hi = groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareValues(groups[mid].id, id, collation) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function group(
  docs: Document[],
  spec: unknown,
  vars: Document | undefined,
  collation?: StringCompare
): Document[] {
  if (!isPlainObject(spec) || !('_id' in spec)) {
    throw Errors.location(15955, 'a group specification must include an _id');
  }
  const fields = Object.keys(spec).filter((k) => k !== '_id');
  const groups = new Map<string, Group>();
  // Under a collation, `_id`s holding strings group by collation equality: kept in order.
  const collated: Group[] = [];
  for (const doc of docs) {
    let id = evaluate(doc, spec._id, vars);
    if (id === undefined) id = null;
    let g: Group | undefined;
    if (collation && holdsStrings(id)) {
      const at = seekGroup(collated, id, collation);
      g = collated[at];
      if (!g || compareValues(g.id, id, collation) !== 0) {
        g = { id, accs: fields.map((f) => makeAccumulator(f, spec[f], vars)) };
        collated.splice(at, 0, g);
      }
    } else {
      const key = indexKey(id);
      g = groups.get(key);
      if (!g) {
        g = { id, accs: fields.map((f) => makeAccumulator(f, spec[f], vars)) };
        groups.set(key, g);
      }
    }
    for (const acc of g.accs) acc.add(doc);
  }
  if (groups.size === 0 && collated.length === 0 && fields.length === 0) return [];
  return [...groups.values(), ...collated].map((g) => {
    const out: Document = { _id: g.id };
    fields.forEach((f, i) =>
      setOwn(out, f, (g.accs[i] as ReturnType<typeof makeAccumulator>).result())
    );
    return out;
  });
}

export function unwind(docs: Document[], spec: unknown): Document[] {
  const opts = typeof spec === 'string' ? { path: spec } : spec;
  if (!isPlainObject(opts) || typeof opts.path !== 'string') {
    throw Errors.location(
      15981,
      'expected either a string or an object as specification for $unwind stage'
    );
  }
  if (!opts.path.startsWith('$')) {
    throw Errors.location(
      28818,
      `path option to $unwind stage should be prefixed with a '$': ${opts.path}`
    );
  }
  const parts = splitPath(opts.path.slice(1));
  const indexField =
    typeof opts.includeArrayIndex === 'string' ? opts.includeArrayIndex : undefined;
  const preserve = opts.preserveNullAndEmptyArrays === true;
  const out: Document[] = [];
  for (const doc of docs) {
    const v = getPath(doc, parts);
    if (Array.isArray(v) && v.length > 0) {
      v.forEach((el, i) => {
        let d = setPathValue(doc, parts, el);
        if (indexField) d = { ...d, [indexField]: i };
        out.push(d);
      });
    } else if (v !== undefined && v !== null && !Array.isArray(v)) {
      out.push(indexField ? { ...doc, [indexField]: null } : doc);
    } else if (preserve) {
      const d = Array.isArray(v) ? setPathValue(doc, parts, undefined) : doc;
      out.push(indexField ? { ...d, [indexField]: null } : d);
    }
  }
  return out;
}

export function count(docs: Document[], spec: unknown): Document[] {
  if (typeof spec !== 'string' || spec === '')
    throw Errors.location(40156, 'the count field must be a non-empty string');
  if (spec.startsWith('$'))
    throw Errors.location(40158, 'the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw Errors.location(40160, "the count field cannot contain '.'");
  return docs.length === 0 ? [] : [{ [spec]: docs.length }];
}

export function replaceRoot(
  docs: Document[],
  expr: unknown,
  vars: Document | undefined
): Document[] {
  return docs.map((doc) => {
    const v = evaluate(doc, expr, vars);
    if (!isPlainObject(v)) {
      throw Errors.location(
        40228,
        `'newRoot' expression must evaluate to an object, but resulting value was: ${v === undefined ? 'MISSING' : String(v)}. Type of resulting value: '${v === undefined ? 'missing' : typeof v}'.`
      );
    }
    return v;
  });
}

export function sample(docs: Document[], spec: unknown): Document[] {
  const size = positiveInt(
    isPlainObject(spec) ? spec.size : undefined,
    28747,
    'size argument to $sample must not be negative',
    true
  );
  const pool = [...docs];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as Document, pool[i] as Document];
  }
  return pool.slice(0, size);
}
