import fs from 'node:fs';
import { BSON, type Document } from 'bson';
import type { AnyBulkWriteOperation, MongoClient } from 'mongodb';
import { EXACT_TYPES, commandCursor } from './dump.js';
import { skipNamespace } from './format.js';

export interface CopyOptions {
  /** The source database (the bot's). */
  readonly fromDb: string;
  /** The target database (the one MONGODB_URI will name). */
  readonly toDb: string;
  /** Write into a target that already holds documents (merging by _id). */
  readonly force?: boolean;
  /** Drop the target's collections of the same names first. */
  readonly drop?: boolean;
  /** JSON file recording progress; a copy that stopped resumes from it. */
  readonly checkpointFile: string;
  readonly batchSize?: number;
  readonly progress?: (line: string) => void;
}

/** What the checkpoint file holds: which source/target pair and how far each collection got. */
interface Checkpoint {
  fromDb: string;
  toDb: string;
  /** Documents already written, per collection, in `_id` order; `done` once complete. */
  collections: Record<string, { copied: number; done: boolean }>;
}

export class CopyRefused extends Error {
  override readonly name = 'CopyRefused';
}

function readCheckpoint(file: string, fromDb: string, toDb: string): Checkpoint | undefined {
  if (!fs.existsSync(file)) return undefined;
  const cp = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint;
  if (cp.fromDb !== fromDb || cp.toDb !== toDb) {
    throw new CopyRefused(
      `${file} is the checkpoint of a copy from ${cp.fromDb} to ${cp.toDb}: remove it first`
    );
  }
  return cp;
}

function writeCheckpoint(file: string, cp: Checkpoint): void {
  // Temp file and rename: a crash mid-write leaves the previous checkpoint, never half a file.
  fs.writeFileSync(file + '.tmp', JSON.stringify(cp, null, 2));
  fs.renameSync(file + '.tmp', file);
}

/**
 * Copies every collection of `fromDb` (options, then indexes, then documents in `_id` order and
 * batches) into `toDb` on another server. Each batch is written as upserts by `_id`, so a batch
 * repeated after a crash (written, but not yet in the checkpoint) lands once. The source should
 * be stopped: writes made during the copy may be missed.
 */
export async function copy(
  source: MongoClient,
  target: MongoClient,
  options: CopyOptions
): Promise<{ documents: number }> {
  const from = source.db(options.fromDb);
  const to = target.db(options.toDb);
  const infos = (await commandCursor(from, { listCollections: 1 }))
    .filter((i) => !skipNamespace(options.fromDb, String(i.name)))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const resumed = readCheckpoint(options.checkpointFile, options.fromDb, options.toDb);
  const cp: Checkpoint = resumed ?? { fromDb: options.fromDb, toDb: options.toDb, collections: {} };
  if (!resumed) {
    const existing = (await to.listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name
    );
    const nonEmpty: string[] = [];
    for (const name of existing) {
      if ((await to.collection(name).estimatedDocumentCount()) > 0) nonEmpty.push(name);
    }
    if (nonEmpty.length > 0 && !options.force && !options.drop) {
      throw new CopyRefused(
        `the target database ${options.toDb} is not empty (${nonEmpty.join(', ')}): ` +
          'pass --drop to replace those collections or --force to merge into them'
      );
    }
  }
  let total = 0;
  const views = infos.filter((i) => i.type === 'view');
  for (const info of [...infos.filter((i) => i.type !== 'view'), ...views]) {
    const name = String(info.name);
    const state = (cp.collections[name] ??= { copied: 0, done: false });
    if (state.done) continue;
    const exists = await to.listCollections({ name }, { nameOnly: true }).hasNext();
    if (!resumed && options.drop && exists) await to.collection(name).drop();
    if (!exists || (!resumed && options.drop))
      await to.command({ create: name, ...(info.options ?? {}) });
    if (info.type === 'view') {
      state.done = true;
      writeCheckpoint(options.checkpointFile, cp);
      options.progress?.(`${name}: view`);
      continue;
    }
    // Indexes first: a unique index then refuses a duplicate at once, not after the whole copy.
    const indexes = (await commandCursor(from, { listIndexes: name }))
      .filter((i) => i.name !== '_id_')
      .map(({ ns: _ns, ...spec }) => spec);
    if (indexes.length > 0) await to.command({ createIndexes: name, indexes });
    const count = await from.collection(name).countDocuments();
    const batchSize = options.batchSize ?? 1000;
    // `_id` order with a skip, not `$gt` on the last `_id`: a skip resumes across mixed `_id`
    // types, which MongoDB's type-bracketed `$gt` would not.
    const cursor = from
      .collection(name)
      .find({}, { raw: true, sort: { _id: 1 }, skip: state.copied, batchSize });
    let batch: AnyBulkWriteOperation[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await to.collection(name).bulkWrite(batch, { ordered: true, bypassDocumentValidation: true });
      state.copied += batch.length;
      total += batch.length;
      batch = [];
      writeCheckpoint(options.checkpointFile, cp);
      options.progress?.(`${name}: ${state.copied}/${count} ${bar(state.copied, count)}`);
    };
    for await (const raw of cursor as AsyncIterable<Buffer>) {
      const doc: Document = BSON.deserialize(raw, EXACT_TYPES);
      batch.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    state.done = true;
    writeCheckpoint(options.checkpointFile, cp);
    if (count === 0) options.progress?.(`${name}: 0/0 ${bar(0, 0)}`);
  }
  // The copy is complete: the checkpoint has done its work.
  fs.rmSync(options.checkpointFile, { force: true });
  return { documents: total };
}

function bar(done: number, all: number): string {
  const share = all === 0 ? 1 : done / all;
  const filled = Math.round(share * 20);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${Math.round(share * 100)}%`;
}
