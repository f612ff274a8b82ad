import { EJSON, type Binary, type Document } from 'bson';

/**
 * mongodump's folder format (mongo-tools, mongodump/metadata_dump.go and prepare.go):
 * `<out>/<db>/<collection>.bson` holds the documents as concatenated BSON, and
 * `<collection>.metadata.json` one canonical Extended JSON document with, in this order,
 * `options` (left out when empty), `indexes` (always an array), `uuid` (hex, left out when the
 * server has none), `collectionName` and `type`. A view has metadata and no `.bson`. With
 * `--gzip` both names get `.gz`.
 */
export interface CollectionMetadata {
  options?: Document;
  indexes: Document[];
  uuid?: string;
  collectionName: string;
  type?: string;
}

/** The metadata file's bytes: canonical Extended JSON, compact, as mongodump writes it. */
export function metadataJson(meta: CollectionMetadata): string {
  const doc: Document = {};
  if (meta.options && Object.keys(meta.options).length > 0) doc.options = meta.options;
  doc.indexes = meta.indexes;
  if (meta.uuid) doc.uuid = meta.uuid;
  doc.collectionName = meta.collectionName;
  if (meta.type) doc.type = meta.type;
  return EJSON.stringify(doc, { relaxed: false });
}

export function parseMetadata(text: string, file: string): CollectionMetadata {
  let doc: Document;
  try {
    doc = EJSON.parse(text, { relaxed: false }) as Document;
  } catch (err) {
    throw new DumpFormatError(`${file}: not Extended JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(doc.indexes) || typeof doc.collectionName !== 'string') {
    throw new DumpFormatError(`${file}: no "indexes" array or "collectionName"`);
  }
  return doc as CollectionMetadata;
}

/** listCollections' `info.uuid` (a subtype 4 Binary) as mongodump writes it: 32 hex digits. */
export function uuidHex(uuid: Binary | undefined): string | undefined {
  return uuid ? Buffer.from(uuid.buffer).toString('hex') : undefined;
}

/**
 * A collection's file name without extension. mongodump percent-escapes what a file name cannot
 * hold; we do the same for `/`, `%` and NUL (the characters a MongoDB collection name may
 * contain that a path cannot), and refuse names longer than mongodump's limit instead of
 * copying its hash-truncation scheme.
 */
export function fileStem(collection: string): string {
  const stem = collection.replace(
    /[%/\0]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()
  );
  if (Buffer.byteLength(stem) > 238) {
    throw new DumpFormatError(
      `collection name too long for a file name: ${collection.slice(0, 40)}...`
    );
  }
  return stem;
}

/** A dump folder or file that is not in the expected format; nothing was written. */
export class DumpFormatError extends Error {
  override readonly name = 'DumpFormatError';
}

/** Splits concatenated BSON into documents; throws on a torn or mis-sized frame. */
export function* splitBson(buf: Buffer, file: string): Generator<Buffer> {
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 5) throw new DumpFormatError(`${file}: truncated at byte ${at}`);
    const size = buf.readInt32LE(at);
    if (size < 5 || at + size > buf.length || buf[at + size - 1] !== 0) {
      throw new DumpFormatError(`${file}: bad document length ${size} at byte ${at}`);
    }
    yield buf.subarray(at, at + size);
    at += size;
  }
}

/** mongodump skips these namespaces (system collections other than system.js, and $-names). */
export function skipNamespace(db: string, coll: string): boolean {
  if (db === 'local' || db === 'config') return true;
  if (coll === 'system.js') return false;
  return coll.startsWith('system.') || coll.includes('$');
}
