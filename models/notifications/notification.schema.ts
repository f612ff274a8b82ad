import mongoose, { Schema, type Model, type Types } from 'mongoose';

/** An outbox document: one notification (or card update) for one recipient. */
export interface NotificationDoc {
  _id: Types.ObjectId;
  key: string;
  kind: 'message' | 'update' | 'mail';
  recipientKey: string;
  to: { tenantId?: string; aadObjectId: string };
  language: string;
  /** Card and values are JSON text: Adaptive Cards carry `$schema`/`$data` keys MongoDB may refuse. */
  text?: string;
  card?: string;
  subject?: { type: string; id: string };
  mailFallback?: { templateKey: string; values: string };
  originalId?: Types.ObjectId;
  state: string;
  dueAt: Date;
  attempts: number;
  owner?: string;
  leaseUntil?: Date;
  /** When the current lease was taken: a send in flight since then counts against the pacing. */
  claimedAt?: Date;
  heldReason?: string;
  lastError?: string;
  activityId?: string;
  conversationId?: string;
  reference?: string;
  sentAt?: Date;
  deadAt?: Date;
  mail?: string;
  /** When a sweep last took the pending fallback mail (one sender at a time). */
  mailClaimedAt?: Date;
  /** A mail item's address and template (its values are in `sealed`). */
  letter?: { to: string; templateKey: string };
  /** The secret part, encrypted (notifications/sealed-box.ts); unset once finished. */
  sealed?: string;
  createdAt: Date;
  updatedAt: Date;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    key: { type: String, required: true },
    kind: { type: String, enum: ['message', 'update', 'mail'], required: true },
    recipientKey: { type: String, required: true },
    to: {
      tenantId: String,
      aadObjectId: { type: String, required: true },
    },
    language: { type: String, required: true },
    text: String,
    card: String,
    subject: { type: { type: String }, id: String },
    mailFallback: { templateKey: String, values: String },
    originalId: Schema.Types.ObjectId,
    state: { type: String, required: true },
    dueAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    owner: String,
    leaseUntil: Date,
    claimedAt: Date,
    heldReason: String,
    lastError: String,
    activityId: String,
    conversationId: String,
    reference: String,
    sentAt: Date,
    deadAt: Date,
    mail: String,
    mailClaimedAt: Date,
    letter: { to: String, templateKey: String },
    sealed: String,
  },
  { collection: 'notifications', timestamps: true }
);
// The idempotency guarantee: a retried notify() hits this index instead of enqueuing twice.
notificationSchema.index({ key: 1, recipientKey: 1 }, { unique: true });
notificationSchema.index({ state: 1, dueAt: 1 });
notificationSchema.index({ 'subject.type': 1, 'subject.id': 1 });
// A claim takes one recipient's first due item in enqueue order; when the recipient has none
// due yet, its next due time; `release` finds a user's held ones.
notificationSchema.index({ 'to.aadObjectId': 1, state: 1, _id: 1 });
notificationSchema.index({ 'to.aadObjectId': 1, state: 1, dueAt: 1 });
notificationSchema.index({ originalId: 1, state: 1 });
// What a process taking over delivery reads to keep counting the last hour's sends.
notificationSchema.index({ sentAt: 1 }, { sparse: true });

/** The Notification (outbox) model on a given connection. */
export function notificationModel(conn: mongoose.Connection): Model<NotificationDoc> {
  return (
    (conn.models.Notification as Model<NotificationDoc> | undefined) ??
    conn.model<NotificationDoc>('Notification', notificationSchema)
  );
}
