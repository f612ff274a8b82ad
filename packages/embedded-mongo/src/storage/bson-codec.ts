import { BSON, Binary, type Document } from 'bson';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Serializes a journal op or a document; keys with `.` or `$` are data here, not operators. */
export function encodeDoc(doc: Document): Buffer {
  const u8 = BSON.serialize(doc, { checkKeys: false, ignoreUndefined: false });
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Deserializes one stored BSON document so that serializing the result again gives the same
 * bytes: Int32 becomes a plain number (it serializes back to int32), a Double keeps its class
 * only when a plain number would come back as int32 (5.0, -0), Long stays Long, and Binary
 * data is copied so it does not pin the (large) read buffer in memory.
 */
export function decodeDoc(bytes: Uint8Array, opts: { validateUtf8?: boolean } = {}): Document {
  const doc = BSON.deserialize(bytes, {
    promoteValues: false,
    bsonRegExp: true,
    // Stored bytes were valid when written; bytes from a client are checked (see decodeBson).
    ...(opts.validateUtf8 ? {} : { validation: { utf8: false } }),
  });
  return normalize(doc) as Document;
}

function normalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalize(v[i]);
    return v;
  }
  const type = (v as { _bsontype?: string })._bsontype;
  if (type === undefined) {
    if (v instanceof Date) return v;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = normalize(o[k]);
    return o;
  }
  switch (type) {
    case 'Int32':
      return (v as { value: number }).value;
    case 'Double': {
      const n = (v as { value: number }).value;
      const wouldBecomeInt32 = Number.isSafeInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
      return wouldBecomeInt32 || Object.is(n, -0) ? v : n;
    }
    case 'BSONRegExp': {
      const { pattern, options } = v as { pattern: string; options: string };
      // Only i/m survive a RegExp -> BSON round trip unchanged; keep the rest as BSONRegExp.
      if (/^[im]*$/.test(options)) {
        try {
          return new RegExp(pattern, options);
        } catch {
          return v;
        }
      }
      return v;
    }
    case 'Binary': {
      const b = v as Binary;
      b.buffer = Buffer.from(b.buffer);
      return b;
    }
    default:
      return v;
  }
}

/**
 * `{ op: 'put', ns, doc }` built around the document's existing BSON, byte for byte what
 * `encodeDoc` would produce, without serializing the document a second time.
 */
export function encodePut(ns: string, docBson: Uint8Array): Buffer {
  const nsBytes = Buffer.from(ns, 'utf8');
  const size =
    4 + (1 + 3 + 4 + 4) + (1 + 3 + 4 + nsBytes.length + 1) + (1 + 4) + docBson.length + 1;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt32LE(size, 0);
  at = out.writeUInt8(0x02, at);
  at += out.write('op\0', at, 'latin1');
  at = out.writeUInt32LE(4, at);
  at += out.write('put\0', at, 'latin1');
  at = out.writeUInt8(0x02, at);
  at += out.write('ns\0', at, 'latin1');
  at = out.writeUInt32LE(nsBytes.length + 1, at);
  at += nsBytes.copy(out, at);
  at = out.writeUInt8(0, at);
  at = out.writeUInt8(0x03, at);
  at += out.write('doc\0', at, 'latin1');
  out.set(docBson, at);
  at += docBson.length;
  out.writeUInt8(0, at);
  return out;
}
