import type { AppContext } from './bot/app-module.js';
import { invitationCodeKey } from './config/invitation-code-key.js';
import { SecretHasher } from './domain/invitations/invitation-secrets.js';
import {
  createEnrollmentModule,
  type EnrollmentModule,
} from './bot/features/enrollment/enrollment.module.js';
import {
  createNotifications,
  type Notifications,
  type NotificationsOptions,
} from './bot/features/notifications/notifications.module.js';
import {
  createRelationshipsModule,
  type RelationshipsModule,
} from './bot/features/relationships/relationships.module.js';
import {
  createInvitationsModule,
  type InvitationsModule,
} from './bot/features/invitations/invitations.module.js';
import { tabRoutes } from './web/tab.route.js';
import type { AppModule } from './bot/app-module.js';
import {
  createApiModule,
  type ApiModule,
  type ApiModuleDeps,
} from './bot/features/api/api.module.js';
import { createGdapModule, type GdapModule } from './bot/features/gdap/gdap.module.js';
import {
  createWebhooksModule,
  type WebhooksModule,
} from './bot/features/webhooks/webhooks.module.js';
import {
  createPartnersModule,
  type PartnersModule,
} from './bot/features/partners/partners.module.js';

/** The product's modules as built for one app: typed, so tests reach their services. */
export interface ProductModules {
  readonly partners: PartnersModule;
  readonly notifications: Notifications;
  readonly enrollment: EnrollmentModule;
  readonly relationships: RelationshipsModule;
  readonly invitations: InvitationsModule;
  /** The REST API /api/v1 (the dashboard tab's), on the same services as the cards. */
  readonly api: ApiModule;
  readonly gdap: GdapModule;
  /** Signed webhooks to partners' systems (issue 31); their routes are the API's. */
  readonly webhooks: WebhooksModule;
  /** The personal tab's page and built assets at /tab (built by scripts/build-tab.ts). */
  readonly tab: AppModule;
}

export interface ProductModulesOptions {
  /** Delivery worker settings (tests: fast polling and retries). */
  readonly worker?: NotificationsOptions['worker'];
  /** The bulk invitation jobs' driver (tests: short leases and polling). */
  readonly bulk?: ApiModuleDeps['bulkWorker'];
}

/**
 * The product, composed: each module gets what it builds on as an argument, so the order is
 * the code's and a feature is one more line here (and its own folders).
 */
export async function productModules(
  ctx: AppContext,
  opts: ProductModulesOptions = {}
): Promise<ProductModules> {
  const partners = await createPartnersModule(ctx);
  // One key for both kinds of invitation: customer and reseller links and codes.
  const codeKey = await invitationCodeKey(ctx.config, ctx.logger);
  const hasher = new SecretHasher(codeKey);
  const notifications = createNotifications(ctx, {
    recipients: partners.memberships,
    // Queued invitation mails are sealed under a key derived from the same material (HKDF).
    sealKey: codeKey,
    ...(opts.worker ? { worker: opts.worker } : {}),
  });
  const enrollment = await createEnrollmentModule(ctx, { partners, notifications });
  const relationships = await createRelationshipsModule(ctx, { partners, notifications, hasher });
  const invitations = await createInvitationsModule(ctx, {
    partners,
    notifications,
    relationships,
    hasher,
  });
  const gdap = await createGdapModule(ctx, {
    partners,
    notifications,
    relationships,
    invitations,
    hasher,
  });
  const webhooks = await createWebhooksModule(ctx, {
    partners,
    relationships,
    invitations,
    notifications,
    sealKey: codeKey,
  });
  const api = await createApiModule(ctx, {
    partners,
    notifications,
    enrollment,
    relationships,
    invitations,
    hasher,
    moreRoutes: (kit) => [...webhooks.apiRoutes(kit), ...gdap.apiRoutes(kit)],
    webhooks: webhooks.document,
    sealKey: codeKey,
    ...(opts.bulk ? { bulkWorker: opts.bulk } : {}),
  });
  const tab: AppModule = { routes: tabRoutes() };
  return {
    partners,
    notifications,
    enrollment,
    relationships,
    invitations,
    gdap,
    webhooks,
    api,
    tab,
  };
}
