import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BSON, type Document } from 'bson';
import type { Db, MongoClient } from 'mongodb';
import { EXACT_TYPES } from './dump.js';
import {
  DumpFormatError,
  parseMetadata,
  skipNamespace,
  splitBson,
  type CollectionMetadata,
} from './format.js';

export interface RestoreOptions {
  /** Drop each collection of the dump in the target before restoring it (mongorestore --drop). */
  readonly drop?: boolean;
  readonly progress?: (line: string) => void;
  /** Documents per insert (default 1000; the driver splits further by size). */
  readonly batchSize?: number;
}

interface PlannedCollection {
  db: string;
  name: string;
  meta: CollectionMetadata;
  bsonFile?: string;
}

/** Dump files a restore reads; other files in the folder (oplog.bson, prelude.json) are left. */
function readMaybeGz(file: string): Buffer {
  const buf = fs.readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(buf) : buf;
}

/** Reads the folder's layout and metadata; throws DumpFormatError before anything is written. */
export function planRestore(dir: string): PlannedCollection[] {
  if (fs.existsSync(dir) && fs.statSync(dir).isFile()) {
    throw new DumpFormatError(`${dir} is a file: mongodump archives (--archive) are not supported`);
  }
  if (!fs.existsSync(dir)) throw new DumpFormatError(`${dir} is not a dump folder`);
  const plan: PlannedCollection[] = [];
  for (const db of fs.readdirSync(dir).sort()) {
    const dbDir = path.join(dir, db);
    if (!fs.statSync(dbDir).isDirectory()) continue;
    const files = fs.readdirSync(dbDir);
    for (const f of files.sort()) {
      const m = /^(.*)\.metadata\.json(\.gz)?$/.exec(f);
      if (!m) continue;
      const meta = parseMetadata(
        readMaybeGz(path.join(dbDir, f)).toString('utf8'),
        path.join(dbDir, f)
      );
      if (skipNamespace(db, meta.collectionName)) continue;
      const bson = [`${m[1]}.bson`, `${m[1]}.bson.gz`].find((b) => files.includes(b));
      const type = meta.type ?? (meta.options?.viewOn ? 'view' : 'collection');
      if (type !== 'collection' && type !== 'view') {
        throw new DumpFormatError(
          `${db}.${meta.collectionName}: ${type} collections are not supported`
        );
      }
      plan.push({
        db,
        name: meta.collectionName,
        meta: { ...meta, type },
        bsonFile: bson && path.join(dbDir, bson),
      });
    }
  }
  if (plan.length === 0)
    throw new DumpFormatError(`${dir} holds no <db>/<collection>.metadata.json`);
  return plan;
}

/**
 * Decodes a dump's documents so the driver can send them, and proves the driver will send the
 * very same bytes: a document holding what the Node driver cannot write (the deprecated
 * `undefined` and DBPointer types) is refused, naming it, instead of being changed silently.
 */
export function decodeExactly(raw: Buffer, where: string): Document {
  let doc: Document;
  try {
    doc = BSON.deserialize(raw, EXACT_TYPES);
  } catch (err) {
    throw new DumpFormatError(`${where}: not a BSON document (${(err as Error).message})`);
  }
  const again = BSON.serialize(doc);
  if (!Buffer.from(again).equals(raw)) {
    throw new DumpFormatError(
      `${where}: document ${JSON.stringify(String(doc._id))} holds a BSON type the Node.js driver ` +
        'cannot write unchanged (undefined or DBPointer); use mongorestore for this dump'
    );
  }
  return doc;
}

/** `mongorestore DIR [--drop]` for folders in mongodump's format, through the driver. */
export async function restore(
  client: MongoClient,
  dir: string,
  options: RestoreOptions = {}
): Promise<{ documents: number }> {
  const plan = planRestore(dir);
  // Every file is read and checked before the target is touched: bad input changes nothing.
  for (const c of plan) {
    if (!c.bsonFile) continue;
    for (const raw of splitBson(readMaybeGz(c.bsonFile), c.bsonFile))
      decodeExactly(raw, c.bsonFile);
  }
  if (!options.drop) {
    const busy: string[] = [];
    for (const c of plan) {
      const exists = await client
        .db(c.db)
        .listCollections({ name: c.name }, { nameOnly: true })
        .hasNext();
      if (
        exists &&
        (c.meta.type === 'view' ||
          (await client.db(c.db).collection(c.name).estimatedDocumentCount()) > 0)
      ) {
        busy.push(`${c.db}.${c.name}`);
      }
    }
    if (busy.length > 0) {
      throw new DumpFormatError(
        `the target already holds ${busy.join(', ')}: pass --drop to replace them`
      );
    }
  }
  let total = 0;
  const views = plan.filter((c) => c.meta.type === 'view');
  for (const c of plan.filter((p) => p.meta.type !== 'view')) {
    const db = client.db(c.db);
    if (options.drop) await db.collection(c.name).drop().catch(ignoreNamespaceNotFound);
    await createWithOptions(db, c);
    const indexes = c.meta.indexes
      .filter((i) => i.name !== '_id_')
      .map(({ ns: _ns, ...spec }) => spec);
    if (indexes.length > 0) await db.command({ createIndexes: c.name, indexes });
    let n = 0;
    if (c.bsonFile) {
      const batch: Document[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await db
          .collection(c.name)
          .insertMany(batch.splice(0), { ordered: true, bypassDocumentValidation: true });
      };
      for (const raw of splitBson(readMaybeGz(c.bsonFile), c.bsonFile)) {
        batch.push(BSON.deserialize(raw, EXACT_TYPES));
        n += 1;
        if (batch.length >= (options.batchSize ?? 1000)) await flush();
      }
      await flush();
    }
    total += n;
    options.progress?.(`${c.db}.${c.name}: ${n} documents, ${indexes.length} indexes besides _id`);
  }
  // A view may be defined on another view: create those whose source exists until none is left.
  let pending = views;
  while (pending.length > 0) {
    const next: PlannedCollection[] = [];
    for (const v of pending) {
      const db = client.db(v.db);
      if (options.drop) await db.collection(v.name).drop().catch(ignoreNamespaceNotFound);
      try {
        await createWithOptions(db, v);
        options.progress?.(`${v.db}.${v.name}: view`);
      } catch (err) {
        next.push(v);
        if (next.length === pending.length) throw err;
      }
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  return { documents: total };
}

async function createWithOptions(db: Db, c: PlannedCollection): Promise<void> {
  const exists = await db.listCollections({ name: c.name }, { nameOnly: true }).hasNext();
  if (exists) return;
  await db.command({ create: c.name, ...(c.meta.options ?? {}) });
}

function ignoreNamespaceNotFound(err: { code?: number }): void {
  if (err.code !== 26) throw err;
}
