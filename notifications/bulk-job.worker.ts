import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { BulkInvitationService } from '../domain/invitations/bulk-invitation.service.js';
import type { BulkJobRepository } from '../domain/invitations/bulk-job.js';
import type { Clock } from './clock.js';

/** Jobs one process drives at once (each does a few rows at once itself). */
export const BULK_JOBS_AT_ONCE = 2;

export interface BulkJobWorkerOptions {
  /** How long a driver holds a job without renewing it; then another process may take it. */
  readonly leaseMs: number;
  /** How often running jobs are looked for (other processes start them too). */
  readonly pollMs: number;
  /** The most stop() waits for the rows in flight (each one a few database writes). */
  readonly stopWaitMs: number;
}

export const DEFAULT_BULK_JOB_WORKER: BulkJobWorkerOptions = {
  leaseMs: 30_000,
  pollMs: 2_000,
  stopWaitMs: 10_000,
};

/**
 * Drives bulk invitation jobs in the background, beside the outbox and webhook workers: leases
 * a running job (one process drives it; the lease is renewed while it does), does its rows
 * through the bulk service, and marks it done. A process that dies or stops keeps its lease
 * until it runs out, then any process's sweep takes the job up where the rows say; a row a
 * dead run had started is found by the service, never invited twice.
 */
export class BulkJobWorker {
  private readonly log: Logger;
  private readonly owner = `bulk-${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private pumping = false;
  private again = false;

  constructor(
    private readonly deps: {
      readonly jobs: BulkJobRepository;
      readonly bulk: BulkInvitationService;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly options: BulkJobWorkerOptions;
    }
  ) {
    this.log = deps.logger.child({ module: 'bulk-job-worker' });
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /**
   * Stops taking rows and waits (bounded) for the rows in flight. The leases are kept: the
   * jobs wait them out as a crashed process's would, one path for both.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((resolve) => {
        bound = setTimeout(resolve, this.deps.options.stopWaitMs);
        bound.unref();
      }),
    ]);
    clearTimeout(bound);
  }

  /** Looks for running jobs now (one was started in this process). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => this.log.error({ err }, 'bulk job lease failed'))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.schedule();
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), this.deps.options.pollMs);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.inFlight.size < BULK_JOBS_AT_ONCE) {
      const now = this.deps.clock.now();
      const id = await this.deps.jobs.lease(
        this.owner,
        new Date(now),
        new Date(now + this.deps.options.leaseMs),
        [...this.inFlight.keys()]
      );
      if (!id) return;
      const run = this.drive(id)
        .catch((err: unknown) =>
          // Left leased: the job is tried again when the lease runs out (by any process).
          this.log.error({ err, jobId: id }, 'bulk job stopped by a fault')
        )
        .finally(() => {
          this.inFlight.delete(id);
          this.wake();
        });
      this.inFlight.set(id, run);
    }
  }

  private async drive(id: string): Promise<void> {
    const { jobs, bulk, clock, options } = this.deps;
    let lost = false;
    const until = () => new Date(clock.now() + options.leaseMs);
    // Renewed well within the lease, so a long job is never taken over while it runs.
    const heartbeat = setInterval(() => {
      void jobs.renew(id, this.owner, until()).then(
        (held) => (lost ||= !held),
        (err: unknown) => this.log.warn({ err, jobId: id }, 'bulk job lease not renewed')
      );
    }, options.leaseMs / 3);
    heartbeat.unref();
    try {
      const outcome = await bulk.drive(id, () => this.stopped || lost);
      if (outcome === 'done' && !lost) {
        await jobs.finish(id, this.owner);
        this.log.info({ jobId: id }, 'bulk job done');
      } else if (!lost) {
        // Rows left (stopping, or another run's row not yet given up): tried again a lease on.
        await jobs.renew(id, this.owner, until());
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
