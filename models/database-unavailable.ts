/**
 * Names of the driver's (and mongoose's) errors that mean "the database cannot be reached right
 * now", as opposed to a bad query or a bug: no server to select, a dropped connection, a client
 * closed under the turn. The turn can simply be tried again once the database is back.
 */
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/**
 * Whether `err`, or an error it wraps (`cause`, botbuilder-dialogs' `error`), says the database
 * is unreachable. Also mongoose's "buffering timed out": a model call queued while disconnected.
 * Checked by name, not `instanceof`, so a second copy of the driver cannot hide it.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { name?: unknown; message?: unknown; cause?: unknown; error?: unknown };
    if (typeof e.name === 'string' && UNREACHABLE.has(e.name)) return true;
    if (typeof e.message === 'string' && /buffering timed out after/.test(e.message)) return true;
    current = e.cause ?? e.error;
  }
  return false;
}
