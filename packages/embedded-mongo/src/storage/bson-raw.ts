import { BSON } from 'bson';
import { BSON_REGEX, FIXED_VALUE_SIZE, LENGTH_PREFIX_EXTRA } from './bson-value-size.js';
import { idKey } from './id-key.js';

/** A top-level element of a BSON document, located without decoding it. */
export interface RawElement {
  type: number;
  /** Offset of the element's type byte. */
  start: number;
  /** Offset of the element's value (after the name). */
  valueStart: number;
  end: number;
}

/**
 * Finds top-level element `name` in a BSON document. Recovery uses it to take a document's
 * bytes and `_id` out of a journal record without decoding (and re-encoding) the document.
 */
export function findElement(doc: Uint8Array, name: string): RawElement | undefined {
  const size = u32(doc, 0);
  let at = 4;
  while (at < size - 1) {
    const start = at;
    const type = doc[at++];
    const nameStart = at;
    while (doc[at] !== 0) at++;
    const matches = at - nameStart === name.length && latin1(doc, nameStart, at) === name;
    const valueStart = at + 1;
    const end = valueStart + valueLength(doc, type, valueStart);
    if (matches) return { type, start, valueStart, end };
    at = end;
  }
  return undefined;
}

/** The value of a string element. */
export function stringValue(doc: Uint8Array, el: RawElement): string {
  const len = u32(doc, el.valueStart);
  return Buffer.from(doc.buffer, doc.byteOffset + el.valueStart + 4, len - 1).toString('utf8');
}

/** {@link idKey} of a BSON document's `_id`, computed from its bytes. */
export function rawIdKey(doc: Uint8Array): string {
  const el = findElement(doc, '_id');
  if (!el) return idKey(undefined);
  if (el.type === 0x07) {
    return 'o' + Buffer.from(doc.buffer, doc.byteOffset + el.valueStart, 12).toString('hex');
  }
  if (el.type === 0x02) return 's' + stringValue(doc, el);
  // Rarer _id types: decode just the element, wrapped in a one-field document.
  const one = Buffer.alloc(4 + (el.end - el.start) + 1);
  one.writeUInt32LE(one.length, 0);
  one.set(doc.subarray(el.start, el.end), 4);
  return idKey(BSON.deserialize(one, { promoteValues: false })._id);
}

function valueLength(doc: Uint8Array, type: number, at: number): number {
  const fixed = FIXED_VALUE_SIZE[type];
  if (fixed >= 0) return fixed;
  const extra = LENGTH_PREFIX_EXTRA[type];
  if (extra >= 0) return extra + u32(doc, at);
  if (type !== BSON_REGEX) throw new Error(`Unknown BSON element type 0x${type.toString(16)}`);
  let end = at;
  while (doc[end] !== 0) end++;
  end++;
  while (doc[end] !== 0) end++;
  return end + 1 - at;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}
