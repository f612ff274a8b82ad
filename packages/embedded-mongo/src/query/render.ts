import type { Binary, ObjectId } from 'bson';
import { bsonTag, isPlainObject } from './bson-types.js';

/** Renders a value the way mongod prints it inside error messages (`{_id: 1, a: "x"}`). */
export function renderValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[ ${v.map(renderValue).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    return keys.length === 0
      ? '{}'
      : `{ ${keys.map((k) => `${k}: ${renderValue(v[k])}`).join(', ')} }`;
  }
  switch (bsonTag(v)) {
    case 'ObjectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'Int32':
    case 'Double':
      return String((v as { value: number }).value);
    case 'Long':
      return String(v);
    case 'Decimal128':
      return `NumberDecimal("${String(v)}")`;
    case 'Binary':
      return `BinData(${(v as Binary).sub_type}, ${Buffer.from((v as Binary).buffer).toString('hex')})`;
    default:
      return String(v);
  }
}

/** `{_id: ...}` of a document, as mongod names the document in update errors. */
export function renderId(doc: { _id?: unknown }): string {
  return `{_id: ${renderValue(doc._id)}}`;
}
