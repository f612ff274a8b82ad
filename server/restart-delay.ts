/** A child that ran this long before dying was stable: its next crash counts as a first one. */
export const STABLE_AFTER_MS = 30_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * How long to wait before restarting a child that died after `ranMs`, given `crashes` in a row
 * before: at once after a first crash (one bad request, a leak), then 1 s, 2 s, 4 s... up to
 * 30 s while it keeps dying soon after each start (a database gone, a bad deploy), so a crash
 * loop neither spins the CPU nor floods the log.
 */
export function restartDelayMs(
  crashes: number,
  ranMs: number
): { readonly crashes: number; readonly delayMs: number } {
  const inARow = ranMs >= STABLE_AFTER_MS ? 1 : crashes + 1;
  const delayMs = inARow <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (inARow - 2));
  return { crashes: inARow, delayMs };
}
