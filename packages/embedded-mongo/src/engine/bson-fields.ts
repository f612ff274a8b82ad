import type { Document } from 'bson';
import { BSON_REGEX, FIXED_VALUE_SIZE, LENGTH_PREFIX_EXTRA } from '../storage/bson-value-size.js';

/** Filter keys that combine other filters; every other `$` key may read the whole document. */
const LOGICAL = new Set(['$and', '$or', '$nor']);

/**
 * The top-level fields a filter reads, or undefined when it may read others (`$expr`,
 * `$where`, `$text`, `$jsonSchema`...). A field condition only ever looks at its own field's
 * value, so matching a document cut down to these fields gives the same answer.
 */
export function filterFields(filter: Document, out = new Set<string>()): Set<string> | undefined {
  for (const [key, cond] of Object.entries(filter)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(cond)) return undefined;
      for (const branch of cond) {
        if (branch === null || typeof branch !== 'object') return undefined;
        if (!filterFields(branch as Document, out)) return undefined;
      }
      continue;
    }
    if (key.startsWith('$')) return undefined;
    out.add(key.split('.')[0]);
  }
  return out;
}

function int32At(s: string, pos: number): number {
  return (
    s.charCodeAt(pos) |
    (s.charCodeAt(pos + 1) << 8) |
    (s.charCodeAt(pos + 2) << 16) |
    (s.charCodeAt(pos + 3) << 24)
  );
}

/** Bytes taken by an element's value (after its name), by BSON type; -1 for an unknown type. */
function valueSize(type: number, s: string, pos: number): number {
  const fixed = FIXED_VALUE_SIZE[type];
  if (fixed >= 0) return fixed;
  const extra = LENGTH_PREFIX_EXTRA[type];
  if (extra >= 0) return extra + int32At(s, pos);
  if (type !== BSON_REGEX) return -1;
  const end = s.indexOf('\0', s.indexOf('\0', pos) + 1);
  return end < 0 ? -1 : end + 1 - pos;
}

/**
 * A reader cutting a stored document (BSON held as a latin1 string) down to the named top-level
 * fields, as BSON again, without decoding anything; undefined if the bytes look malformed (the
 * caller then decodes the whole document).
 */
export function fieldPicker(fields: Set<string>): (stored: string) => string | undefined {
  // BSON names are UTF-8; in a latin1 view each byte is one char.
  const names = [...fields].map((f) => Buffer.from(f, 'utf8').toString('latin1'));
  return (s) => {
    const end = s.length - 1;
    let pos = 4;
    let picked = '';
    while (pos < end) {
      const type = s.charCodeAt(pos);
      const nameEnd = s.indexOf('\0', pos + 1);
      if (nameEnd < 0) return undefined;
      const size = valueSize(type, s, nameEnd + 1);
      if (size < 0) return undefined;
      const next = nameEnd + 1 + size;
      const len = nameEnd - pos - 1;
      for (const n of names) {
        if (n.length === len && s.startsWith(n, pos + 1)) {
          picked += s.slice(pos, next);
          break;
        }
      }
      pos = next;
    }
    if (pos !== end) return undefined;
    const total = picked.length + 5;
    return (
      String.fromCharCode(total & 0xff, (total >>> 8) & 0xff, (total >>> 16) & 0xff, total >>> 24) +
      picked +
      '\0'
    );
  };
}
