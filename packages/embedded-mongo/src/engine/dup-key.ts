import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, type Document } from 'bson';
import { Errors, type MongoCommandError } from '../errors.js';
import type { IndexKey, IndexStructure } from './index-structure.js';

/** Renders a key value the way mongod prints it in E11000 messages. */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof Long) return v.toString();
  if (v instanceof Int32 || v instanceof Double) return String(v.value);
  if (v instanceof Decimal128) return `NumberDecimal("${v.toString()}")`;
  if (v instanceof Timestamp) return `Timestamp(${v.high}, ${v.low})`;
  if (v instanceof Binary)
    return `BinData(${v.sub_type}, ${Buffer.from(v.buffer).toString('hex').toUpperCase()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (Array.isArray(v)) return '[ ' + v.map(renderValue).join(', ') + ' ]';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Document);
    if (entries.length === 0) return '{}';
    return '{ ' + entries.map(([k, x]) => `${k}: ${renderValue(x)}`).join(', ') + ' }';
  }
  return String(v);
}

/** The 11000 error for a key already held in a unique index. */
export function duplicateKeyError(
  ns: string,
  index: IndexStructure | '_id_',
  key: IndexKey | unknown
): MongoCommandError {
  const keyPattern: Document = {};
  const keyValue: Document = {};
  if (index === '_id_') {
    keyPattern._id = 1;
    keyValue._id = key;
  } else {
    const k = key as IndexKey;
    index.fields.forEach((f, i) => {
      keyPattern[f] = index.spec.key[f];
      keyValue[f] = k.values[i];
    });
  }
  const rendered =
    '{ ' +
    Object.entries(keyValue)
      .map(([k, v]) => `${k}: ${renderValue(v)}`)
      .join(', ') +
    ' }';
  return Errors.duplicateKey(
    ns,
    index === '_id_' ? '_id_' : index.name,
    keyPattern,
    keyValue,
    rendered
  );
}
