import type mongoose from 'mongoose';
import type { Model } from 'mongoose';
import type { BulkJob, BulkJobRepository, BulkJobRow } from '../../domain/invitations/bulk-job.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { bulkJobModel, bulkRowModel, type BulkJobDoc, type BulkRowDoc } from './bulk-job.schema.js';

/**
 * BulkJobRepository on MongoDB: the job's header in `bulk_invitation_jobs`, each row its own
 * document in `bulk_invitation_rows` (unique by job and index), so claiming or settling a row
 * is one small conditional update however long the file.
 */
export class MongoBulkJobRepository implements BulkJobRepository {
  private readonly jobs: Model<BulkJobDoc>;
  private readonly rows: Model<BulkRowDoc>;

  constructor(conn: mongoose.Connection) {
    this.jobs = bulkJobModel(conn);
    this.rows = bulkRowModel(conn);
  }

  async init(): Promise<void> {
    await this.jobs.init();
    await this.rows.init();
  }

  async insertOrGet(job: BulkJob): Promise<BulkJob> {
    const { id, rows, ...header } = job;
    // Rows first, then the header: a job is only found once every row of it is stored, and a
    // crash in between leaves rows the next upload's insert skips (unique by job and index).
    try {
      await this.rows.collection.insertMany(
        rows.map((r, index) => ({ ...r, jobId: id, index })),
        { ordered: false }
      );
    } catch (err) {
      if (!allDuplicates(err)) throw err;
    }
    try {
      await this.jobs.collection.insertOne({ _id: id, ...header, rowCount: rows.length } as never);
    } catch (err) {
      // The same file uploaded twice at once: the first insert's job is the job.
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.get(id);
    if (!stored) throw new Error(`bulk job ${id} vanished`);
    return stored;
  }

  async get(id: string): Promise<BulkJob | null> {
    const header = (await this.jobs.collection.findOne({ _id: id } as never)) as BulkJobDoc | null;
    if (!header) return null;
    const rows = (await this.rows.collection
      .find({ jobId: id })
      .sort({ index: 1 })
      .toArray()) as unknown as BulkRowDoc[];
    const { _id, rowCount: _count, leaseOwner: _owner, leaseUntil: _until, ...rest } = header;
    return {
      id: _id,
      ...rest,
      rows: rows.map(
        ({ jobId: _j, index: _i, _id: _d, ...row }: BulkRowDoc & { _id?: unknown }) => row
      ),
    };
  }

  async claim(id: string, index: number, now: Date, staleBefore: Date): Promise<boolean> {
    const res = await this.rows.collection.updateOne(
      {
        jobId: id,
        index,
        $or: [{ state: 'pending' }, { state: 'started', startedAt: { $lte: staleBefore } }],
      },
      { $set: { state: 'started', startedAt: now } }
    );
    return res.modifiedCount === 1;
  }

  async settle(id: string, index: number, outcome: Partial<BulkJobRow>): Promise<void> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outcome)) if (v !== undefined) set[k] = v;
    await this.rows.collection.updateOne({ jobId: id, index, state: 'started' }, { $set: set });
  }

  async setRunning(id: string): Promise<void> {
    await this.jobs.collection.updateOne({ _id: id } as never, { $set: { state: 'running' } });
  }

  async lease(
    owner: string,
    now: Date,
    until: Date,
    skip: readonly string[]
  ): Promise<string | null> {
    const doc = await this.jobs
      .findOneAndUpdate(
        {
          _id: { $nin: [...skip] },
          state: 'running',
          $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lte: now } }],
        },
        { $set: { leaseOwner: owner, leaseUntil: until } },
        { sort: { createdAt: 1 }, returnDocument: 'after', projection: { _id: 1 } }
      )
      .lean<{ _id: string }>();
    return doc?._id ?? null;
  }

  async renew(id: string, owner: string, until: Date): Promise<boolean> {
    const res = await this.jobs.collection.updateOne({ _id: id, leaseOwner: owner } as never, {
      $set: { leaseUntil: until },
    });
    return res.matchedCount === 1;
  }

  async finish(id: string, owner: string): Promise<void> {
    await this.jobs.collection.updateOne({ _id: id, leaseOwner: owner } as never, {
      $set: { state: 'done' },
      $unset: { leaseOwner: 1, leaseUntil: 1 },
    });
  }
}

/** An unordered insertMany's error where every failure was a row already there. */
function allDuplicates(err: unknown): boolean {
  // The driver gives one error as itself, several as an array.
  const found = (err as { writeErrors?: unknown } | null)?.writeErrors;
  const errors = (Array.isArray(found) ? found : found ? [found] : []) as { code?: number }[];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}
