import type { UserRef } from '../domain/partners/actor.js';
import type { StoredConversationReference } from '../domain/notifications/conversation-reference-repository.port.js';
import type { KnownUser } from '../domain/partners/user-repository.port.js';
import type { Language } from '../i18n/i18n.js';

/** What delivery needs to know about people and conversations (read from the bot's stores). */
export interface DeliveryDirectory {
  /** The user's personal chat with the bot, unless gone. */
  personalReference(user: UserRef): Promise<StoredConversationReference | null>;
  /** A service URL the bot has seen for the tenant: enough to create a 1:1 chat. */
  tenantServiceUrl(tenantId: string): Promise<string | null>;
  user(user: UserRef): Promise<KnownUser | null>;
  /** The tenant of an object id (operators are configured by object id only; ids are unique across tenants). */
  tenantOf(aadObjectId: string): Promise<string | null>;
  markGone(conversationId: string): Promise<void>;
  /** The language to write to the user in: their choice, else the locale last seen, else English. */
  languageOf(user: UserRef): Promise<Language>;
}
