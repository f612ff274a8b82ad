import mongoose, { Schema, type Model } from 'mongoose';
import type { ConversationType } from '../../domain/notifications/conversation-reference-repository.port.js';

/** A saved conversation reference: one per Teams conversation. */
export interface ConversationReferenceDoc {
  tenantId: string;
  aadObjectId?: string;
  conversationId: string;
  conversationType: ConversationType;
  serviceUrl: string;
  botId: string;
  /** Stored as JSON text: botbuilder references may carry keys MongoDB refuses (`$`, dots). */
  reference: string;
  gone: boolean;
  updatedAt: Date;
}

const conversationReferenceSchema = new Schema<ConversationReferenceDoc>(
  {
    tenantId: { type: String, required: true },
    aadObjectId: String,
    conversationId: { type: String, required: true },
    conversationType: { type: String, enum: ['personal', 'groupChat', 'channel'], required: true },
    serviceUrl: { type: String, required: true },
    botId: { type: String, required: true },
    reference: { type: String, required: true },
    gone: { type: Boolean, required: true, default: false },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'conversationreferences' }
);
conversationReferenceSchema.index({ conversationId: 1 }, { unique: true });
conversationReferenceSchema.index({ tenantId: 1, aadObjectId: 1, conversationType: 1 });

/** The ConversationReference model on a given connection. */
export function conversationReferenceModel(
  conn: mongoose.Connection
): Model<ConversationReferenceDoc> {
  return (
    (conn.models.ConversationReference as Model<ConversationReferenceDoc> | undefined) ??
    conn.model<ConversationReferenceDoc>('ConversationReference', conversationReferenceSchema)
  );
}
