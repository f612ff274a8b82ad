import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { Long, type Document } from 'bson';
import type { ClientSession, Db, MongoClient } from 'mongodb';
import { fileStem, metadataJson, skipNamespace, uuidHex } from './format.js';

/** Keep every BSON type as the server sent it (Int32 stays Int32, regex flags stay as written). */
export const EXACT_TYPES = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

export interface DumpOptions {
  /** Databases to dump; all but local, config (and admin) by default. */
  readonly databases?: readonly string[];
  readonly gzip?: boolean;
  /** One line per collection. */
  readonly progress?: (line: string) => void;
}

export interface DumpSummary {
  readonly collections: { db: string; name: string; documents: number; type: string }[];
  /** How each collection's read was made consistent. */
  readonly consistency: 'snapshot-session' | 'single-read' | 'none';
}

/** A command cursor's documents (listCollections, listIndexes), every batch, types kept. */
export async function commandCursor(db: Db, command: Document): Promise<Document[]> {
  const reply = await db.command(command, EXACT_TYPES);
  const out: Document[] = [...reply.cursor.firstBatch];
  let id: Long = reply.cursor.id;
  const coll = String(reply.cursor.ns).slice(db.databaseName.length + 1);
  while (!id.isZero()) {
    const more = await db.command({ getMore: id, collection: coll }, EXACT_TYPES);
    out.push(...more.cursor.nextBatch);
    id = more.cursor.id;
  }
  return out;
}

/** The databases a dump covers when none are named: mongodump's choice, minus admin. */
export async function userDatabases(client: MongoClient): Promise<string[]> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases
    .map((d) => d.name)
    .filter((n) => !['admin', 'local', 'config'].includes(n))
    .sort();
}

/**
 * Writes `out/<db>/<coll>.bson` and `<coll>.metadata.json` for every collection, through the
 * wire protocol. The documents are written as the server sent them (raw BSON, never decoded).
 *
 * Consistency: on a replica set or sharded cluster the whole dump reads in one snapshot session
 * (one point in time for every collection). The embedded server answers a `$natural`-ordered
 * find from one synchronous pass over the collection, so each collection is one point in time
 * however long the cursor is then drained; a standalone mongod, like mongodump without
 * `--oplog`, gives no such guarantee.
 */
export async function dump(
  client: MongoClient,
  out: string,
  options: DumpOptions = {}
): Promise<DumpSummary> {
  const hello = await client.db('admin').command({ hello: 1 });
  const clustered = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  const embedded = await isEmbedded(client);
  let session: ClientSession | undefined = clustered
    ? client.startSession({ snapshot: true })
    : undefined;
  const summary: DumpSummary['collections'] = [];
  const gz = options.gzip ? '.gz' : '';
  try {
    for (const dbName of options.databases ?? (await userDatabases(client))) {
      const db = client.db(dbName);
      const dir = path.join(out, dbName);
      fs.mkdirSync(dir, { recursive: true });
      const infos = await commandCursor(db, { listCollections: 1 });
      for (const info of infos.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
        const name = String(info.name);
        if (skipNamespace(dbName, name)) continue;
        const type = String(info.type ?? 'collection');
        if (type !== 'collection' && type !== 'view') {
          throw new Error(
            `${dbName}.${name} is a ${type} collection; dump handles collections and views`
          );
        }
        const stem = path.join(dir, fileStem(name));
        let documents = 0;
        if (type === 'collection') {
          const find = (s: ClientSession | undefined) =>
            db
              .collection(name)
              .find({}, { raw: true, sort: { $natural: 1 }, batchSize: 1000, session: s });
          let cursor = find(session);
          try {
            await cursor.hasNext();
          } catch (err) {
            // Cosmos DB and some proxies report a replica set yet refuse snapshot reads.
            if (!session) throw err;
            options.progress?.(
              `snapshot reads refused (${(err as Error).message}); reading without`
            );
            await session.endSession();
            session = undefined;
            cursor = find(undefined);
          }
          const docs = Readable.from(
            (async function* () {
              for await (const raw of cursor as AsyncIterable<Buffer>) {
                documents += 1;
                yield raw;
              }
            })()
          );
          const file = fs.createWriteStream(stem + '.bson' + gz);
          await (options.gzip ? pipeline(docs, createGzip(), file) : pipeline(docs, file));
        }
        const indexes = type === 'view' ? [] : await commandCursor(db, { listIndexes: name });
        const meta = metadataJson({
          options: info.options,
          indexes,
          uuid: uuidHex(info.info?.uuid),
          collectionName: name,
          type,
        });
        const metaFile = stem + '.metadata.json' + gz;
        fs.writeFileSync(metaFile, options.gzip ? gzipSync(meta) : meta);
        summary.push({ db: dbName, name, documents, type });
        options.progress?.(
          `${dbName}.${name}: ${type === 'view' ? 'view' : `${documents} documents`}`
        );
      }
    }
  } finally {
    await session?.endSession();
  }
  return {
    collections: summary,
    consistency: session ? 'snapshot-session' : embedded ? 'single-read' : 'none',
  };
}

async function isEmbedded(client: MongoClient): Promise<boolean> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return info.gitVersion === 'embedded';
}
