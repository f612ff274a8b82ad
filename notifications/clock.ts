/** Time as the outbox sees it: injectable so tests can run an hour of pacing in seconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => realSleep(ms, signal),
};

/** Real sleep that ends early (without throwing) when the signal aborts. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A clock running `factor` times faster than real time, starting now. Timestamps taken with
 * `Date.now()` elsewhere (a fake connector's log) map onto it with `toClockTime`.
 */
export function acceleratedClock(factor: number): Clock & { toClockTime(realMs: number): number } {
  const start = Date.now();
  const toClockTime = (realMs: number) => start + (realMs - start) * factor;
  return {
    now: () => toClockTime(Date.now()),
    sleep: (ms, signal) => realSleep(ms / factor, signal),
    toClockTime,
  };
}
