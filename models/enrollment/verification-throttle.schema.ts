import mongoose, { Schema, type Model } from 'mongoose';

/** One person's verification throttle for one subject (collection `verificationThrottles`). */
export interface VerificationThrottleDoc {
  subjectId: string;
  personKey: string;
  attempts: number;
  sentAt?: Date;
  sendsInWindow: number;
  windowStartedAt?: Date;
}

const throttleSchema = new Schema<VerificationThrottleDoc>(
  {
    subjectId: { type: String, required: true },
    personKey: { type: String, required: true },
    attempts: { type: Number, required: true, default: 0 },
    sentAt: Date,
    sendsInWindow: { type: Number, required: true, default: 0 },
    windowStartedAt: Date,
  },
  { collection: 'verificationThrottles' }
);
throttleSchema.index({ subjectId: 1, personKey: 1 }, { unique: true });

/** The throttle model on a given connection. */
export function verificationThrottleModel(
  conn: mongoose.Connection
): Model<VerificationThrottleDoc> {
  return (
    (conn.models.VerificationThrottle as Model<VerificationThrottleDoc> | undefined) ??
    conn.model<VerificationThrottleDoc>('VerificationThrottle', throttleSchema)
  );
}
