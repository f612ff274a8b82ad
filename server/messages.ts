/**
 * What `npm start`'s processes tell each other over their IPC channels (server/supervisor.ts is
 * the other end of each): plain objects with a `type`, so that anything else on the channel
 * (Node's cluster messages, prom-client's) passes by.
 */
export type ToSupervisor =
  /** The embedded database's process serves at `uri` (its owner-only Unix socket). */
  | { readonly type: 'database-ready'; readonly uri: string }
  /** A bot process listens (on the port the supervisor shares between them). */
  | { readonly type: 'listening'; readonly port: number }
  /** A bot process accepts no new connections and is finishing what it accepted. */
  | { readonly type: 'draining' };

export type FromSupervisor =
  /** Bot process: stop as on SIGTERM (finish what was accepted, then exit 0). */
  | { readonly type: 'shutdown' }
  /** Database process: every bot process has stopped; close the data store and exit 0. */
  | { readonly type: 'stop' };

const TYPES = new Set(['database-ready', 'listening', 'draining', 'shutdown', 'stop']);

/** Whether `message` is one of ours (the channel also carries Node's and prom-client's). */
export function isOwnMessage<T extends ToSupervisor | FromSupervisor>(
  message: unknown
): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    TYPES.has(String((message as { type?: unknown }).type))
  );
}

/** Sends `message` to the supervisor; nothing when there is none (the channel has closed). */
export function tellSupervisor(message: ToSupervisor): void {
  if (process.connected) process.send?.(message);
}
