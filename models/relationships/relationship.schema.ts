import mongoose, { Schema, type Model, type Types } from 'mongoose';
import { ADMIN_ROLES, RELATIONSHIP_STATES } from '../../domain/relationships/relationship.js';

interface PersonDoc {
  tenantId: string;
  aadObjectId: string;
  name?: string;
}

export interface RelationshipEventDoc {
  at: Date;
  by: PersonDoc | 'system';
  from: string | null;
  to: string;
  roles: string[];
  note?: string;
  fromExpiresAt?: Date;
  toExpiresAt?: Date;
  autoExtend?: boolean;
  reason?: string;
}

interface GrantDoc {
  roles: string[];
  durationDays: number;
  autoExtend: boolean;
}

/** The provider's change waiting for the reseller's consent. */
export interface PendingChangeDoc {
  grant: GrantDoc;
  expiresAt: Date;
  fromExpiresAt: Date;
  by: PersonDoc;
  at: Date;
}

/** A provider-reseller relationship document (collection `relationships`). */
export interface RelationshipDoc {
  _id: Types.ObjectId;
  providerRef: string;
  resellerRef: string;
  state: string;
  /** Present (true) only while pending or active: the unique partial index keys on it. */
  open?: true;
  initiatedBy: string;
  grant: GrantDoc;
  requestedAt: Date;
  expiresAt: Date;
  activeSince?: Date;
  history: RelationshipEventDoc[];
  noticeOwedAt?: Date;
  /** Reminder thresholds (30, 7, 1 days) already claimed for the current expiry. */
  remindedDays: number[];
  pendingChange?: PendingChangeDoc;
  lastResentAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const grantSchema = new Schema(
  {
    roles: { type: [{ type: String, enum: [...ADMIN_ROLES] }], required: true },
    durationDays: { type: Number, required: true },
    autoExtend: { type: Boolean, required: true },
  },
  { _id: false }
);

const eventSchema = new Schema<RelationshipEventDoc>(
  {
    at: { type: Date, required: true },
    // Mixed: a person, or the string 'system' (the sweep).
    by: { type: Schema.Types.Mixed, required: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    roles: { type: [String], default: [] },
    note: String,
    fromExpiresAt: Date,
    toExpiresAt: Date,
    autoExtend: Boolean,
    reason: String,
  },
  { _id: false }
);

const pendingChangeSchema = new Schema<PendingChangeDoc>(
  {
    grant: { type: grantSchema, required: true },
    expiresAt: { type: Date, required: true },
    fromExpiresAt: { type: Date, required: true },
    by: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { _id: false }
);

const relationshipSchema = new Schema<RelationshipDoc>(
  {
    providerRef: { type: String, required: true },
    resellerRef: { type: String, required: true },
    state: { type: String, required: true, enum: [...RELATIONSHIP_STATES] },
    open: { type: Boolean },
    initiatedBy: { type: String, required: true, enum: ['reseller', 'provider'] },
    grant: { type: grantSchema, required: true },
    requestedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    activeSince: Date,
    history: { type: [eventSchema], default: [] },
    noticeOwedAt: Date,
    remindedDays: { type: [Number], default: [] },
    pendingChange: { type: pendingChangeSchema },
    lastResentAt: Date,
  },
  { collection: 'relationships', timestamps: true }
);
// At most one pending or active relationship per pair: the database, not a prior read, says so.
relationshipSchema.index(
  { providerRef: 1, resellerRef: 1 },
  { unique: true, partialFilterExpression: { open: true }, name: 'one_open_per_pair' }
);
// The two pages (Indirect resellers / providers), newest first, and their Expiring soon filter.
relationshipSchema.index({ providerRef: 1, requestedAt: -1 });
// The lists' default order: active first, then pending, then closed, newest first in each.
relationshipSchema.index({ providerRef: 1, open: -1, state: 1, requestedAt: -1 });
relationshipSchema.index({ resellerRef: 1, open: -1, state: 1, requestedAt: -1 });
relationshipSchema.index({ resellerRef: 1, requestedAt: -1 });
relationshipSchema.index({ providerRef: 1, open: 1, expiresAt: 1 });
relationshipSchema.index({ resellerRef: 1, open: 1, expiresAt: 1 });
// The sweep: open ones by expiry (pending lapse, access end, reminders).
relationshipSchema.index({ open: 1, expiresAt: 1 });
relationshipSchema.index({ noticeOwedAt: 1 }, { sparse: true });

/** The Relationship model on a given connection (models are per connection, never global). */
export function relationshipModel(conn: mongoose.Connection): Model<RelationshipDoc> {
  return (
    (conn.models.Relationship as Model<RelationshipDoc> | undefined) ??
    conn.model<RelationshipDoc>('Relationship', relationshipSchema)
  );
}
