/**
 * The replay guard shared by several bot processes (models/bot-state/invoke-answers.ts): whether
 * this process runs an invoke, or another already answered it, or is still running it.
 */
export interface SharedInvokeAnswers<T> {
  start(
    key: string
  ): Promise<{ kind: 'run' } | { kind: 'answered'; answer: T } | { kind: 'running' }>;
  finish(key: string, answer: T): Promise<void>;
  abandon(key: string): Promise<void>;
}

/** How long a replay waits for the process running the first invoke to answer. */
const WAIT_FOR_OTHER_MS = 5_000;
const POLL_MS = 100;

/**
 * Action.Execute invokes already answered, by activity id and person: Teams (or anyone
 * replaying a captured request) can post the same invoke again, and a card action that creates
 * or sends (a customer invitation, a resend, an extension) must not happen twice. The replay gets
 * the first answer (a concurrent one waits for it). Bounded and time-limited in this process;
 * with `shared` (several processes on one MongoDB) also across processes: a replay that reaches
 * another instance gets the answer the first one stored, or `busy` while it is still running.
 */
export class InvokeReplays<T> {
  private readonly entries = new Map<string, { answer: Promise<T>; at: number }>();

  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly shared?: SharedInvokeAnswers<T>;

  constructor(
    opts: {
      readonly maxEntries?: number;
      readonly maxAgeMs?: number;
      readonly now?: () => number;
      readonly shared?: SharedInvokeAnswers<T>;
    } = {}
  ) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.maxAgeMs = opts.maxAgeMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
    this.shared = opts.shared;
  }

  /**
   * The first answer for `key`, computing it with `run` when it is new (or too old); `busy` is
   * the answer while another process is still running it.
   */
  answer(key: string | undefined, run: () => Promise<T>, busy?: () => T): Promise<T> {
    if (!key) return run();
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.maxAgeMs) return entry.answer;
    const answer = this.shared && busy ? this.once(key, run, this.shared, busy) : run();
    this.entries.delete(key);
    this.entries.set(key, { answer, at: this.now() });
    // A failed first try is not an answer: the same invoke may try again.
    answer.catch(() => this.entries.delete(key));
    // Oldest first (insertion order): answers past their age go, not only when asked again.
    for (const [k, e] of this.entries) {
      if (this.now() - e.at < this.maxAgeMs) break;
      this.entries.delete(k);
    }
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return answer;
  }

  private async once(
    key: string,
    run: () => Promise<T>,
    shared: SharedInvokeAnswers<T>,
    busy: () => T
  ): Promise<T> {
    const until = this.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const start = await shared.start(key);
      if (start.kind === 'answered') return start.answer;
      if (start.kind === 'run') break;
      // Another process is running it: its answer, once stored, is this one's too.
      if (this.now() >= until) return busy();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    let answer: T;
    try {
      answer = await run();
    } catch (err) {
      await shared.abandon(key).catch(() => undefined);
      throw err;
    }
    // Not stored (the database went away): replays elsewhere wait, then take it over as stale.
    await shared.finish(key, answer).catch(() => undefined);
    return answer;
  }
}
