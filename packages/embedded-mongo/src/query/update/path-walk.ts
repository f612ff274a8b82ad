import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { isIndex } from '../paths.js';
import { renderValue } from '../render.js';
import { getOwn, setOwn } from '../own.js';

/** Tests an array element against the arrayFilter of one identifier. */
export type ElementFilter = (el: unknown) => boolean;

/** A container (object or array) and the key of the field an operator acts on. */
export interface Target {
  parent: Document | unknown[];
  key: string | number;
  /** The full path with `$[..]` resolved to indexes, for error messages. */
  path: string;
}

interface WalkOptions {
  /** Create missing objects on the way ($set, $inc, $push...) instead of stopping ($unset, $pull...). */
  create: boolean;
  filters: Map<string, ElementFilter>;
}

function notViable(part: string, key: string, container: unknown): never {
  throw Errors.pathNotViable(
    `Cannot create field '${part}' in element {${key}: ${renderValue(container)}}`
  );
}

/**
 * Calls `visit` for every field `parts` designates in `root`, expanding `$[]` and `$[id]`
 * (positional `$` must already be replaced by an index). Missing objects are created when asked.
 */
export function walkPath(
  root: Document,
  parts: readonly string[],
  opts: WalkOptions,
  visit: (t: Target) => void
): void {
  step(root, parts, 0, opts, visit, [], '');
}

function step(
  container: Document | unknown[],
  parts: readonly string[],
  i: number,
  opts: WalkOptions,
  visit: (t: Target) => void,
  done: string[],
  parentKey: string
): void {
  const part = parts[i] as string;
  const last = i === parts.length - 1;
  if (part.startsWith('$[')) {
    if (!Array.isArray(container)) {
      throw Errors.badValue(
        `The path '${done.join('.')}' must exist in the document in order to apply array updates.`
      );
    }
    const ident = part.slice(2, -1);
    const filter = ident === '' ? undefined : opts.filters.get(ident);
    if (ident !== '' && !filter) {
      throw Errors.badValue(
        `No array filter found for identifier '${ident}' in path '${parts.join('.')}'`
      );
    }
    for (let idx = 0; idx < container.length; idx++) {
      if (filter && !filter(container[idx])) continue;
      descend(container, idx, parts, i, last, opts, visit, [...done, String(idx)]);
    }
    return;
  }
  let key: string | number = part;
  if (Array.isArray(container)) {
    if (!isIndex(part)) {
      if (!opts.create) return;
      notViable(part, parentKey, container);
    }
    key = Number(part);
  }
  descend(container, key, parts, i, last, opts, visit, [...done, part]);
}

function descend(
  container: Document | unknown[],
  key: string | number,
  parts: readonly string[],
  i: number,
  last: boolean,
  opts: WalkOptions,
  visit: (t: Target) => void,
  done: string[]
): void {
  if (last) {
    visit({ parent: container, key, path: done.join('.') });
    return;
  }
  const c = container as Record<string | number, unknown>;
  let child = typeof key === 'number' ? c[key] : getOwn(c as Document, key);
  if (child === undefined || (child === null && opts.create && !Array.isArray(container))) {
    if (child === null) notViable(parts[i + 1] as string, String(key), null);
    if (!opts.create) return;
    if (parts[i + 1]?.startsWith('$[')) {
      throw Errors.badValue(
        `The path '${done.join('.')}' must exist in the document in order to apply array updates.`
      );
    }
    child = {};
    setField(container, key, child);
  }
  if (Array.isArray(child) || isPlainObject(child)) {
    step(child, parts, i + 1, opts, visit, done, String(key));
    return;
  }
  if (!opts.create) return;
  if (parts[i + 1]?.startsWith('$[')) {
    throw Errors.badValue(
      `The path '${done.join('.')}' must exist in the document in order to apply array updates.`
    );
  }
  notViable(parts[i + 1] as string, String(key), child);
}

/** Sets `container[key]`, padding an array with nulls up to the index as MongoDB does. */
export function setField(
  container: Document | unknown[],
  key: string | number,
  value: unknown
): void {
  if (Array.isArray(container)) {
    const idx = key as number;
    while (container.length < idx) container.push(null);
    container[idx] = value;
  } else {
    setOwn(container, key as string, value);
  }
}

/** Reads `container[key]`. */
export function getField(t: Target): unknown {
  if (typeof t.key === 'number') return (t.parent as unknown[])[t.key];
  return getOwn(t.parent as Document, t.key);
}
