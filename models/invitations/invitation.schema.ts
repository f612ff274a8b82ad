import mongoose, { Schema, type Model, type Types } from 'mongoose';
import { INVITATION_KINDS, INVITATION_STATES } from '../../domain/invitations/invitation.js';

interface PersonDoc {
  tenantId: string;
  aadObjectId: string;
  name?: string;
}

/**
 * An invitation document (collection `invitations`): secrets only as keyed hashes (HMAC-SHA256;
 * plain SHA-256 in invitations made before the key).
 */
export interface InvitationDoc {
  _id: Types.ObjectId;
  kind: string;
  state: string;
  partnerRef: string;
  customer?: {
    resellerRef: string;
    relationshipRef?: string;
    providerRef?: string;
    companyName: string;
    adminEmail?: string;
    note?: string;
  };
  tokenHash: string;
  codeHash: string;
  invitedBy: PersonDoc;
  createdAt: Date;
  expiresAt: Date;
  openedBy: string[];
  decidedBy?: PersonDoc;
  decidedAt?: Date;
  decidedByEmail?: string;
  history: { at: Date; by: PersonDoc | 'system'; from: string | null; to: string; note?: string }[];
  noticeOwedAt?: Date;
  lastResentAt?: Date;
}

const person = new Schema<PersonDoc>(
  {
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    name: String,
  },
  { _id: false }
);

const invitationSchema = new Schema<InvitationDoc>(
  {
    kind: { type: String, required: true, enum: [...INVITATION_KINDS] },
    state: { type: String, required: true, enum: [...INVITATION_STATES] },
    partnerRef: { type: String, required: true },
    customer: {
      type: new Schema(
        {
          resellerRef: { type: String, required: true },
          relationshipRef: String,
          providerRef: String,
          companyName: { type: String, required: true },
          adminEmail: String,
          note: String,
        },
        { _id: false }
      ),
    },
    tokenHash: { type: String, required: true },
    codeHash: { type: String, required: true },
    invitedBy: { type: person, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    openedBy: { type: [String], default: [] },
    decidedBy: person,
    decidedAt: Date,
    decidedByEmail: String,
    history: {
      type: [
        new Schema(
          {
            at: { type: Date, required: true },
            by: { type: Schema.Types.Mixed, required: true },
            from: { type: String, default: null },
            to: { type: String, required: true },
            note: String,
          },
          { _id: false }
        ),
      ],
      default: [],
    },
    noticeOwedAt: Date,
    lastResentAt: Date,
  },
  { collection: 'invitations' }
);
// A link and a code open one invitation each: the database refuses a second holder.
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ codeHash: 1 }, { unique: true });
// The `invitations` page, newest first; the expiry sweep; the owed-notice sweep.
invitationSchema.index({ partnerRef: 1, createdAt: -1 });
// The `invitations` page filtered by state (Pending, Accepted, Closed), newest first.
invitationSchema.index({ partnerRef: 1, state: 1, createdAt: -1 });
invitationSchema.index({ state: 1, expiresAt: 1 });
invitationSchema.index({ noticeOwedAt: 1 }, { sparse: true });
// The invitations naming a provider relationship, revoked when it ends.
invitationSchema.index({ 'customer.relationshipRef': 1, state: 1 }, { sparse: true });

export function invitationModel(conn: mongoose.Connection): Model<InvitationDoc> {
  return (
    (conn.models.Invitation as Model<InvitationDoc> | undefined) ??
    conn.model<InvitationDoc>('Invitation', invitationSchema)
  );
}

/**
 * One person's invitation code tries (collection `invitationGuesses`); `personKey` is
 * `tenant:<id>` for an organization's.
 */
export interface GuessDoc {
  _id: Types.ObjectId;
  personKey: string;
  failures: number;
  windowStartedAt: Date;
  lockedUntil?: Date;
}

const guessSchema = new Schema<GuessDoc>(
  {
    personKey: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    windowStartedAt: { type: Date, required: true },
    lockedUntil: Date,
  },
  { collection: 'invitationGuesses' }
);
guessSchema.index({ personKey: 1 }, { unique: true });

export function guessModel(conn: mongoose.Connection): Model<GuessDoc> {
  return (
    (conn.models.InvitationGuess as Model<GuessDoc> | undefined) ??
    conn.model<GuessDoc>('InvitationGuess', guessSchema)
  );
}
