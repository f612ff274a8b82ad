import type { Logger } from '../logger.js';
import type { JournalOp } from '../storage/data-store.js';
import type { Catalog } from './catalog.js';

/**
 * Deletes documents whose TTL index date (the earliest, for arrays) is older than
 * `expireAfterSeconds`, like mongod's TTL monitor. Reads expiry times straight from the index
 * keys (`d<millis>`), so a sweep decodes only the documents it deletes.
 */
export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly logger: Logger,
    private readonly intervalMs = 1000
  ) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every TTL index; resolves when the deletions are durable. */
  sweep(now = Date.now()): Promise<void> {
    const ops: JournalOp[] = [];
    for (const coll of this.catalog.allCollections()) {
      for (const ix of coll.indexes) {
        const seconds = ix.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || ix.fields.length !== 1) continue;
        const cutoff = now - seconds * 1000;
        const expired = new Set<string>();
        for (const [key, holders] of ix.entries.map) {
          if (key.charCodeAt(0) !== 100 /* 'd' */ || Number(key.slice(1)) > cutoff) continue;
          if (typeof holders === 'string') expired.add(holders);
          else for (const id of holders) expired.add(id);
        }
        for (const id of expired) {
          const doc = coll.getByKey(id);
          if (doc) ops.push(coll.remove(id, doc));
        }
      }
    }
    // Nothing deleted, nothing to wait for: no reply depends on this sweep.
    return ops.length === 0 ? Promise.resolve() : this.catalog.commit(ops);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((err: Error) => this.logger.error({ err }, 'TTL sweep failed'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
