import { calculateObjectSize, Long, type Document } from 'bson';

/** Cap on a reply batch: a reply must stay under the 16 MiB + overhead the driver accepts. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Idle cursors are reaped after MongoDB's default cursorTimeoutMillis. */
const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  source: Peekable;
  lastUsed: number;
}

/** The first batch of a command's cursor reply. */
export interface Batch {
  id: Long;
  docs: Document[];
}

/** Open server-side cursors: lazy sources of documents served in batches. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = BigInt(Date.now()) * 1000n;

  get size(): number {
    return this.cursors.size;
  }

  /** Takes the first batch from `source`; registers a cursor when more documents remain. */
  open(
    ns: string,
    source: Iterator<Document>,
    batchSize: number | undefined,
    singleBatch = false
  ): Batch {
    const peekable = new Peekable(source);
    const { docs, done } = takeBatch(peekable, batchSize ?? 101);
    if (done || singleBatch) return { id: Long.ZERO, docs };
    this.nextId += 1n;
    const id = Long.fromBigInt(this.nextId);
    this.cursors.set(id.toString(), { ns, source: peekable, lastUsed: Date.now() });
    return { id, docs };
  }

  /** Next batch of an open cursor; undefined when no such cursor exists. */
  next(id: Long, ns: string, batchSize: number | undefined): Batch | undefined {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor || cursor.ns !== ns) return undefined;
    const { docs, done } = takeBatch(cursor.source, batchSize || Infinity);
    if (done) {
      this.cursors.delete(key);
      return { id: Long.ZERO, docs };
    }
    cursor.lastUsed = Date.now();
    return { id, docs };
  }

  kill(id: Long): boolean {
    return this.cursors.delete(id.toString());
  }

  /** Closes every cursor over `ns` (or every cursor in database `db` when `ns` ends with '.'). */
  killNamespace(prefix: string): void {
    for (const [key, c] of this.cursors)
      if (c.ns === prefix || (prefix.endsWith('.') && c.ns.startsWith(prefix)))
        this.cursors.delete(key);
  }

  reapIdle(now = Date.now()): void {
    for (const [key, c] of this.cursors)
      if (now - c.lastUsed > CURSOR_TIMEOUT_MS) this.cursors.delete(key);
  }

  clear(): void {
    this.cursors.clear();
  }
}

/** An iterator with one document of look-ahead, so exhaustion is known before the reply. */
class Peekable {
  private held: IteratorResult<Document> | undefined;
  constructor(private readonly source: Iterator<Document>) {}
  next(): IteratorResult<Document> {
    const r = this.held ?? this.source.next();
    this.held = undefined;
    return r;
  }
  unshift(r: IteratorResult<Document>): void {
    this.held = r;
  }
}

function takeBatch(source: Peekable, batchSize: number): { docs: Document[]; done: boolean } {
  const docs: Document[] = [];
  let bytes = 0;
  while (docs.length < batchSize) {
    const r = source.next();
    if (r.done) return { docs, done: true };
    const size = calculateObjectSize(r.value);
    if (docs.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      source.unshift(r);
      return { docs, done: false };
    }
    docs.push(r.value);
    bytes += size;
  }
  const peek = source.next();
  if (peek.done) return { docs, done: true };
  source.unshift(peek);
  return { docs, done: false };
}
