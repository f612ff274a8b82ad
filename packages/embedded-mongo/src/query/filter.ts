import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../errors.js';
import { isNumeric, isPlainObject } from './bson-types.js';
import type { StringCompare } from './collation.js';
import { evaluate, isTruthy } from './expression.js';
import { compileJsonSchema } from './json-schema.js';
import { collectLeaves, splitPath } from './paths.js';
import { isRegexValue } from './regex.js';
import {
  anyLeaf,
  asNumber,
  compareTest,
  equalityTest,
  inTest,
  isOperatorObject,
  modTest,
  regexTest,
  typeTest,
  type LeavesPred,
  type ValueTest,
} from './value-tests.js';
import { getOwn, isInheritedName } from './own.js';
import type { TextSearch } from './text/score.js';

type Pred = (doc: Document) => boolean;

/** Message and code a real mongod without a JavaScript engine gives for `$where` in find. */
function whereRefused(): MongoCommandError {
  return Errors.location(6108304, 'no globalScriptEngine in $where parsing');
}

/** Compiles a query filter once; the predicate is then cheap per document. */
/**
 * Compiles a query filter once; the predicate is then cheap per document. `variables` are the
 * `$$name` bindings of `$expr` (a command's `let`); `collation` compares strings.
 */
export function compileFilter(
  filter: Document | undefined | null,
  variables?: Document,
  collation?: StringCompare,
  text?: TextSearch
): Pred {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) throw Errors.badValue('query filter must be an object');
  const found = { n: 0 };
  checkTextPlacement(filter, false, false, found);
  if (found.n > 1) throw Errors.badValue('Too many text expressions');
  const scope = found.n === 1 && text ? { search: text, root: filter } : undefined;
  return compileDoc(filter, variables, collation, scope);
}

interface TextScope {
  search: TextSearch;
  root: Document;
}

/**
 * mongod's rules for where `$text` may stand: once per query, not under `$nor`. Under `$or`
 * mongod needs every other branch indexed; this server refuses it instead of scanning.
 */
function checkTextPlacement(
  filter: Document,
  inOr: boolean,
  inNor: boolean,
  found: { n: number }
): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$text') {
      found.n += 1;
      if (inNor) throw Errors.badValue('text expression not allowed in nor');
      if (inOr)
        throw Errors.notImplemented('$text inside $or is not supported by the embedded server');
    } else if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(cond)) {
      for (const branch of cond)
        if (isPlainObject(branch))
          checkTextPlacement(branch, inOr || key === '$or', inNor || key === '$nor', found);
    }
  }
}

function compileDoc(
  filter: Document,
  variables?: Document,
  collation?: StringCompare,
  text?: TextScope
): Pred {
  const preds: Pred[] = [];
  for (const key of Object.keys(filter)) {
    const cond = filter[key];
    if (key.startsWith('$')) {
      const p = compileTopLevel(key, cond, variables, collation, text);
      if (p) preds.push(p);
    } else {
      const parts = splitPath(key);
      const lp = compileCondition(cond, collation);
      if (parts.length === 1) {
        // Top-level field: no path walk; one reused buffer avoids an allocation per document.
        const buf: unknown[] = [undefined];
        const inherited = isInheritedName(key);
        preds.push((doc) => {
          buf[0] = inherited ? getOwn(doc, key) : doc[key];
          return lp(buf);
        });
      } else {
        preds.push((doc) => lp(collectLeaves(doc, parts)));
      }
    }
  }
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0] as Pred;
  return (doc) => {
    for (const p of preds) if (!p(doc)) return false;
    return true;
  };
}

function compileTopLevel(
  key: string,
  cond: unknown,
  variables: Document | undefined,
  collation: StringCompare | undefined,
  text: TextScope | undefined
): Pred | undefined {
  switch (key) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(cond) || cond.length === 0) {
        throw Errors.badValue(`${key} must be a nonempty array`);
      }
      const subs = cond.map((c) => {
        if (!isPlainObject(c))
          throw Errors.badValue('$or/$and/$nor entries need to be full objects');
        return compileDoc(c, variables, collation, text);
      });
      if (key === '$and') return (doc) => subs.every((p) => p(doc));
      if (key === '$or') return (doc) => subs.some((p) => p(doc));
      return (doc) => !subs.some((p) => p(doc));
    }
    case '$expr':
      return (doc) => isTruthy(evaluate(doc, cond, variables, collation));
    case '$where':
      throw whereRefused();
    case '$comment':
      return undefined;
    case '$text':
      // Only a collection's query (through its text index) can evaluate $text.
      if (!text) throw Errors.badValue('$text is not allowed in this context');
      return text.search(cond, text.root);
    case '$jsonSchema':
      return compileJsonSchema(cond);
    case '$alwaysTrue':
      return () => true;
    case '$alwaysFalse':
      return () => false;
    default:
      throw Errors.badValue(
        `unknown top level operator: ${key}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`
      );
  }
}

/** A field's condition: an operator object or an equality value. */
function compileCondition(cond: unknown, collation?: StringCompare): LeavesPred {
  if (isOperatorObject(cond)) return compileOperators(cond, collation);
  return anyLeaf(equalityTest(cond, collation));
}

function elemMatch(cond: unknown, collation?: StringCompare): LeavesPred {
  if (!isPlainObject(cond)) throw Errors.badValue('$elemMatch needs an Object');
  const keys = Object.keys(cond);
  const docMode = keys.some(
    (k) => !k.startsWith('$') || k === '$and' || k === '$or' || k === '$nor' || k === '$expr'
  );
  let test: ValueTest;
  if (docMode) {
    if (keys.includes('$where'))
      throw Errors.badValue('$where is not allowed inside of a $elemMatch');
    const p = compileDoc(cond, undefined, collation);
    test = (el) => isPlainObject(el) && p(el);
  } else {
    const p = compileOperators(cond, collation);
    test = (el) => p([el]);
  }
  return (leaves) => {
    for (const leaf of leaves) {
      if (Array.isArray(leaf)) for (const el of leaf) if (test(el)) return true;
    }
    return false;
  };
}

function allTest(arg: unknown, collation?: StringCompare): LeavesPred {
  if (!Array.isArray(arg)) throw Errors.badValue('$all needs an array');
  if (arg.length === 0) return () => false;
  const parts = arg.map((item) => {
    if (isPlainObject(item) && Object.keys(item)[0] === '$elemMatch')
      return elemMatch(item.$elemMatch, collation);
    if (isOperatorObject(item)) throw Errors.badValue('no $ expressions in $all');
    return anyLeaf(equalityTest(item, collation));
  });
  return (leaves) => parts.every((p) => p(leaves));
}

function sizeTest(arg: unknown): LeavesPred {
  if (!isNumeric(arg)) throw Errors.badValue('$size needs a number');
  const n = asNumber(arg);
  if (!Number.isInteger(n)) throw Errors.badValue('$size must be a whole number');
  if (n < 0) throw Errors.badValue('$size may not be negative');
  return (leaves) => leaves.some((l) => Array.isArray(l) && l.length === n);
}

function notTest(arg: unknown, collation?: StringCompare): LeavesPred {
  if (isRegexValue(arg)) {
    const p = anyLeaf(equalityTest(arg));
    return (leaves) => !p(leaves);
  }
  if (!isPlainObject(arg)) throw Errors.badValue('$not needs a regex or a document');
  if (Object.keys(arg).length === 0) throw Errors.badValue('$not cannot be empty');
  if (!isOperatorObject(arg)) throw Errors.badValue(`unknown operator: ${Object.keys(arg)[0]}`);
  const p = compileOperators(arg, collation);
  return (leaves) => !p(leaves);
}

/** Compiles `{ $gt: 1, $lt: 5, ... }` for one path. */
function compileOperators(ops: Document, collation?: StringCompare): LeavesPred {
  const preds: LeavesPred[] = [];
  for (const op of Object.keys(ops)) {
    const arg = ops[op];
    switch (op) {
      case '$eq':
        preds.push(anyLeaf(equalityTest(arg, collation)));
        break;
      case '$ne': {
        const p = anyLeaf(equalityTest(arg, collation));
        preds.push((l) => !p(l));
        break;
      }
      case '$gt':
        preds.push(anyLeaf(compareTest(arg, (c) => c > 0, false, collation)));
        break;
      case '$gte':
        preds.push(anyLeaf(compareTest(arg, (c) => c >= 0, true, collation)));
        break;
      case '$lt':
        preds.push(anyLeaf(compareTest(arg, (c) => c < 0, false, collation)));
        break;
      case '$lte':
        preds.push(anyLeaf(compareTest(arg, (c) => c <= 0, true, collation)));
        break;
      case '$in':
        preds.push(anyLeaf(inTest(arg, collation)));
        break;
      case '$nin': {
        const p = anyLeaf(inTest(arg, collation));
        preds.push((l) => !p(l));
        break;
      }
      case '$exists': {
        const want = isTruthy(arg);
        preds.push((l) => l.some((v) => v !== undefined) === want);
        break;
      }
      case '$type':
        preds.push(typeTest(arg));
        break;
      case '$regex':
        preds.push(anyLeaf(regexTest(ops)));
        break;
      case '$options':
        if (!('$regex' in ops)) throw Errors.badValue('$options needs a $regex');
        break;
      case '$all':
        preds.push(allTest(arg, collation));
        break;
      case '$elemMatch':
        preds.push(elemMatch(arg, collation));
        break;
      case '$size':
        preds.push(sizeTest(arg));
        break;
      case '$mod':
        preds.push(anyLeaf(modTest(arg)));
        break;
      case '$not':
        preds.push(notTest(arg, collation));
        break;
      case '$where':
        throw whereRefused();
      case '$text':
        throw Errors.badValue('$text can only be applied to the top-level document');
      case '$near':
      case '$nearSphere':
      case '$geoWithin':
      case '$geoIntersects':
        throw Errors.notImplemented(`${op} is not supported by the embedded server`);
      default:
        throw Errors.badValue(`unknown operator: ${op}`);
    }
  }
  if (preds.length === 1) return preds[0] as LeavesPred;
  return (leaves) => {
    for (const p of preds) if (!p(leaves)) return false;
    return true;
  };
}
