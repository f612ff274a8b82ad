import mongoose, { Schema, type Model, type Types } from 'mongoose';

interface PersonDoc {
  tenantId: string;
  aadObjectId: string;
  name?: string;
}

/** A customer organization (collection `customers`), one per tenant. */
export interface CustomerDoc {
  _id: Types.ObjectId;
  tenantId: string;
  companyName: string;
  admins: PersonDoc[];
  domain?: string;
  adminEmail?: string;
  createdAt: Date;
}

const person = new Schema<PersonDoc>(
  {
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    name: String,
  },
  { _id: false }
);

const customerSchema = new Schema<CustomerDoc>(
  {
    tenantId: { type: String, required: true },
    companyName: { type: String, required: true },
    admins: { type: [person], default: [] },
    domain: String,
    adminEmail: String,
    createdAt: { type: Date, required: true },
  },
  { collection: 'customers' }
);
// One customer per tenant, however many resellers invite it.
customerSchema.index({ tenantId: 1 }, { unique: true });

export function customerModel(conn: mongoose.Connection): Model<CustomerDoc> {
  return (
    (conn.models.Customer as Model<CustomerDoc> | undefined) ??
    conn.model<CustomerDoc>('Customer', customerSchema)
  );
}

/** A customer's link to a reseller and, optionally, its provider (collection `customerLinks`). */
export interface CustomerLinkDoc {
  _id: Types.ObjectId;
  customerRef: string;
  resellerRef: string;
  providerRef?: string;
  relationshipRef?: string;
  invitationRef: string;
  since: Date;
  endedAt?: Date;
  endedBy?: { tenantId: string; aadObjectId: string; name?: string };
  noticeOwedAt?: Date;
}

const linkSchema = new Schema<CustomerLinkDoc>(
  {
    customerRef: { type: String, required: true },
    resellerRef: { type: String, required: true },
    providerRef: String,
    relationshipRef: String,
    invitationRef: { type: String, required: true },
    since: { type: Date, required: true },
    endedAt: Date,
    endedBy: {
      type: new Schema({ tenantId: String, aadObjectId: String, name: String }, { _id: false }),
    },
    noticeOwedAt: Date,
  },
  { collection: 'customerLinks' }
);
// One link per accepted invitation: settling it again (the owed-notice sweep) adds nothing.
linkSchema.index({ invitationRef: 1 }, { unique: true });
linkSchema.index({ resellerRef: 1, since: -1 });
linkSchema.index({ providerRef: 1, since: -1 }, { sparse: true });
// A provider's `customers` page: grouped by reseller, newest first within each.
linkSchema.index({ providerRef: 1, resellerRef: 1, since: -1 }, { sparse: true });
linkSchema.index({ customerRef: 1, since: -1 });
// The owed-notice sweep's scan: only ended links not yet told carry the stamp.
linkSchema.index({ noticeOwedAt: 1 }, { sparse: true });

export function customerLinkModel(conn: mongoose.Connection): Model<CustomerLinkDoc> {
  return (
    (conn.models.CustomerLink as Model<CustomerLinkDoc> | undefined) ??
    conn.model<CustomerLinkDoc>('CustomerLink', linkSchema)
  );
}
