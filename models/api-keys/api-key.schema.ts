import mongoose, { Schema, type Model } from 'mongoose';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../domain/api-keys/api-key.js';

interface PersonDoc {
  aadObjectId: string;
  name?: string;
}

/** A partner's API key: the keyed hash of its secret (the secret itself is never stored). */
export interface ApiKeyDoc {
  _id: mongoose.Types.ObjectId;
  secretHash: string;
  partnerRef: string;
  tenantId: string;
  name: string;
  scope: ApiKeyScope;
  createdAt: Date;
  createdBy: PersonDoc;
  lastUsedAt?: Date;
  revokedAt?: Date;
  revokedBy?: PersonDoc;
}

const person = new Schema<PersonDoc>({ aadObjectId: String, name: String }, { _id: false });

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    secretHash: { type: String, required: true },
    partnerRef: { type: String, required: true },
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    scope: { type: String, enum: API_KEY_SCOPES, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: person, required: true },
    lastUsedAt: Date,
    revokedAt: Date,
    revokedBy: person,
  },
  { collection: 'api_keys' }
);
// Every call with a key finds it by this hash: unique, so a lookup is exact, never a scan.
apiKeySchema.index({ secretHash: 1 }, { unique: true });
apiKeySchema.index({ partnerRef: 1, createdAt: -1 });

export function apiKeyModel(conn: mongoose.Connection): Model<ApiKeyDoc> {
  return (
    (conn.models.ApiKey as Model<ApiKeyDoc> | undefined) ??
    conn.model<ApiKeyDoc>('ApiKey', apiKeySchema)
  );
}
