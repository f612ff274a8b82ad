import mongoose, { Schema, type Model } from 'mongoose';

/**
 * One recipient with items in the outbox and the earliest time one of them may be sent: the
 * claim reads these (index on `nextAt`) instead of the items, so a chat with a thousand items
 * waiting for its pacing costs a claim nothing until its next opening.
 */
export interface NotificationRecipientDoc {
  /** The recipient's AAD object id (the pacer's conversation key). */
  _id: string;
  tenantId?: string;
  /**
   * No item of this recipient is sent before it: at most the earliest `dueAt` of its due items
   * (a lower bound: a claim that finds nothing recomputes it), or the pacer's next opening.
   */
  nextAt: Date;
  /** Bumped by every write that makes an item due: a recompute that raced one does not apply. */
  v: number;
}

const recipientSchema = new Schema<NotificationRecipientDoc>(
  {
    _id: { type: String, required: true },
    tenantId: String,
    nextAt: { type: Date, required: true },
    v: { type: Number, required: true, default: 0 },
  },
  { collection: 'notification_recipients', versionKey: false }
);
recipientSchema.index({ nextAt: 1 });

/** The NotificationRecipient model (the outbox's per-recipient readiness) on a connection. */
export function notificationRecipientModel(
  conn: mongoose.Connection
): Model<NotificationRecipientDoc> {
  return (
    (conn.models.NotificationRecipient as Model<NotificationRecipientDoc> | undefined) ??
    conn.model<NotificationRecipientDoc>('NotificationRecipient', recipientSchema)
  );
}
