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

/** Socket errors of Node itself, which the driver sometimes passes on unwrapped (see below). */
const SOCKET_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
]);

/** A frame of the driver's connection code (`mongodb/lib/cmap/...`, or `src` in a source checkout). */
const DRIVER_FRAME = /[\\/]node_modules[\\/]mongodb[\\/](?:lib|src)[\\/]/;

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
    // The driver (7.8) writes a command to a socket the server has just closed and rejects with
    // Node's own EPIPE ("This socket has been ended by the other party"), not a MongoNetworkError.
    // Only when thrown from the driver's frames: the same code from the Bot Connector's HTTP
    // client is not the database.
    const { code, stack } = current as { code?: unknown; stack?: unknown };
    if (typeof code === 'string' && SOCKET_CODES.has(code) && typeof stack === 'string') {
      if (DRIVER_FRAME.test(stack)) return true;
    }
    current = e.cause ?? e.error;
  }
  return false;
}
