/** One index entry: its key (a value, or a compound key's values) and its document's `_id` key. */
export interface SortedEntry {
  key: unknown;
  id: string;
}

/** Monotone test over entries in order: true for a leading run, false from some point on. */
export type EntryTest = (e: SortedEntry) => boolean;

/** A place in the list: chunk number and offset inside it. */
interface Pos {
  c: number;
  i: number;
}

const MAX_CHUNK = 512;

/**
 * An ordered multiset of index entries kept in chunks of at most 512: inserting or removing
 * moves at most one chunk's worth of pointers (a flat sorted array would move half the index),
 * and a seek is two binary searches. Ties are broken by `_id` key, so every entry has one place.
 */
export class SortedEntries {
  private chunks: SortedEntry[][] = [];
  /** Bumped on every change, so a paused scan knows to find its place again. */
  private version = 0;
  size = 0;

  constructor(readonly cmp: (a: SortedEntry, b: SortedEntry) => number) {}

  /** Builds the list from unsorted entries with one sort. */
  static from(
    entries: SortedEntry[],
    cmp: (a: SortedEntry, b: SortedEntry) => number
  ): SortedEntries {
    entries.sort(cmp);
    const out = new SortedEntries(cmp);
    const step = MAX_CHUNK / 2;
    for (let i = 0; i < entries.length; i += step) out.chunks.push(entries.slice(i, i + step));
    out.size = entries.length;
    return out;
  }

  insert(e: SortedEntry): void {
    this.version += 1;
    this.size += 1;
    if (this.chunks.length === 0) {
      this.chunks.push([e]);
      return;
    }
    const c = Math.max(0, this.chunkFor(e));
    const chunk = this.chunks[c];
    chunk.splice(
      lowerBound(chunk, (x) => this.cmp(x, e) < 0),
      0,
      e
    );
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  remove(e: SortedEntry): void {
    const c = this.chunkFor(e);
    if (c < 0) return;
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, (x) => this.cmp(x, e) < 0);
    if (i >= chunk.length || this.cmp(chunk[i], e) !== 0) return;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.version += 1;
    this.size -= 1;
  }

  /** Number of entries from the first one failing `before` up to the first one passing `after`. */
  count(before: EntryTest, after: EntryTest): number {
    return Math.max(0, this.rank(this.seekPast(after)) - this.rank(this.seek(before)));
  }

  /**
   * Entries between the first one failing `before` and the first one passing `after`, forward or
   * backward. Lazy; survives changes made while paused by seeking past the last entry it gave.
   */
  *scan(before: EntryTest, after: EntryTest, direction: 1 | -1): Generator<SortedEntry> {
    let version = this.version;
    let last: SortedEntry | undefined;
    let pos = direction === 1 ? this.seek(before) : this.step(this.seekPast(after), -1);
    for (;;) {
      if (version !== this.version && last) {
        const seen = last;
        pos =
          direction === 1
            ? this.seek((e) => this.cmp(e, seen) <= 0)
            : this.step(
                this.seek((e) => this.cmp(e, seen) < 0),
                -1
              );
        version = this.version;
      }
      const e = this.at(pos);
      if (!e || (direction === 1 ? after(e) : before(e))) return;
      last = e;
      yield e;
      pos = this.step(pos, direction);
    }
  }

  /** Index of the last chunk whose first entry is <= e (-1 when e precedes everything). */
  private chunkFor(e: SortedEntry): number {
    return lowerBound(this.chunks, (chunk) => this.cmp(chunk[0], e) <= 0) - 1;
  }

  /** First position whose entry fails `before` (the end position when all pass). */
  private seek(before: EntryTest): Pos {
    const c = lowerBound(this.chunks, (chunk) => before(chunk[chunk.length - 1]));
    if (c === this.chunks.length) return { c, i: 0 };
    return { c, i: lowerBound(this.chunks[c], before) };
  }

  /** First position whose entry passes `after` (a test true for a trailing run). */
  private seekPast(after: EntryTest): Pos {
    return this.seek((e) => !after(e));
  }

  private at(pos: Pos): SortedEntry | undefined {
    return pos.c >= 0 ? this.chunks[pos.c]?.[pos.i] : undefined;
  }

  private step(pos: Pos, direction: 1 | -1): Pos {
    let { c, i } = pos;
    i += direction;
    if (direction === 1) {
      if (c < this.chunks.length && i >= this.chunks[c].length) return { c: c + 1, i: 0 };
      return { c, i };
    }
    while (i < 0) {
      c -= 1;
      if (c < 0) return { c: -1, i: 0 };
      i = this.chunks[c].length - 1;
    }
    return { c, i };
  }

  private rank(pos: Pos): number {
    let n = pos.i;
    for (let c = 0; c < pos.c && c < this.chunks.length; c++) n += this.chunks[c].length;
    return n;
  }
}

/** First index whose item fails `before` (items.length when all pass). */
function lowerBound<T>(items: T[], before: (x: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
