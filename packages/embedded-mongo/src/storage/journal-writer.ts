import { open, type FileHandle } from 'node:fs/promises';
import { encodeDoc } from './bson-codec.js';
import { fsyncDir, journalName, pathOf } from './data-files.js';
import { encodeFrame } from './frame-codec.js';

/** A batch of records is closed at this size (a single bigger commit still goes alone). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/**
 * Commit delay, as PostgreSQL's commit_delay with commit_siblings: when two or more records are
 * waiting and more writers than that are active, a frame waits a little while more keep
 * arriving, so one fdatasync carries many of them. A lone writer (one record waiting) never waits.
 */
const COMMIT_DELAY_MS = 1;
/** At most this many delays per frame: bounds the latency a commit can gain to a few ms. */
const MAX_COMMIT_DELAYS = 3;

/** First document of every journal: lets a later format be recognised. */
export const JOURNAL_FORMAT = 'partner-connect-journal';
export const JOURNAL_VERSION = 1;

interface PendingRecord {
  kind: 'record';
  docs: Buffer[];
  bytes: number;
  resolve(): void;
  reject(err: Error): void;
}
interface PendingRotation {
  kind: 'rotate';
  seq: number;
  resolve(): void;
  reject(err: Error): void;
}
type Pending = PendingRecord | PendingRotation;

/** Test hooks of the journal: observe or slow down its fdatasyncs. */
export interface JournalHooks {
  /** Called after every fdatasync of the journal (tests count group commits with it). */
  onDatasync?: () => void;
  /** Replaces `file.datasync()`; a test slows it to widen the window before a record is durable. */
  datasync?: (file: FileHandle) => Promise<void>;
  /**
   * How many writers are active now (the server counts connections that sent a command in the
   * last few milliseconds). Without it a frame never waits for more (see COMMIT_DELAY_MS).
   */
  activeWriters?: () => number;
}

/** Counters for tests, the bench and serverStatus. */
export interface JournalStats {
  commits: number;
  datasyncs: number;
  bytesWritten: number;
  /** Frames that waited for more writers' records before their fdatasync (commit delay). */
  delayedFrames: number;
}

/**
 * Appends records to the current journal with group commit: whatever was appended while a
 * write+fdatasync was in flight goes out as ONE frame with ONE fdatasync. A frame is written only
 * after the previous one is durable, so recovery can treat a bad frame followed by a good one as
 * real damage rather than a torn tail. Rotation to a new journal is queued in the same order.
 */
export class JournalWriter {
  private readonly queue: Pending[] = [];
  private running = false;
  private readonly idleWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  /** The newest record's promise: records become durable in order, so it stands for all. */
  private lastRecord: Promise<void> = Promise.resolve();
  /** Size the journal that receives the next append will have once the queue is written. */
  private targetBytes: number;
  readonly stats: JournalStats = {
    commits: 0,
    datasyncs: 0,
    bytesWritten: 0,
    delayedFrames: 0,
  };

  constructor(
    private readonly dir: string,
    private fh: FileHandle,
    /** Sequence number of the journal the next record goes to (after queued rotations). */
    private seq: number,
    private size: number,
    private readonly hooks: JournalHooks = {}
  ) {
    this.targetBytes = size;
  }

  /** Creates journal `seq` (with its header, durable, directory entry included). */
  static async create(dir: string, seq: number, hooks?: JournalHooks): Promise<JournalWriter> {
    const fh = await open(pathOf(dir, journalName(seq)), 'wx', 0o600);
    const writer = new JournalWriter(dir, fh, seq, 0, hooks);
    await writer.writeHeader(seq);
    await fsyncDir(dir);
    return writer;
  }

  /** Continues an existing journal at `size` (already truncated to its last good frame). */
  static async resume(
    dir: string,
    seq: number,
    size: number,
    hooks?: JournalHooks
  ): Promise<JournalWriter> {
    const fh = await open(pathOf(dir, journalName(seq)), 'r+');
    const writer = new JournalWriter(dir, fh, seq, size, hooks);
    if (size === 0) await writer.writeHeader(seq);
    return writer;
  }

  /** The error that stopped the journal, once a write or fdatasync has failed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Journal the next append goes to. */
  get currentSeq(): number {
    return this.seq;
  }

  /** Bytes in the current journal, counting records still queued for it. */
  get currentJournalBytes(): number {
    return this.targetBytes;
  }

  /** Queues already-serialized documents as one all-or-nothing record; resolves once durable. */
  append(docs: Buffer[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    let bytes = 0;
    for (const d of docs) bytes += d.byteLength;
    this.lastRecord = new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'record', docs, bytes, resolve, reject });
      this.targetBytes += bytes + 8;
      this.stats.commits++;
      this.kick();
    });
    return this.lastRecord;
  }

  /**
   * Resolves once every record appended so far (queued or in flight) is durable, at once when
   * none is pending; rejects if the journal has failed, since those records never will be.
   */
  whenDurable(): Promise<void> {
    return this.failure ? Promise.reject(this.failure) : this.lastRecord;
  }

  /** Queues a switch to journal `currentSeq + 1`; records appended from now on go there. */
  rotate(): { seq: number; done: Promise<void> } {
    const seq = this.seq + 1;
    this.seq = seq;
    this.targetBytes = 0;
    const done = this.failure
      ? Promise.reject(this.failure)
      : new Promise<void>((resolve, reject) => {
          this.queue.push({ kind: 'rotate', seq, resolve, reject });
          this.kick();
        });
    return { seq, done };
  }

  /** Waits for everything queued, then closes the file. */
  async close(): Promise<void> {
    await this.drain();
    await this.fh.close();
  }

  /** Resolves when the queue is empty (whether the writes succeeded or failed). */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Started on the next tick so that commits made in the same tick share the first frame too.
    setImmediate(() => {
      void this.run().finally(() => {
        this.running = false;
        if (this.queue.length > 0) this.kick();
        else for (const wake of this.idleWaiters.splice(0)) wake();
      });
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === 'rotate') {
        this.queue.shift();
        try {
          await this.switchTo(head.seq);
          head.resolve();
        } catch (err) {
          this.fail(err as Error, [head]);
        }
        continue;
      }
      // One turn of the event loop first: requests whose bytes arrived during the last
      // fdatasync are decoded and queued now, and share this frame instead of needing their own.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.delayWhileWritersArrive();
      let count = 0;
      let bytes = 0;
      for (const next of this.queue) {
        if (next.kind !== 'record') break;
        if (count > 0 && bytes + next.bytes > MAX_BATCH_BYTES) break;
        bytes += next.bytes;
        count++;
      }
      const batch = this.queue.splice(0, count) as PendingRecord[];
      try {
        await this.writeFrame(batch.flatMap((r) => r.docs));
        for (const r of batch) r.resolve();
      } catch (err) {
        this.fail(err as Error, batch);
      }
    }
  }

  /**
   * Waits while concurrent writers keep queueing records (see COMMIT_DELAY_MS). A client that
   * sends its inserts one after another faster than an fdatasync only has two or three queued
   * when the last one finishes; waiting a millisecond or two lets most of them share one.
   */
  private async delayWhileWritersArrive(): Promise<void> {
    const active = this.hooks.activeWriters;
    if (!active) return;
    let delays = 0;
    for (;;) {
      const waiting = this.leadingRecords();
      // One waiting record is a lone writer; as many as are active means nobody else is coming.
      if (delays >= MAX_COMMIT_DELAYS || waiting < 2 || waiting >= active()) return;
      const before = this.queue.length;
      await new Promise<void>((resolve) => setTimeout(resolve, COMMIT_DELAY_MS));
      if (delays++ === 0) this.stats.delayedFrames++;
      if (this.queue.length === before) return;
    }
  }

  /** Records at the head of the queue (up to the next rotation): what the next frame holds. */
  private leadingRecords(): number {
    let n = 0;
    for (const p of this.queue) {
      if (p.kind !== 'record') break;
      n++;
    }
    return n;
  }

  private async writeFrame(docs: Buffer[]): Promise<void> {
    const frame = encodeFrame(docs);
    let written = 0;
    while (written < frame.length) {
      const { bytesWritten } = await this.fh.write(
        frame,
        written,
        frame.length - written,
        this.size + written
      );
      written += bytesWritten;
    }
    await (this.hooks.datasync ? this.hooks.datasync(this.fh) : this.fh.datasync());
    this.size += frame.length;
    this.stats.datasyncs++;
    this.stats.bytesWritten += frame.length;
    this.hooks.onDatasync?.();
  }

  private async writeHeader(seq: number): Promise<void> {
    await this.writeFrame([encodeDoc({ format: JOURNAL_FORMAT, v: JOURNAL_VERSION, seq })]);
  }

  private async switchTo(seq: number): Promise<void> {
    const next = await open(pathOf(this.dir, journalName(seq)), 'wx', 0o600);
    const previous = this.fh;
    this.fh = next;
    this.size = 0;
    await this.writeHeader(seq);
    await fsyncDir(this.dir);
    await previous.close();
  }

  /**
   * After a failed write or fdatasync the file's state is unknown (and Linux may have dropped the
   * dirty pages), so nothing more is acknowledged: every later commit fails with the same error.
   */
  private fail(err: Error, failed: Pending[]): void {
    this.failure ??= new Error(`Journal write failed: ${err.message}`, { cause: err });
    for (const p of [...failed, ...this.queue.splice(0)]) p.reject(this.failure);
  }
}
