/**
 * How many bytes a BSON value takes, by element type (bsonspec.org), for the readers that walk
 * stored documents without decoding them (one over bytes, one over latin1 strings).
 * A value takes `FIXED_VALUE_SIZE[type]` bytes, or else the int32 length at its start plus
 * `LENGTH_PREFIX_EXTRA[type]`; a regex (two C strings) is measured by the reader. -1: neither.
 */
export const BSON_REGEX = 0x0b;

function table(entries: Array<[types: number[], size: number]>): Int8Array {
  const sizes = new Int8Array(256).fill(-1);
  for (const [types, size] of entries) for (const type of types) sizes[type] = size;
  return sizes;
}

export const FIXED_VALUE_SIZE = table([
  [[0x06, 0x0a, 0x7f, 0xff], 0], // undefined, null, max key, min key
  [[0x08], 1], // bool
  [[0x10], 4], // int32
  [[0x01, 0x09, 0x11, 0x12], 8], // double, date, timestamp, int64
  [[0x07], 12], // ObjectId
  [[0x13], 16], // decimal128
]);

export const LENGTH_PREFIX_EXTRA = table([
  [[0x03, 0x04, 0x0f], 0], // document, array, code with scope: the length counts itself
  [[0x02, 0x0d, 0x0e], 4], // string, javascript, symbol: the length counts the bytes after it
  [[0x05], 5], // binary: length, subtype, bytes
  [[0x0c], 16], // DBPointer: string, then an ObjectId
]);
