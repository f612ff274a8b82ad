import mongoose, { Schema, type Model } from 'mongoose';

/** A draft document: one per (tenantId, aadObjectId). */
export interface EnrollmentDraftDoc {
  tenantId: string;
  aadObjectId: string;
  answers: Record<string, unknown>;
  step: string;
  editing?: boolean;
  resubmitOf?: string;
  updatedAt: Date;
}

const draftSchema = new Schema<EnrollmentDraftDoc>(
  {
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    // Validated per section by the domain before it is stored; kept as one object.
    answers: { type: Schema.Types.Mixed, default: {} },
    step: { type: String, required: true },
    editing: Boolean,
    resubmitOf: String,
    updatedAt: { type: Date, required: true },
  },
  { collection: 'enrollmentDrafts', minimize: false }
);
draftSchema.index({ tenantId: 1, aadObjectId: 1 }, { unique: true });

/** The EnrollmentDraft model on a given connection. */
export function enrollmentDraftModel(conn: mongoose.Connection): Model<EnrollmentDraftDoc> {
  return (
    (conn.models.EnrollmentDraft as Model<EnrollmentDraftDoc> | undefined) ??
    conn.model<EnrollmentDraftDoc>('EnrollmentDraft', draftSchema)
  );
}
