import mongoose, { Schema, type Model } from 'mongoose';
import type { BulkJob } from '../../domain/invitations/bulk-job.js';

/** A bulk invitation job as stored: its id is the hash of partner and file (one job a file). */
export type BulkJobDoc = Omit<BulkJob, 'id'> & { _id: string };

const bulkJobSchema = new Schema<BulkJobDoc>(
  {
    _id: { type: String, required: true },
    partnerRef: { type: String, required: true },
    kind: { type: String, enum: ['customer', 'reseller'], required: true },
    createdBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    language: { type: String, enum: ['en', 'ru'], required: true },
    // Rows change one at a time by index with a conditional update on their state.
    rows: { type: [Schema.Types.Mixed], required: true },
  },
  { collection: 'bulk_invitation_jobs', minimize: false }
);
bulkJobSchema.index({ partnerRef: 1, createdAt: -1 });

export function bulkJobModel(conn: mongoose.Connection): Model<BulkJobDoc> {
  return (
    (conn.models.BulkInvitationJob as Model<BulkJobDoc> | undefined) ??
    conn.model<BulkJobDoc>('BulkInvitationJob', bulkJobSchema)
  );
}
