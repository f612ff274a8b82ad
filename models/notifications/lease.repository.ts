import type { Connection, Model } from 'mongoose';
import type { LeaderLease } from '../../notifications/leader-lease.port.js';
import { isDuplicateKey } from '../duplicate-key.js';
import { leaseModel, type LeaseDoc } from './lease.schema.js';

/**
 * A leader lease as one document in `leases`, taken with a single conditional upsert: it matches
 * only when the caller holds the lease or it has expired; otherwise the upsert collides with the
 * holder's `_id` (E11000) and the caller is told no. No transaction, so any MongoDB will do.
 */
export class MongoLeaderLease implements LeaderLease {
  private readonly model: Model<LeaseDoc>;

  constructor(
    conn: Connection,
    private readonly name: string
  ) {
    this.model = leaseModel(conn);
  }

  async acquire(owner: string, now: Date, ttlMs: number): Promise<boolean> {
    try {
      const doc = await this.model
        .findOneAndUpdate(
          { _id: this.name, $or: [{ owner }, { expiresAt: { $lte: now } }] },
          { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs) } },
          { upsert: true, returnDocument: 'after' }
        )
        .lean<LeaseDoc>();
      return doc?.owner === owner;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async release(owner: string): Promise<void> {
    await this.model.deleteOne({ _id: this.name, owner });
  }
}
