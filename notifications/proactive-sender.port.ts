import type { NotificationContent } from '../domain/notifications/notification.js';

/** Where a message landed: the activity id (for later updates) and the conversation. */
export interface Delivered {
  readonly activityId: string;
  readonly conversationId: string;
  readonly reference: Record<string, unknown>;
}

/** Sends proactive messages; errors are thrown as they came from the Bot Connector. */
export interface ProactiveSender {
  send(reference: Record<string, unknown>, content: NotificationContent): Promise<Delivered>;
  /** Creates the user's 1:1 chat (they must have the app) and sends the first message. */
  sendToNewChat(
    target: { serviceUrl: string; tenantId: string; aadObjectId: string },
    content: NotificationContent
  ): Promise<Delivered>;
  update(
    reference: Record<string, unknown>,
    activityId: string,
    content: NotificationContent
  ): Promise<void>;
}
