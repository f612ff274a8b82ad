import type { Actor } from '../partners/actor.js';
import type { PartnerRef } from '../partners/partner.js';
import type { BulkKind } from './bulk-csv.js';

/**
 * A row of a bulk job: `pending` until a run claims it (`started`), then `created` or
 * `failed`; `refused` when its check refused it before the run (it is never tried).
 */
export type BulkRowState = 'pending' | 'started' | 'created' | 'failed' | 'refused';

export interface BulkJobRow {
  /** The row's number in the file as a spreadsheet shows it (the header is row 1). */
  readonly row: number;
  readonly fields: Readonly<Record<string, string>>;
  readonly state: BulkRowState;
  /** Why it was refused or failed: an i18n key and its values. */
  readonly reason?: string;
  readonly values?: Record<string, unknown>;
  readonly startedAt?: Date;
  readonly invitationRef?: string;
  /** The link and code, sealed (AES-GCM): shown to the uploader only, never stored in clear. */
  readonly sealed?: string;
  readonly mailed?: 'queued' | 'failed' | 'none';
}

/**
 * `running`: rows are still to do, and a background driver takes the job (a lease, so one
 * process drives it and another takes over when that one dies); `done`: every row settled.
 */
export type BulkJobState = 'running' | 'done';

/**
 * One upload run: keyed by the partner, the kind and the file's hash, so the same file again
 * is the same job (nothing created twice), and each row's state is kept so a run that died
 * midway resumes at the rows not done.
 */
export interface BulkJob {
  readonly id: string;
  readonly partnerRef: PartnerRef;
  readonly kind: BulkKind;
  /** The uploader, as the background driver acts (the services check its roles per row). */
  readonly createdBy: Actor;
  readonly createdAt: Date;
  readonly language: 'en' | 'ru';
  /** Absent on jobs stored before runs went to the background: taken as `running`. */
  readonly state?: BulkJobState;
  readonly rows: readonly BulkJobRow[];
}

/** Where bulk jobs are kept. Row changes are single conditional updates on the row's state. */
export interface BulkJobRepository {
  /** Inserts the job, or answers the one with this id already there (same file, same partner). */
  insertOrGet(job: BulkJob): Promise<BulkJob>;
  get(id: string): Promise<BulkJob | null>;
  /**
   * Takes a row for a run: `pending` -> `started`, or a `started` one whose run died (started
   * at `staleBefore` or earlier). False when another run holds it or it is settled.
   */
  claim(id: string, index: number, now: Date, staleBefore: Date): Promise<boolean>;
  /** Settles a started row (its outcome). */
  settle(id: string, index: number, outcome: Partial<BulkJobRow>): Promise<void>;
  /** Marks a job `running` again (a re-upload or a resume): the background driver takes it. */
  setRunning(id: string): Promise<void>;
  /**
   * Leases a `running` job whose lease is free or ran out (at `now` or earlier) to `owner`
   * until `until`, the oldest first, skipping `skip`; its id, or null when none is.
   */
  lease(owner: string, now: Date, until: Date, skip: readonly string[]): Promise<string | null>;
  /** Stretches the owner's lease; false when it is no longer the owner's (taken over). */
  renew(id: string, owner: string, until: Date): Promise<boolean>;
  /** The owner's job is `done`; its lease is given back. */
  finish(id: string, owner: string): Promise<void>;
}
