/**
 * Action.Execute invokes this process already answered, by activity id and person: Teams (or
 * anyone replaying a captured request) can post the same invoke again, and a card action that
 * creates or sends (a customer invitation, a resend, an extension) must not happen twice. The
 * replay gets the first answer (a concurrent one waits for it). Bounded and time-limited; one
 * process only, so a replay that reaches another instance relies on the actions' own guards
 * (conditional transitions).
 */
export class InvokeReplays<T> {
  private readonly entries = new Map<string, { answer: Promise<T>; at: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 15 * 60_000,
    private readonly now: () => number = Date.now
  ) {}

  /** The first answer for `key`, computing it with `run` when it is new (or too old). */
  answer(key: string | undefined, run: () => Promise<T>): Promise<T> {
    if (!key) return run();
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.maxAgeMs) return entry.answer;
    const answer = run();
    this.entries.delete(key);
    this.entries.set(key, { answer, at: this.now() });
    // A failed first try is not an answer: the same invoke may try again.
    answer.catch(() => this.entries.delete(key));
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return answer;
  }
}
