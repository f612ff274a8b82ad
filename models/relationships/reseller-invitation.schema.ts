import mongoose, { Schema, type Model, type Types } from 'mongoose';

interface PersonDoc {
  tenantId: string;
  aadObjectId: string;
  name?: string;
}

/** A provider's invitation to a reseller (collection `resellerInvitations`); secrets only hashed. */
export interface ResellerInvitationDoc {
  _id: Types.ObjectId;
  providerRef: string;
  email: string;
  partnerId?: string;
  resellerRef?: string;
  grant: { roles: string[]; durationDays: number; autoExtend: boolean };
  createdBy: PersonDoc;
  createdAt: Date;
  expiresAt: Date;
  state: 'pending' | 'accepted' | 'revoked';
  tokenHash: string;
  codeHash: string;
  acceptedBy?: { resellerRef: string; person: PersonDoc };
  acceptedAt?: Date;
  relationshipRef?: string;
  resentAt?: Date;
}

const personSchema = new Schema<PersonDoc>(
  { tenantId: String, aadObjectId: String, name: String },
  { _id: false }
);

const schema = new Schema<ResellerInvitationDoc>(
  {
    providerRef: { type: String, required: true },
    email: { type: String, required: true, maxlength: 254 },
    partnerId: { type: String, maxlength: 10 },
    resellerRef: String,
    grant: {
      roles: { type: [String], required: true },
      durationDays: { type: Number, required: true },
      autoExtend: { type: Boolean, required: true },
    },
    createdBy: { type: personSchema, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    state: { type: String, required: true, enum: ['pending', 'accepted', 'revoked'] },
    tokenHash: { type: String, required: true },
    codeHash: { type: String, required: true },
    acceptedBy: {
      type: new Schema({ resellerRef: String, person: personSchema }, { _id: false }),
    },
    acceptedAt: Date,
    relationshipRef: String,
    resentAt: Date,
  },
  { collection: 'resellerInvitations', versionKey: false }
);
// A link or a code is found by its hash alone; two equal hashes would open each other's.
schema.index({ tokenHash: 1 }, { unique: true });
schema.index({ codeHash: 1 }, { unique: true });
schema.index({ providerRef: 1, createdAt: -1 });

export function resellerInvitationModel(conn: mongoose.Connection): Model<ResellerInvitationDoc> {
  return (
    (conn.models.ResellerInvitation as Model<ResellerInvitationDoc> | undefined) ??
    conn.model<ResellerInvitationDoc>('ResellerInvitation', schema)
  );
}
