import type mongoose from 'mongoose';
import type { UserRef } from '../../domain/partners/actor.js';
import type { KnownUser } from '../../domain/partners/user-repository.port.js';
import { languageOf, type Language } from '../../i18n/i18n.js';
import { conversationReferenceModel } from './conversation-reference.schema.js';
import { MongoConversationReferenceRepository } from './conversation-reference.repository.js';
import { userModel } from '../partners/user.schema.js';
import { MongoUserRepository } from '../partners/user.repository.js';
import type { DeliveryDirectory } from '../../notifications/delivery-directory.port.js';

/** DeliveryDirectory over the bot's `users` and `conversationreferences` collections. */
export class MongoDeliveryDirectory implements DeliveryDirectory {
  private readonly users: MongoUserRepository;
  private readonly references: MongoConversationReferenceRepository;

  constructor(
    private readonly conn: mongoose.Connection,
    now: () => Date = () => new Date()
  ) {
    this.users = new MongoUserRepository(conn, now);
    this.references = new MongoConversationReferenceRepository(conn, now);
  }

  personalReference(user: UserRef) {
    return this.references.findPersonal(user);
  }

  async tenantServiceUrl(tenantId: string): Promise<string | null> {
    const doc = await conversationReferenceModel(this.conn)
      .findOne({ tenantId })
      .sort({ updatedAt: -1 })
      .select({ serviceUrl: 1 })
      .lean<{ serviceUrl: string }>();
    return doc?.serviceUrl ?? null;
  }

  user(user: UserRef) {
    return this.users.get(user);
  }

  async tenantOf(aadObjectId: string): Promise<string | null> {
    const ref = await conversationReferenceModel(this.conn)
      .findOne({ aadObjectId, conversationType: 'personal' })
      .sort({ updatedAt: -1 })
      .select({ tenantId: 1 })
      .lean<{ tenantId: string }>();
    if (ref) return ref.tenantId;
    const known = await userModel(this.conn)
      .findOne({ aadObjectId })
      .sort({ lastSeenAt: -1 })
      .select({ tenantId: 1 })
      .lean<{ tenantId: string }>();
    return known?.tenantId ?? null;
  }

  markGone(conversationId: string) {
    return this.references.markGone(conversationId);
  }

  async languageOf(user: UserRef): Promise<Language> {
    const known = (await this.users.get(user)) as (KnownUser & { locale?: string }) | null;
    if (known?.language) return known.language;
    if (known?.locale) return languageOf(known.locale);
    // The reference's locale is the one Teams sent on the user's last turn.
    const ref = await this.references.findPersonal(user);
    const locale = (ref?.reference as { locale?: string } | undefined)?.locale;
    return languageOf(locale);
  }
}
