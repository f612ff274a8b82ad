import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { isNumeric, isPlainObject } from './bson-types.js';
import { evaluate, isTruthy } from './expression.js';
import { compileFilter } from './filter.js';
import { matchedArrayIndex } from './positional.js';
import { splitPath } from './paths.js';
import { setOwn } from './own.js';
import { isTextScoreMeta, keepTextScore, textScoreOf } from './text/score.js';

type Leaf =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'computed'; expr: unknown }
  | { kind: 'slice'; skip: number; limit: number | undefined }
  | { kind: 'elemMatch'; test: (el: unknown) => boolean }
  | { kind: 'positional' }
  | { kind: 'textScore' };
interface Node {
  children: Map<string, Node | Leaf>;
}
interface Plan {
  inclusion: boolean;
  tree: Node;
  excludeId: boolean;
  positionalPath?: string[];
}

function isNode(v: Node | Leaf): v is Node {
  return 'children' in v;
}

function sliceLeaf(arg: unknown): Leaf {
  if (isNumeric(arg)) {
    const n = Number((arg as number).valueOf());
    return n >= 0
      ? { kind: 'slice', skip: 0, limit: n }
      : { kind: 'slice', skip: n, limit: undefined };
  }
  if (Array.isArray(arg) && arg.length === 2 && isNumeric(arg[0]) && isNumeric(arg[1])) {
    const limit = Number((arg[1] as number).valueOf());
    if (limit <= 0) throw Errors.location(28724, 'Second argument to $slice must be positive');
    return { kind: 'slice', skip: Number((arg[0] as number).valueOf()), limit };
  }
  throw Errors.location(
    28667,
    'Invalid $slice syntax. The given syntax did not match the find() syntax because :: Location28667: First argument to $slice must be an array'
  );
}

function elemMatchLeaf(arg: unknown): Leaf {
  if (!isPlainObject(arg)) throw Errors.badValue('$elemMatch needs an Object');
  const p = compileFilter({ x: { $elemMatch: arg } });
  return { kind: 'elemMatch', test: (el) => p({ x: [el] }) };
}

const findPlans = new WeakMap<Document, Plan>();
const aggregationPlans = new WeakMap<Document, Plan>();

function parse(projection: Document, aggregation: boolean): Plan {
  const planCache = aggregation ? aggregationPlans : findPlans;
  const cached = planCache.get(projection);
  if (cached) return cached;
  const entries: [string, Leaf][] = [];
  const flatten = (prefix: string, spec: Document) => {
    for (const key of Object.keys(spec)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const v = spec[key];
      if (isPlainObject(v)) {
        const first = Object.keys(v)[0];
        if (first === '$meta' && isTextScoreMeta(v)) entries.push([path, { kind: 'textScore' }]);
        else if (aggregation && first !== undefined && first.startsWith('$'))
          entries.push([path, { kind: 'computed', expr: v }]);
        else if (first === '$slice') entries.push([path, sliceLeaf(v.$slice)]);
        else if (first === '$elemMatch') entries.push([path, elemMatchLeaf(v.$elemMatch)]);
        else if (first !== undefined && first.startsWith('$'))
          entries.push([path, { kind: 'computed', expr: v }]);
        else if (first === undefined)
          throw Errors.location(
            51270,
            `An empty sub-projection is not a valid value. Found empty object at path`
          );
        else flatten(path, v);
      } else if (typeof v === 'boolean' || isNumeric(v)) {
        entries.push([path, isTruthy(v) ? { kind: 'include' } : { kind: 'exclude' }]);
      } else {
        entries.push([path, { kind: 'computed', expr: v }]);
      }
    }
  };
  flatten('', projection);

  let mode: 'inclusion' | 'exclusion' | undefined;
  let excludeId = false;
  let includeId = false;
  let positionalPath: string[] | undefined;
  const tree: Node = { children: new Map() };
  for (const [rawPath, leaf] of entries) {
    let path = rawPath;
    let node = leaf;
    if (path.endsWith('.$')) {
      path = path.slice(0, -2);
      node = { kind: 'positional' };
      positionalPath = splitPath(path);
    }
    if (path === '_id' && (node.kind === 'exclude' || node.kind === 'include')) {
      excludeId = node.kind === 'exclude';
      includeId = node.kind === 'include';
      if (node.kind === 'exclude') continue;
    } else if (node.kind === 'textScore') {
      // A text score is added to either kind of projection, as on mongod.
    } else if (node.kind === 'exclude') {
      if (mode === 'inclusion')
        throw Errors.location(
          31254,
          `Cannot do exclusion on field ${path} in inclusion projection`
        );
      mode = 'exclusion';
    } else if (node.kind !== 'slice') {
      if (mode === 'exclusion')
        throw Errors.location(
          31253,
          `Cannot do inclusion on field ${path} in exclusion projection`
        );
      mode = 'inclusion';
    }
    insert(tree, splitPath(path), node, path);
  }
  // `{ _id: 1 }` alone is an inclusion projection; with exclusions it only keeps _id.
  if (mode === undefined && includeId) mode = 'inclusion';
  if (mode === 'exclusion' && includeId) tree.children.delete('_id');
  const plan: Plan = { inclusion: mode === 'inclusion', tree, excludeId, positionalPath };
  planCache.set(projection, plan);
  return plan;
}

function insert(tree: Node, parts: string[], leaf: Leaf, path: string): void {
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node.children.get(part);
    if (next && !isNode(next)) throw Errors.location(31250, `Path collision at ${path}`);
    if (next) node = next;
    else {
      const created: Node = { children: new Map() };
      node.children.set(part, created);
      node = created;
    }
  }
  const last = parts[parts.length - 1] as string;
  if (node.children.has(last)) throw Errors.location(31250, `Path collision at ${path}`);
  node.children.set(last, leaf);
}

function slice(arr: unknown[], leaf: { skip: number; limit: number | undefined }): unknown[] {
  if (leaf.limit === undefined) return arr.slice(leaf.skip);
  const start = leaf.skip < 0 ? Math.max(arr.length + leaf.skip, 0) : leaf.skip;
  return arr.slice(start, start + leaf.limit);
}

interface Ctx {
  root: Document;
  positionalIndex: number;
  variables?: Document;
}

/** Aggregation `$project` differs from find: `$slice`/`$elemMatch` there are expressions. */
export interface ProjectionMode {
  aggregation?: boolean;
  variables?: Document;
}

function applyLeaf(value: unknown, leaf: Leaf, ctx: Ctx): unknown {
  switch (leaf.kind) {
    case 'include':
      return value;
    case 'slice':
      return Array.isArray(value) ? slice(value, leaf) : value;
    case 'elemMatch': {
      if (!Array.isArray(value)) return undefined;
      const found = value.find(leaf.test);
      return found === undefined ? undefined : [found];
    }
    case 'positional':
      return Array.isArray(value) ? [value[ctx.positionalIndex]] : value;
    default:
      return undefined;
  }
}

function includeNode(value: unknown, node: Node, ctx: Ctx, top: boolean, keepId: boolean): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((el) => isPlainObject(el) || Array.isArray(el))
      .map((el) => includeNode(el, node, ctx, false, false));
  }
  if (!isPlainObject(value)) return undefined;
  const out: Document = {};
  if (top && keepId && value._id !== undefined && !node.children.has('_id')) out._id = value._id;
  for (const key of Object.keys(value)) {
    const spec = node.children.get(key);
    if (!spec) continue;
    const v = isNode(spec)
      ? includeNode(value[key], spec, ctx, false, false)
      : applyLeaf(value[key], spec, ctx);
    if (v !== undefined) setOwn(out, key, v);
  }
  for (const [key, spec] of node.children) {
    if (!isNode(spec) && spec.kind === 'computed') {
      const v = evaluate(ctx.root, spec.expr, ctx.variables);
      if (v !== undefined) setOwn(out, key, v);
    } else if (!isNode(spec) && spec.kind === 'textScore') {
      setOwn(out, key, textScoreOf(ctx.root));
    } else if (isNode(spec) && !(key in out) && hasComputed(spec)) {
      setOwn(out, key, includeNode({}, spec, ctx, false, false));
    }
  }
  return out;
}

function hasComputed(node: Node): boolean {
  for (const spec of node.children.values()) {
    if (isNode(spec) ? hasComputed(spec) : spec.kind === 'computed' || spec.kind === 'textScore')
      return true;
  }
  return false;
}

function excludeNode(value: unknown, node: Node, ctx: Ctx): unknown {
  if (Array.isArray(value))
    return value.map((el) =>
      isPlainObject(el) || Array.isArray(el) ? excludeNode(el, node, ctx) : el
    );
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const spec = node.children.get(key);
    if (!spec) setOwn(out, key, value[key]);
    else if (isNode(spec)) setOwn(out, key, excludeNode(value[key], spec, ctx));
    else if (spec.kind !== 'exclude' && spec.kind !== 'textScore') {
      const v = applyLeaf(value[key], spec, ctx);
      if (v !== undefined) setOwn(out, key, v);
    }
  }
  for (const [key, spec] of node.children)
    if (!isNode(spec) && spec.kind === 'textScore') setOwn(out, key, textScoreOf(ctx.root));
  return out;
}

/**
 * Applies a find projection (inclusion or exclusion, `_id` rule, dotted paths, `$slice`,
 * `$elemMatch`, positional `field.$` using `query`, computed fields). Returns a new document.
 */
export function applyProjection(
  doc: Document,
  projection: Document | undefined,
  query?: Document,
  mode: ProjectionMode = {}
): Document {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const plan = parse(projection, mode.aggregation === true);
  const ctx: Ctx = { root: doc, positionalIndex: -1, variables: mode.variables };
  if (plan.positionalPath) {
    ctx.positionalIndex = matchedArrayIndex(doc, plan.positionalPath, query);
    if (ctx.positionalIndex < 0) {
      throw Errors.location(
        51246,
        "positional operator '.$' couldn't find a matching element in the array"
      );
    }
  }
  if (plan.inclusion) {
    const out = includeNode(doc, plan.tree, ctx, true, !plan.excludeId) as Document;
    // A computed _id is still the first field, as MongoDB always places it.
    if ('_id' in out && Object.keys(out)[0] !== '_id') {
      const { _id, ...rest } = out;
      return keepTextScore(doc, { _id, ...rest });
    }
    return keepTextScore(doc, out);
  }
  const out = excludeNode(doc, plan.tree, ctx) as Document;
  if (plan.excludeId) delete out._id;
  return keepTextScore(doc, out);
}
