import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A turn's reads of the records nearly every handler asks for (the actor's partner, its roster,
 * the enrollment draft), remembered for the length of one turn: a turn reads each once, however
 * many handlers, services and card renderers ask, instead of passing them along by hand.
 *
 * Only inside `withTurnMemo` (the bot runs each turn in one); elsewhere (the delivery worker,
 * sweeps, web pages, tests calling services) every read goes to the database. A write to a
 * collection forgets what the turn read of it (or remembers what it wrote), so a turn always
 * sees its own writes; a conditional update that failed forgets too, so a retry reads afresh.
 * What other turns write meanwhile is seen by the next turn, as if this one had run a moment
 * earlier: every state change is still one conditional update in the database, which is what
 * guards transitions, not these reads.
 */
interface Memo {
  open: boolean;
  readonly entries: Map<string, Promise<unknown>>;
}

const current = new AsyncLocalStorage<Memo>();

/** Runs one turn with a memo of its own, closed when the turn ends (late callbacks read afresh). */
export async function withTurnMemo<T>(work: () => Promise<T>): Promise<T> {
  const memo: Memo = { open: true, entries: new Map() };
  try {
    return await current.run(memo, work);
  } finally {
    memo.open = false;
    memo.entries.clear();
  }
}

const entryKey = (collection: string, key: string) => `${collection}\u0000${key}`;

/**
 * `read()` once per turn for this key; the same promise for concurrent askers. A failed read is
 * not remembered. Callers map the stored value to fresh objects (the repositories' `toX`).
 */
export function memoized<T>(collection: string, key: string, read: () => Promise<T>): Promise<T> {
  const memo = current.getStore();
  if (!memo?.open) return read();
  const k = entryKey(collection, key);
  const known = memo.entries.get(k) as Promise<T> | undefined;
  if (known) return known;
  const reading = read();
  memo.entries.set(k, reading);
  reading.catch(() => {
    if (memo.entries.get(k) === reading) memo.entries.delete(k);
  });
  return reading;
}

/** What this turn already holds under `key` (read, prefetched or written), without reading. */
export function known<T>(collection: string, key: string): Promise<T> | undefined {
  const memo = current.getStore();
  if (!memo?.open) return undefined;
  return memo.entries.get(entryKey(collection, key)) as Promise<T> | undefined;
}

/** What this turn just wrote under `key` (write-through: the next read needs no round trip). */
export function rememberWritten<T>(collection: string, key: string, value: T): void {
  const memo = current.getStore();
  if (memo?.open) memo.entries.set(entryKey(collection, key), Promise.resolve(value));
}

/** Forgets everything this turn read of `collection` (call around every write to it). */
export function forgetCollection(collection: string): void {
  const memo = current.getStore();
  if (!memo?.open) return;
  const prefix = entryKey(collection, '');
  for (const k of [...memo.entries.keys()]) if (k.startsWith(prefix)) memo.entries.delete(k);
}
