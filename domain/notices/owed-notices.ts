import type { Logger } from '../../logging/logger.js';
import type { OwedWork } from './owed-work.js';

/** How long a transition's own request gets to send its notices before the sweep takes over. */
export const NOTICE_GRACE_MS = 60_000;
/** After this long a notice that keeps failing is given up, loudly, rather than retried forever. */
export const NOTICE_GIVE_UP_MS = 24 * 60 * 60_000;
const SWEEP_BATCH = 50;

/** A record whose state change may owe notices: stamped in the same conditional update. */
export interface OwingRecord {
  readonly id: string;
  readonly noticeOwedAt?: Date;
}

/** The port a feature's repository implements for its records (partners, relationships...). */
export interface OwedNoticeStore<R extends OwingRecord> {
  /** Records stamped before `before`, oldest first. */
  listNoticesOwed(before: Date, limit: number): Promise<R[]>;
  /** Clears the stamp only if it is still `since`: a newer transition's notices stay owed. */
  clearNoticeOwed(id: string, since: Date): Promise<void>;
}

/** Sends what a record's current state owes; idempotent by the outbox's keys. */
export type NoticeSender<R> = (record: R) => Promise<void>;

/**
 * Notices owed by a state change, for any kind of record. Without multi-document transactions
 * the stamp is what makes a crash or a database outage between the change and the outbox
 * harmless: the stamp stays, the sweep sends again, and the outbox's idempotency keys make a
 * second send a no-op for whatever the first had already enqueued. Gives up loudly after 24 h.
 */
export class OwedNotices<R extends OwingRecord> {
  private readonly log: Logger;

  constructor(
    readonly name: string,
    private readonly store: OwedNoticeStore<R>,
    private readonly sender: NoticeSender<R>,
    private readonly now: () => Date,
    logger: Logger,
    /** Where the work is deferred to (the app's); without it, it is done before returning. */
    private readonly work?: OwedWork
  ) {
    this.log = logger.child({ module: `${name}-notices` });
  }

  /**
   * Sends what a transition owes: with the app's OwedWork, right after the request is answered
   * (the person who acted waits only for their own card). A failure is logged and left to the
   * sweep: the state change is stored and acknowledged, so the person who acted is not told.
   */
  async afterTransition(record: R): Promise<void> {
    if (this.work) {
      this.work.defer(`${this.name}:${record.id}`, () => this.sendLogged(record));
      return;
    }
    await this.sendLogged(record);
  }

  private async sendLogged(record: R): Promise<void> {
    try {
      await this.send(record);
    } catch (err) {
      this.log.error({ err, recordRef: record.id }, 'notices not sent; the sweep will retry');
    }
  }

  /** Sends the notices still owed after the grace period; returns how many records it settled. */
  async sweep(): Promise<number> {
    const now = this.now().getTime();
    const owed = await this.store.listNoticesOwed(new Date(now - NOTICE_GRACE_MS), SWEEP_BATCH);
    let settled = 0;
    for (const record of owed) {
      const since = record.noticeOwedAt!;
      try {
        await this.send(record);
        settled++;
      } catch (err) {
        if (now - since.getTime() < NOTICE_GIVE_UP_MS) {
          this.log.warn({ err, recordRef: record.id }, 'owed notices failed again; will retry');
          continue;
        }
        this.log.error({ err, recordRef: record.id, since }, 'owed notices given up');
        await this.store.clearNoticeOwed(record.id, since);
      }
    }
    return settled;
  }

  private async send(record: R): Promise<void> {
    const since = record.noticeOwedAt;
    if (!since) return;
    await this.sender(record);
    await this.store.clearNoticeOwed(record.id, since);
  }
}

/** Where features register their owed notices so one sweep repairs them all. */
export interface OwedNoticeSweeps {
  register(notices: Pick<OwedNotices<OwingRecord>, 'name' | 'sweep'>): void;
}
