import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { walkPath } from './path-walk.js';
import { splitPath } from '../paths.js';
import { getOwn, setOwn } from '../own.js';

function noArrays(doc: Document, parts: readonly string[], which: 'source' | 'destination'): void {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isPlainObject(cur)) return;
    cur = getOwn(cur, parts[i] as string);
    if (Array.isArray(cur)) {
      throw Errors.badValue(
        `The ${which} field cannot be an array element, '${parts.join('.')}' in doc with ${parts.slice(0, i + 1).join('.')} being an array`
      );
    }
  }
}

/** `$rename`: moves the value at `from` to `to`; a missing source is a no-op. */
export function applyRename(doc: Document, from: string[], to: string): void {
  const toParts = splitPath(to);
  noArrays(doc, from, 'source');
  noArrays(doc, toParts, 'destination');
  let value: unknown;
  let found = false;
  walkPath(doc, from, { create: false, filters: new Map() }, (t) => {
    const parent = t.parent as Document;
    if (Array.isArray(parent) || !Object.prototype.hasOwnProperty.call(parent, t.key)) return;
    value = parent[t.key as string];
    found = true;
    delete parent[t.key as string];
  });
  if (!found) return;
  walkPath(doc, toParts, { create: true, filters: new Map() }, (t) => {
    setOwn(t.parent as Document, t.key as string, value);
  });
}
