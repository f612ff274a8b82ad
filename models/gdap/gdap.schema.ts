import mongoose, { Schema, type Model, type Types } from 'mongoose';

/** A product relationship's GDAP relationship in Graph (collection `gdapLinks`). */
export interface GdapLinkDoc {
  _id: Types.ObjectId;
  kind?: 'providerReseller' | 'resellerCustomer';
  relationshipId: string;
  partnerRef: string;
  partnerTenantId: string;
  customerRef?: string;
  customerTenantId: string;
  customerName?: string;
  customerAdmin?: { tenantId: string; aadObjectId: string };
  displayName: string;
  roles: string[];
  durationDays: number;
  autoExtend: boolean;
  wanted: 'active' | 'terminated';
  graphId?: string;
  status?: string;
  endDateTime?: Date;
  refusal?: string;
  noticeOwedAt?: Date;
  syncedAt?: Date;
}

/** A partner's connection to Graph (collection `graphConnections`), one per partner. */
export interface GraphConnectionDoc {
  _id: Types.ObjectId;
  partnerRef: string;
  tenantId: string;
  connectedAt: Date;
  connectedBy: string;
}

/** A consent link's state, by its keyed hash only (collection `graphConsentStates`). */
export interface ConsentStateDoc {
  _id: Types.ObjectId;
  stateHash: string;
  partnerRef: string;
  tenantId: string;
  aadObjectId: string;
  expiresAt: Date;
}

const linkSchema = new Schema<GdapLinkDoc>(
  {
    kind: { type: String, enum: ['providerReseller', 'resellerCustomer'] },
    relationshipId: { type: String, required: true },
    partnerRef: { type: String, required: true },
    partnerTenantId: { type: String, required: true },
    customerRef: String,
    customerTenantId: { type: String, required: true },
    customerName: { type: String, maxlength: 200 },
    customerAdmin: {
      type: new Schema({ tenantId: String, aadObjectId: String }, { _id: false }),
    },
    displayName: { type: String, required: true, maxlength: 50 },
    roles: { type: [String], required: true },
    durationDays: { type: Number, required: true },
    autoExtend: { type: Boolean, required: true },
    wanted: { type: String, required: true, enum: ['active', 'terminated'] },
    graphId: String,
    status: String,
    endDateTime: Date,
    refusal: String,
    noticeOwedAt: Date,
    syncedAt: Date,
  },
  { collection: 'gdapLinks', versionKey: false }
);
// One GDAP relationship per product relationship: two concurrent wants insert once.
linkSchema.index({ relationshipId: 1 }, { unique: true });
linkSchema.index({ noticeOwedAt: 1 }, { sparse: true });
linkSchema.index({ status: 1, syncedAt: 1 });

const connectionSchema = new Schema<GraphConnectionDoc>(
  {
    partnerRef: { type: String, required: true },
    tenantId: { type: String, required: true },
    connectedAt: { type: Date, required: true },
    connectedBy: { type: String, required: true },
  },
  { collection: 'graphConnections', versionKey: false }
);
connectionSchema.index({ partnerRef: 1 }, { unique: true });

const stateSchema = new Schema<ConsentStateDoc>(
  {
    stateHash: { type: String, required: true },
    partnerRef: { type: String, required: true },
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'graphConsentStates', versionKey: false }
);
stateSchema.index({ stateHash: 1 }, { unique: true });

const model = <T>(conn: mongoose.Connection, name: string, schema: Schema<T>): Model<T> =>
  (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema);

export const gdapLinkModel = (conn: mongoose.Connection) =>
  model<GdapLinkDoc>(conn, 'GdapLink', linkSchema);
export const graphConnectionModel = (conn: mongoose.Connection) =>
  model<GraphConnectionDoc>(conn, 'GraphConnection', connectionSchema);
export const consentStateModel = (conn: mongoose.Connection) =>
  model<ConsentStateDoc>(conn, 'GraphConsentState', stateSchema);
