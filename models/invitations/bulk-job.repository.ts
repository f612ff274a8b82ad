import type mongoose from 'mongoose';
import type { Model } from 'mongoose';
import type { BulkJob, BulkJobRepository, BulkJobRow } from '../../domain/invitations/bulk-job.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { bulkJobModel, type BulkJobDoc } from './bulk-job.schema.js';

/** BulkJobRepository on MongoDB (collection `bulk_invitation_jobs`). */
export class MongoBulkJobRepository implements BulkJobRepository {
  private readonly model: Model<BulkJobDoc>;

  constructor(conn: mongoose.Connection) {
    this.model = bulkJobModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async insertOrGet(job: BulkJob): Promise<BulkJob> {
    const { id, ...rest } = job;
    try {
      await this.model.collection.insertOne({ _id: id, ...rest } as never);
    } catch (err) {
      // The same file uploaded twice at once: the first insert's job is the job.
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.get(id);
    if (!stored) throw new Error(`bulk job ${id} vanished`);
    return stored;
  }

  async get(id: string): Promise<BulkJob | null> {
    const doc = await this.model.collection.findOne({ _id: id } as never);
    return doc ? toJob(doc as unknown as BulkJobDoc) : null;
  }

  async claim(id: string, index: number, now: Date, staleBefore: Date): Promise<boolean> {
    const at = `rows.${index}`;
    const res = await this.model.collection.updateOne(
      {
        _id: id,
        $or: [
          { [`${at}.state`]: 'pending' },
          { [`${at}.state`]: 'started', [`${at}.startedAt`]: { $lte: staleBefore } },
        ],
      } as never,
      { $set: { [`${at}.state`]: 'started', [`${at}.startedAt`]: now } }
    );
    return res.modifiedCount === 1;
  }

  async settle(id: string, index: number, outcome: Partial<BulkJobRow>): Promise<void> {
    const at = `rows.${index}`;
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outcome)) if (v !== undefined) set[`${at}.${k}`] = v;
    await this.model.collection.updateOne({ _id: id, [`${at}.state`]: 'started' } as never, {
      $set: set,
    });
  }
}

function toJob(doc: BulkJobDoc): BulkJob {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
