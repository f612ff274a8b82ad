import mongoose, { Schema, type Model } from 'mongoose';

/** The current code of one subject: hash and salt only, never the code. */
export interface VerificationDoc {
  subjectId: string;
  codeHash: string;
  salt: string;
  expiresAt: Date;
  attempts: number;
  sentAt: Date;
  sendsInWindow: number;
  windowStartedAt: Date;
  usedAt?: Date;
  previousCodes?: { codeHash: string; salt: string; expiresAt: Date; requestedBy?: string }[];
  requestedBy?: string;
}

const verificationSchema = new Schema<VerificationDoc>(
  {
    subjectId: { type: String, required: true },
    codeHash: { type: String, required: true },
    salt: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    sentAt: { type: Date, required: true },
    sendsInWindow: { type: Number, required: true },
    windowStartedAt: { type: Date, required: true },
    usedAt: Date,
    requestedBy: String,
    previousCodes: {
      type: [
        new Schema(
          {
            codeHash: { type: String, required: true },
            salt: { type: String, required: true },
            expiresAt: { type: Date, required: true },
            requestedBy: String,
          },
          { _id: false }
        ),
      ],
      default: undefined,
    },
  },
  { collection: 'emailVerifications' }
);
verificationSchema.index({ subjectId: 1 }, { unique: true });

/** The Verification model on a given connection. */
export function verificationModel(conn: mongoose.Connection): Model<VerificationDoc> {
  return (
    (conn.models.EmailVerification as Model<VerificationDoc> | undefined) ??
    conn.model<VerificationDoc>('EmailVerification', verificationSchema)
  );
}
