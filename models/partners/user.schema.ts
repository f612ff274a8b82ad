import mongoose, { Schema, type Model } from 'mongoose';
import { LANGUAGES, type Language } from '../../i18n/i18n.js';

/** A user document: one per (tenantId, aadObjectId). */
export interface UserDoc {
  tenantId: string;
  aadObjectId: string;
  name?: string;
  email?: string;
  upn?: string;
  language?: Language;
  /** Teams client locale of the last turn. */
  locale?: string;
  /** Last turn of the user's own; unset for roster members who never talked to the bot. */
  lastSeenAt?: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    name: String,
    email: String,
    upn: String,
    language: { type: String, enum: [...LANGUAGES] },
    locale: String,
    lastSeenAt: Date,
  },
  { collection: 'users', timestamps: true }
);
userSchema.index({ tenantId: 1, aadObjectId: 1 }, { unique: true });

/** The User model on a given connection (models are per connection, never global). */
export function userModel(conn: mongoose.Connection): Model<UserDoc> {
  return (
    (conn.models.User as Model<UserDoc> | undefined) ?? conn.model<UserDoc>('User', userSchema)
  );
}
