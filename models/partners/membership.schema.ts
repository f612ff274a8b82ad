import mongoose, { Schema, type Model } from 'mongoose';
import { ROLES } from '../../domain/partners/roles.js';

/** A partner's roster: every member's roles in one document, versioned for conditional writes. */
export interface MembershipDoc {
  partnerRef: string;
  tenantId: string;
  members: {
    aadObjectId: string;
    roles: string[];
    name?: string;
    updatedAt: Date;
    updatedBy: string;
  }[];
  version: number;
}

const memberSchema = new Schema(
  {
    aadObjectId: { type: String, required: true },
    roles: { type: [{ type: String, enum: [...ROLES] }], default: [] },
    name: String,
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { _id: false }
);

const membershipSchema = new Schema<MembershipDoc>(
  {
    partnerRef: { type: String, required: true },
    tenantId: { type: String, required: true },
    members: { type: [memberSchema], default: [] },
    version: { type: Number, required: true },
  },
  { collection: 'memberships' }
);
membershipSchema.index({ partnerRef: 1 }, { unique: true });
membershipSchema.index({ tenantId: 1 }, { unique: true });

/** The Membership model on a given connection. */
export function membershipModel(conn: mongoose.Connection): Model<MembershipDoc> {
  return (
    (conn.models.Membership as Model<MembershipDoc> | undefined) ??
    conn.model<MembershipDoc>('Membership', membershipSchema)
  );
}
