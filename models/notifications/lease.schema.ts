import { Schema, type Connection, type Model } from 'mongoose';

/** One lease per job name (`_id`): who holds it and until when. */
export interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'leases', versionKey: false }
);

export function leaseModel(conn: Connection): Model<LeaseDoc> {
  const existing = conn.models.Lease as Model<LeaseDoc> | undefined;
  return existing ?? conn.model<LeaseDoc>('Lease', leaseSchema);
}
