import { chmod, mkdir, rename, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Document } from 'bson';
import { createLogger, moduleLogger, type Logger } from '../logger.js';
import { decodeDoc, encodeDoc, encodePut } from './bson-codec.js';
import { fsyncDir, journalName, listDataFiles, pathOf, snapshotName } from './data-files.js';
import { JournalWriter, type JournalHooks, type JournalStats } from './journal-writer.js';
import type { CollectionState, JournalOp, SnapshotCollection } from './journal-op.js';
import { LockFile } from './lock-file.js';
import { replayJournals } from './journal-replay.js';
import { loadSnapshot, writeSnapshot } from './snapshot-file.js';
import { StateBuilder, type RecoveredCollection } from './state-builder.js';

export type { CollectionState, JournalOp, SnapshotCollection } from './journal-op.js';
export type { RecoveredCollection } from './state-builder.js';

/** Options of {@link DataStore.open}. */
export interface DataStoreOptions extends JournalHooks {
  logger?: Logger;
  /** Take a snapshot and start a new journal once the journal passes this size (default 64 MiB). */
  compactAfterBytes?: number;
  /** Test hook: called at named points of a compaction; throwing there simulates a crash. */
  compactionProbe?: (point: 'rotated' | 'snapshotWritten') => void;
}

/** Counters for the bench and serverStatus. */
export interface DataStoreStats extends JournalStats {
  compactions: number;
  journalSeq: number;
  journalBytes: number;
  snapshotBytes: number;
}

const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

const KNOWN_OPS = new Set<string>([
  'put',
  'del',
  'createCollection',
  'dropCollection',
  'createIndex',
  'dropIndex',
  'dropDatabase',
]);

/**
 * Durable state of the embedded server: a write-ahead journal of BSON records (group-committed,
 * checksummed), compacted now and then into a snapshot, in a folder guarded by `mongod.lock`.
 * Files: `journal.N` holds the changes after `snapshot.N`, which holds everything before them.
 */
export class DataStore {
  private recovered: RecoveredCollection[] | undefined;
  private source: (() => SnapshotCollection[]) | undefined;
  private compaction: Promise<void> | undefined;
  private closed = false;
  private compactions = 0;
  private nextCompactionAt: number;
  /** Newest snapshot's size: compacting before the journal is as big would mostly rewrite it. */
  private lastSnapshotBytes: number;

  private constructor(
    private readonly dir: string,
    private readonly lock: LockFile,
    private readonly writer: JournalWriter,
    recovered: RecoveredCollection[],
    private readonly logger: Logger,
    private readonly opts: DataStoreOptions,
    snapshotBytes: number
  ) {
    this.recovered = recovered;
    this.lastSnapshotBytes = snapshotBytes;
    this.nextCompactionAt = Math.max(this.compactAfterBytes, snapshotBytes);
  }

  /**
   * Takes the lock file (clear error if another process holds it), loads the snapshot, replays
   * the journal (dropping a torn tail detected by checksum).
   */
  static async open(dataDir: string, opts: DataStoreOptions = {}): Promise<DataStore> {
    const dir = resolve(dataDir);
    const logger = moduleLogger(opts.logger ?? createLogger(), 'data-store');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await ownerOnly(dir, logger);
    const lock = await LockFile.acquire(dir, logger);
    try {
      const started = Date.now();
      const { builder, baseSeq, journals, snapshotBytes } = await loadNewestSnapshot(dir, logger);
      const tail = await replayJournals(dir, journals, builder, logger);
      const writer =
        tail === undefined
          ? await JournalWriter.create(dir, baseSeq, opts)
          : await JournalWriter.resume(dir, tail.seq, tail.size, opts);
      await removeFilesBefore(dir, baseSeq);
      const recovered = builder.finish();
      logger.info(
        {
          dataDir: dir,
          collections: recovered.length,
          docs: recovered.reduce((n, c) => n + c.docs.length, 0),
          ms: Date.now() - started,
        },
        'data store opened'
      );
      return new DataStore(dir, lock, writer, recovered, logger, opts, snapshotBytes);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** The state recovered at open (consumed once by the engine). */
  takeRecovered(): CollectionState[] {
    return this.takeRecoveredBson().map((c) => ({ ...c, docs: c.docs.map((d) => decodeDoc(d)) }));
  }

  /**
   * The same, with each document as its BSON bytes (a buffer of its own that the engine may
   * keep): an engine that stores BSON saves decoding and re-encoding every document.
   */
  takeRecoveredBson(): RecoveredCollection[] {
    const state = this.recovered ?? [];
    this.recovered = undefined;
    return state;
  }

  /**
   * Appends one record holding `ops` (replayed all-or-nothing). MUST be called synchronously
   * right after the engine changed its in-memory state, so journal order = memory order.
   * Resolves when the record is fsync'd; records appended while an fsync is in flight share the
   * next one (group commit). With no ops it appends nothing and resolves once every record
   * already appended is durable: a write that changed nothing may still have observed them.
   */
  commit(ops: JournalOp[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The data store is closed'));
    if (ops.length === 0) return this.writer.whenDurable();
    let docs: Buffer[];
    try {
      // Checked here: an op recovery could not replay must never reach the journal.
      const unknown = ops.find((op) => !KNOWN_OPS.has(op.op));
      if (unknown) throw new Error(`Unknown journal op ${JSON.stringify(unknown.op)}`);
      docs = ops.map((op) =>
        op.op === 'put' && op.bson ? encodePut(op.ns, op.bson) : encodeDoc(op as Document)
      );
    } catch (err) {
      return Promise.reject(err);
    }
    const durable = this.writer.append(docs);
    this.maybeCompact();
    return durable;
  }

  /**
   * Registers how to read the engine's full current state for snapshots; called synchronously
   * at compaction.
   */
  setSnapshotSource(source: () => SnapshotCollection[]): void {
    this.source = source;
  }

  /** Snapshots the current state now and starts a new journal (normally triggered by size). */
  compact(): Promise<void> {
    if (!this.source) return Promise.reject(new Error('No snapshot source registered'));
    this.compaction ??= this.runCompaction().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  /** Set once the journal has failed: memory may then hold writes never made durable. */
  get failure(): Error | undefined {
    return this.writer.failed;
  }

  /** Counters for serverStatus and the bench. */
  stats(): DataStoreStats {
    return {
      ...this.writer.stats,
      compactions: this.compactions,
      journalSeq: this.writer.currentSeq,
      journalBytes: this.writer.currentJournalBytes,
      snapshotBytes: this.lastSnapshotBytes,
    };
  }

  /** Waits for queued commits and a running compaction, then releases the lock file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compaction?.catch(() => undefined);
    await this.writer.close();
    await this.lock.release();
  }

  private maybeCompact(): void {
    if (this.compaction || !this.source) return;
    if (this.writer.currentJournalBytes < this.nextCompactionAt) return;
    // Deferred so the engine finishes its current operation before its state is captured.
    this.compaction = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (this.closed ? undefined : this.runCompaction()))
      .catch((err: Error) => {
        // Retry only after another full journal's worth, not on every commit.
        this.nextCompactionAt = this.writer.currentJournalBytes + this.compactAfterBytes;
        this.logger.error({ err }, 'compaction failed; the journal keeps growing');
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }

  private get compactAfterBytes(): number {
    return this.opts.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
  }

  private async runCompaction(): Promise<void> {
    const started = Date.now();
    // Capture and rotate in one synchronous step: the snapshot holds exactly the commits queued
    // before the rotation, and the new journal exactly those after it.
    const state = captureState(this.source!());
    const { seq, done } = this.writer.rotate();
    await done;
    this.opts.compactionProbe?.('rotated');
    const written = await writeSnapshot(this.dir, seq, state);
    this.opts.compactionProbe?.('snapshotWritten');
    await removeFilesBefore(this.dir, seq);
    this.compactions++;
    this.lastSnapshotBytes = written.bytes;
    this.nextCompactionAt = Math.max(this.compactAfterBytes, written.bytes);
    this.logger.info({ seq, ...written, ms: Date.now() - started }, 'journal compacted');
  }
}

/** Copies the arrays (the engine keeps changing its own); documents are immutable, so shared. */
function captureState(state: SnapshotCollection[]): SnapshotCollection[] {
  return state.map((c) => ({
    ns: c.ns,
    options: c.options,
    indexes: c.indexes.slice(),
    docs: c.docs.slice(),
  }));
}

/**
 * Picks the newest snapshot that loads cleanly and whose following journals are all there.
 * A damaged snapshot is renamed `*.corrupt` (kept for inspection) and an older one tried.
 */
async function loadNewestSnapshot(
  dir: string,
  logger: Logger
): Promise<{ builder: StateBuilder; baseSeq: number; journals: number[]; snapshotBytes: number }> {
  const files = await listDataFiles(dir);
  for (const temp of files.temps) {
    logger.warn({ file: temp }, 'removing a temp file left by an interrupted compaction');
    await unlink(pathOf(dir, temp));
  }
  const damaged: string[] = [];
  const candidates = [...files.snapshots].reverse();
  for (const seq of candidates) {
    const journals = files.journals.filter((j) => j >= seq);
    if (!isContiguousFrom(journals, seq) && journals.length > 0) continue;
    const builder = new StateBuilder();
    try {
      const { bytes } = await loadSnapshot(dir, seq, builder);
      return { builder, baseSeq: seq, journals, snapshotBytes: bytes };
    } catch (err) {
      logger.error({ err, snapshot: snapshotName(seq) }, 'snapshot unusable; trying an older one');
      await rename(pathOf(dir, snapshotName(seq)), pathOf(dir, snapshotName(seq) + '.corrupt'));
      damaged.push(
        `${snapshotName(seq)} is damaged (${(err as Error).message}; ` +
          `kept as ${snapshotName(seq)}.corrupt)`
      );
    }
  }
  if (files.journals.length > 0 && !isContiguousFrom(files.journals, 1)) {
    throw new Error(
      `Cannot recover ${dir}: no usable snapshot covers the changes before ` +
        `${journalName(files.journals[0])} (journals present: ${files.journals.join(', ')}). ` +
        damaged.join('; ')
    );
  }
  return { builder: new StateBuilder(), baseSeq: 1, journals: files.journals, snapshotBytes: 0 };
}

function isContiguousFrom(seqs: number[], first: number): boolean {
  return seqs.length > 0 && seqs.every((s, i) => s === first + i);
}

/** Deletes journals and snapshots made obsolete by snapshot `seq` (or left by a crash). */
async function removeFilesBefore(dir: string, seq: number): Promise<void> {
  const files = await listDataFiles(dir);
  const old = [
    ...files.journals.filter((j) => j < seq).map(journalName),
    ...files.snapshots.filter((s) => s < seq).map(snapshotName),
  ];
  if (old.length === 0) return;
  for (const name of old) await unlink(pathOf(dir, name));
  await fsyncDir(dir);
}

/**
 * `mkdir` sets the mode of folders it creates only: a folder an older version (or an operator)
 * left world-readable stays so, with the journal's personal data inside. Tightened on every
 * open; a folder the process may not chmod (a mount owned by someone else) is logged, not fatal.
 */
async function ownerOnly(dir: string, logger: Logger): Promise<void> {
  try {
    await chmod(dir, 0o700);
  } catch (err) {
    logger.warn({ dir, err: (err as Error).message }, 'could not make the data folder owner-only');
  }
}
