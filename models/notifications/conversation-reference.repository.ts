import type mongoose from 'mongoose';
import type { UserRef } from '../../domain/partners/actor.js';
import type {
  ConversationReferenceRepository,
  StoredConversationReference,
} from '../../domain/notifications/conversation-reference-repository.port.js';
import {
  conversationReferenceModel,
  type ConversationReferenceDoc,
} from './conversation-reference.schema.js';

/** ConversationReferenceRepository on MongoDB (collection `conversationreferences`). */
export class MongoConversationReferenceRepository implements ConversationReferenceRepository {
  private readonly model: mongoose.Model<ConversationReferenceDoc>;

  constructor(
    conn: mongoose.Connection,
    /** The app's clock (a reference marked gone says when). */
    private readonly now: () => Date = () => new Date()
  ) {
    this.model = conversationReferenceModel(conn);
  }

  async save(ref: StoredConversationReference): Promise<void> {
    const doc: ConversationReferenceDoc = {
      tenantId: ref.tenantId,
      conversationId: ref.conversationId,
      conversationType: ref.conversationType,
      serviceUrl: ref.serviceUrl,
      botId: ref.botId,
      reference: JSON.stringify(ref.reference),
      gone: false,
      updatedAt: ref.updatedAt,
      ...(ref.aadObjectId ? { aadObjectId: ref.aadObjectId } : {}),
    };
    await this.model.updateOne(
      { conversationId: ref.conversationId },
      { $set: doc },
      { upsert: true }
    );
  }

  async findPersonal(user: UserRef): Promise<StoredConversationReference | null> {
    const doc = await this.model
      .findOne({
        tenantId: user.tenantId,
        aadObjectId: user.aadObjectId,
        conversationType: 'personal',
        gone: false,
      })
      .sort({ updatedAt: -1 })
      .lean<ConversationReferenceDoc>();
    return doc ? toStored(doc) : null;
  }

  async markGone(conversationId: string): Promise<void> {
    await this.model.updateOne({ conversationId }, { $set: { gone: true, updatedAt: this.now() } });
  }
}

function toStored(doc: ConversationReferenceDoc): StoredConversationReference {
  return {
    tenantId: doc.tenantId,
    ...(doc.aadObjectId ? { aadObjectId: doc.aadObjectId } : {}),
    conversationId: doc.conversationId,
    conversationType: doc.conversationType,
    serviceUrl: doc.serviceUrl,
    botId: doc.botId,
    reference: JSON.parse(doc.reference) as Record<string, unknown>,
    gone: doc.gone,
    updatedAt: doc.updatedAt,
  };
}
