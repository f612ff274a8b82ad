import type { UserRef } from '../partners/actor.js';

export type ConversationType = 'personal' | 'groupChat' | 'channel';

/** Where the bot can reach someone proactively (one per conversation). */
export interface StoredConversationReference {
  readonly tenantId: string;
  /** The user of a personal chat; unset for group chats and channels. */
  readonly aadObjectId?: string;
  readonly conversationId: string;
  readonly conversationType: ConversationType;
  readonly serviceUrl: string;
  readonly botId: string;
  /** botbuilder ConversationReference JSON, as `TurnContext.getConversationReference` gave it. */
  readonly reference: Record<string, unknown>;
  /** True once the app was uninstalled from that conversation. */
  readonly gone: boolean;
  readonly updatedAt: Date;
}

/** Conversation references saved on every turn and on install, for proactive messages. */
export interface ConversationReferenceRepository {
  /** Upserts by conversationId; saving a reference also clears `gone`. */
  save(ref: StoredConversationReference): Promise<void>;
  /** The user's personal chat with the bot, unless it is gone. */
  findPersonal(user: UserRef): Promise<StoredConversationReference | null>;
  markGone(conversationId: string): Promise<void>;
}
