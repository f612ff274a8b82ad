import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { BulkInvitationService } from '../domain/invitations/bulk-invitation.service.js';
import type { BulkJobRepository } from '../domain/invitations/bulk-job.js';
import type { Clock } from './clock.js';
import { SlotPump } from './slot-pump.js';

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
  private readonly pump: SlotPump<string>;

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
    this.pump = new SlotPump({
      slots: BULK_JOBS_AT_ONCE,
      pollMs: deps.options.pollMs,
      claim: async (busy) => {
        const now = deps.clock.now();
        const id = await deps.jobs.lease(
          this.owner,
          new Date(now),
          new Date(now + deps.options.leaseMs),
          busy
        );
        return id ?? undefined;
      },
      keyOf: (id) => id,
      run: (id) => this.drive(id),
      log: this.log,
      what: 'bulk job',
    });
  }

  start(): void {
    this.pump.start();
  }

  /**
   * Stops taking rows and waits (bounded) for the rows in flight. The leases are kept: the
   * jobs wait them out as a crashed process's would, one path for both.
   */
  stop(): Promise<void> {
    return this.pump.stop(this.deps.options.stopWaitMs);
  }

  /** Looks for running jobs now (one was started in this process). */
  wake(): void {
    this.pump.wake();
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
      const outcome = await bulk.drive(id, () => this.pump.stopping || lost);
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
