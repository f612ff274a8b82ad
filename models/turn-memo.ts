import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose, { type Schema } from 'mongoose';

/**
 * A turn's reads of the records nearly every handler asks for (the actor's partner, its roster,
 * the enrollment draft), remembered for the length of one turn: a turn reads each once, however
 * many handlers, services and card renderers ask, instead of passing them along by hand.
 *
 * Only inside `withTurnMemo` (the bot runs each turn in one); elsewhere (the delivery worker,
 * sweeps, web pages, tests calling services) every read goes to the database. A write to a
 * collection forgets what the turn read of it, before and after (`forgetOnWrite` below, on every
 * model: no repository has to remember to), so a turn always sees its own writes; a conditional
 * update that failed forgets too, so a retry reads afresh. A repository may then remember what
 * it wrote (`rememberWritten`). Entries are keyed by the collection's name.
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

/** Forgets everything this turn read of `collection` (every write does, by `forgetOnWrite`). */
function forgetCollection(collection: string | undefined): void {
  const memo = current.getStore();
  if (!memo?.open || collection === undefined) return;
  const prefix = entryKey(collection, '');
  for (const k of [...memo.entries.keys()]) if (k.startsWith(prefix)) memo.entries.delete(k);
}

/** Every write mongoose middleware sees: queries, documents (`create` saves) and models. */
const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
] as const;

/**
 * A plugin on every schema (registered globally below, so a new model or a new repository write
 * cannot forget it): each write through mongoose forgets what the turn read of its collection,
 * before it starts and after it ends, failed or not. Before: a read racing the write in the same
 * turn is not kept. After: what was read while it ran is dropped, and a conditional update that
 * matched nothing leaves no stale copy for the retry. Writes that bypass mongoose (the native
 * driver's collection) are not seen; repositories write through their models.
 */
export function forgetOnWrite(schema: Schema): void {
  type Named = { collection?: { collectionName?: string } };
  const ofQuery = function (this: mongoose.Query<unknown, unknown>) {
    forgetCollection(this.model?.collection?.collectionName);
  };
  // A document's and a model's `collection` (a subdocument has none: nothing to forget).
  const ofSelf = function (this: Named) {
    forgetCollection(this.collection?.collectionName);
  };
  const failed = function (this: Named, err: Error, _res: unknown, next: (e?: Error) => void) {
    forgetCollection(this.collection?.collectionName);
    next(err);
  };
  const failedQuery = function (
    this: mongoose.Query<unknown, unknown>,
    err: Error,
    _res: unknown,
    next: (e?: Error) => void
  ) {
    forgetCollection(this.model?.collection?.collectionName);
    next(err);
  };
  schema.pre([...QUERY_WRITES], { document: false, query: true }, ofQuery);
  schema.post([...QUERY_WRITES], { document: false, query: true }, ofQuery);
  schema.post([...QUERY_WRITES], { document: false, query: true, errorHandler: true }, failedQuery);
  schema.pre('save', ofSelf);
  schema.post('save', ofSelf);
  schema.post('save', { errorHandler: true }, failed);
  schema.pre('insertMany', ofSelf);
  schema.post('insertMany', ofSelf);
  schema.post('insertMany', { errorHandler: true }, failed);
  schema.pre('bulkWrite', ofSelf);
  schema.post('bulkWrite', ofSelf);
  schema.post('bulkWrite', { errorHandler: true }, failed);
}

// Global, not per connection: a plugin is applied to a schema once, when its first model is
// compiled, so a connection without it (a test's bare one) would leave the schema without it
// for every later connection. Registered when this module loads, which every repository and
// models/connection.ts import, before any model is compiled.
mongoose.plugin(forgetOnWrite);
