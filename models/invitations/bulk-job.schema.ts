import mongoose, { Schema, type Model } from 'mongoose';
import type { BulkJob, BulkJobRow } from '../../domain/invitations/bulk-job.js';

/** A bulk invitation job's header: its id is the hash of partner and file (one job a file). */
export type BulkJobDoc = Omit<BulkJob, 'id' | 'rows'> & {
  _id: string;
  rowCount: number;
  /** The driver's lease: one process drives a running job, another takes it once it runs out. */
  leaseOwner?: string;
  leaseUntil?: Date;
};

/** One row of a job, its own document: a row's update never rewrites the whole file. */
export type BulkRowDoc = BulkJobRow & { jobId: string; index: number };

const bulkJobSchema = new Schema<BulkJobDoc>(
  {
    _id: { type: String, required: true },
    partnerRef: { type: String, required: true },
    kind: { type: String, enum: ['customer', 'reseller'], required: true },
    createdBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    language: { type: String, enum: ['en', 'ru'], required: true },
    rowCount: { type: Number, required: true },
    state: { type: String, enum: ['running', 'done'] },
    leaseOwner: String,
    leaseUntil: Date,
  },
  { collection: 'bulk_invitation_jobs' }
);
bulkJobSchema.index({ partnerRef: 1, createdAt: -1 });
// The background sweep: running jobs whose lease is free or ran out.
bulkJobSchema.index({ state: 1, leaseUntil: 1 });

const bulkRowSchema = new Schema<BulkRowDoc>(
  {
    jobId: { type: String, required: true },
    index: { type: Number, required: true },
    row: { type: Number, required: true },
    fields: { type: Schema.Types.Mixed, required: true },
    state: { type: String, required: true },
    reason: String,
    values: Schema.Types.Mixed,
    startedAt: Date,
    invitationRef: String,
    sealed: String,
    mailed: String,
  },
  { collection: 'bulk_invitation_rows', minimize: false }
);
// A row is claimed and settled by job and index; two uploads at once insert each row once.
bulkRowSchema.index({ jobId: 1, index: 1 }, { unique: true });

export function bulkJobModel(conn: mongoose.Connection): Model<BulkJobDoc> {
  return (
    (conn.models.BulkInvitationJob as Model<BulkJobDoc> | undefined) ??
    conn.model<BulkJobDoc>('BulkInvitationJob', bulkJobSchema)
  );
}

export function bulkRowModel(conn: mongoose.Connection): Model<BulkRowDoc> {
  return (
    (conn.models.BulkInvitationRow as Model<BulkRowDoc> | undefined) ??
    conn.model<BulkRowDoc>('BulkInvitationRow', bulkRowSchema)
  );
}
