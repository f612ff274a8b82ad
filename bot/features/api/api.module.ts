import { ApiError, apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { apiDocsRoute } from '../../../web/api/api-docs.route.js';
import { apiHttpRoutes } from '../../../web/api/api-router.js';
import { bearerAuthenticator } from '../../../web/api/auth/bearer.js';
import { DevSessions } from '../../../web/api/auth/dev-sessions.js';
import { EntraTokenValidator } from '../../../web/api/auth/entra-token.js';
import { openApiDocument } from '../../../web/api/openapi.js';
import type { SecretHasher } from '../../../domain/invitations/invitation-secrets.js';
import { MongoApiSessionRepository } from '../../../models/api/api-session.repository.js';
import { MongoApiKeyRepository } from '../../../models/api-keys/api-key.repository.js';
import { ApiKeyService } from '../../../domain/api-keys/api-key.service.js';
import { isApiKeyShaped } from '../../../domain/api-keys/api-key.js';
import type { ApiKeyLookup } from '../../../web/api/auth/bearer.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { EnrollmentModule } from '../enrollment/enrollment.module.js';
import type { InvitationsModule } from '../invitations/invitations.module.js';
import type { Notifications } from '../notifications/notifications.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import type { RelationshipsModule } from '../relationships/relationships.module.js';
import { ApiKit } from './api-kit.js';
import { apiKeyRoutes } from './api-keys.routes.js';
import { problemOf } from './api-problems.js';
import { PersonasSchema, ProblemSchema, SignInBody, SignInResultSchema } from './api.schemas.js';
import { invitationRoutes } from './invitations.routes.js';
import { meRoutes } from './me.routes.js';
import { peopleRoutes } from './people.routes.js';
import { relationshipRoutes } from './relationships.routes.js';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { BulkInvitationService } from '../../../domain/invitations/bulk-invitation.service.js';
import { MongoBulkJobRepository } from '../../../models/invitations/bulk-job.repository.js';
import { SealedBox } from '../../../notifications/sealed-box.js';
import { invitationLink } from '../invitations/invitation-notifier.js';
import { bulkInvitationRoutes } from './bulk-invitations.routes.js';
import {
  BulkJobWorker,
  DEFAULT_BULK_JOB_WORKER,
  type BulkJobWorkerOptions,
} from '../../../notifications/bulk-job.worker.js';

/** How many people open mode's sign-in offers (the last seen first). */
const PERSONAS_SHOWN = 50;

export interface ApiModuleDeps {
  readonly partners: PartnersModule;
  readonly notifications: Pick<Notifications, 'service'>;
  readonly enrollment: EnrollmentModule;
  readonly relationships: RelationshipsModule;
  readonly invitations: InvitationsModule;
  /** Keys the stored hashes of open-mode sign-in tokens, as invitations' secrets. */
  readonly hasher: SecretHasher;
  /** Routes other features declare with the API's kit (webhooks), listed in the document too. */
  readonly moreRoutes?: (kit: ApiKit) => AnyApiRoute[];
  /** Requests the server sends (webhook events), for the document's `webhooks`. */
  readonly webhooks?: Readonly<Record<string, { summary: string; body: z.ZodType }>>;
  /** Seals bulk jobs' links and codes (its own HKDF derivation of the invitation code key). */
  readonly sealKey?: Uint8Array;
  /** The bulk jobs' background driver (tests: short leases and polling). */
  readonly bulkWorker?: Partial<BulkJobWorkerOptions>;
}

/** The REST API /api/v1 (issue 30): its routes, as one module of the app. */
export interface ApiModule extends AppModule {
  /** Every operation, as declared (the OpenAPI document lists exactly these). */
  readonly operations: readonly AnyApiRoute[];
  /** Partners' API keys (the routes' service; tests reach it too). */
  readonly apiKeys: ApiKeyService;
  /** Bulk invitations from a CSV (tests reach its interruption hook). */
  readonly bulk: BulkInvitationService;
}

/**
 * The REST API the dashboard tab and integrations use: Teams SSO bearer tokens with an app id,
 * the clearly marked local sign-in without one; the same domain services, rule functions and
 * role matrix as the cards; OpenAPI 3.1 generated from the routes' own schemas.
 */
export async function createApiModule(ctx: AppContext, deps: ApiModuleDeps): Promise<ApiModule> {
  const { memberships, users } = deps.partners;
  const kit = new ApiKit({ memberships, users });
  const appId = ctx.config.microsoftAppId;
  const keyStore = new MongoApiKeyRepository(ctx.db.connection);
  await keyStore.init();
  const apiKeys = new ApiKeyService({
    keys: keyStore,
    memberships,
    hash: (s) => deps.hasher.hash(s),
    now: ctx.now,
    logger: ctx.logger,
  });
  const keys = keyLookup(apiKeys);
  const { bulk, worker } = await bulkService(ctx, deps, apiKeys);
  let authenticate;
  const signIn: AnyApiRoute[] = [];
  if (appId) {
    authenticate = bearerAuthenticator({
      keys,
      entra: new EntraTokenValidator({
        metadataUrl: ctx.config.entraOpenIdMetadataUrl,
        appId,
        domain: new URL(ctx.config.publicBaseUrl).host,
      }),
    });
  } else {
    const store = new MongoApiSessionRepository(ctx.db.connection);
    await store.init();
    // Wall-clock time: a test moving the calendar must not sign anyone out.
    const sessions = new DevSessions(store, (s) => deps.hasher.hash(s), Date.now);
    authenticate = bearerAuthenticator({ sessions, keys });
    signIn.push(...devSignInRoutes(sessions, deps.partners));
  }
  const operations: AnyApiRoute[] = [
    ...meRoutes({
      memberships,
      users,
      relationships: deps.relationships.service,
      invitations: deps.invitations.service,
      review: deps.enrollment.services.review,
      now: ctx.now,
      kit,
    }),
    ...relationshipRoutes({ service: deps.relationships.service, kit }),
    ...invitationRoutes({
      customers: deps.invitations.service,
      resellers: deps.relationships.invitations,
      memberships,
      publicBaseUrl: ctx.config.publicBaseUrl,
      kit,
    }),
    ...peopleRoutes({
      invitations: deps.invitations.service,
      memberships,
      review: deps.enrollment.services.review,
      notifier: deps.notifications.service,
      kit,
    }),
    ...apiKeyRoutes({ keys: apiKeys, kit }),
    ...(deps.moreRoutes?.(kit) ?? []),
    ...bulkInvitationRoutes({ bulk, kit }),
    ...signIn,
  ];
  let document: unknown;
  const openapi = apiRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (OpenAPI 3.1, generated from the zod schemas the routes use)',
    tag: 'meta',
    auth: 'none',
    response: z.object({ openapi: z.string() }).loose(),
    async handle() {
      document ??= openApiDocument([...operations, openapi], {
        title: 'Partner Connect API',
        version: '1',
        problem: ProblemSchema,
        ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
      });
      return { body: document };
    },
  });
  return {
    apiKeys,
    bulk,
    operations: [...operations, openapi],
    routes: [
      ...apiHttpRoutes({
        routes: [...operations, openapi],
        authenticate,
        problemOf,
        logger: ctx.logger,
      }),
      apiDocsRoute([...operations, openapi]),
    ],
    async start() {
      worker.start();
    },
    async stop() {
      await worker.stop();
    },
  };
}

/**
 * Bulk invitations: the same services as one invitation, jobs in `bulk_invitation_jobs`, their
 * rows done by a background driver (leases on the app's clock, as the other workers').
 */
async function bulkService(
  ctx: AppContext,
  deps: ApiModuleDeps,
  apiKeys: ApiKeyService
): Promise<{ bulk: BulkInvitationService; worker: BulkJobWorker }> {
  const jobs = new MongoBulkJobRepository(ctx.db.connection);
  await jobs.init();
  const box = new SealedBox(deps.sealKey ?? randomBytes(32), 'partner-connect/bulk-sealed/v1');
  let worker: BulkJobWorker | undefined;
  const bulk = new BulkInvitationService({
    customers: deps.invitations.service,
    resellers: deps.relationships.invitations,
    relationships: deps.relationships.service,
    memberships: deps.partners.memberships,
    partners: deps.partners.partners,
    jobs,
    seal: (value, aad) => box.seal(value, aad),
    open: (sealed, aad) => box.open(sealed, aad) as { link: string; code: string },
    customerLink: (token) => invitationLink(ctx.config.publicBaseUrl, token),
    now: ctx.now,
    logger: ctx.logger,
    started: () => worker?.wake(),
    stillActs: (actor) => apiKeys.stillActs(actor),
  });
  worker = new BulkJobWorker({
    jobs,
    bulk,
    clock: ctx.clock,
    logger: ctx.logger,
    options: { ...DEFAULT_BULK_JOB_WORKER, ...deps.bulkWorker },
  });
  return { bulk, worker };
}

/**
 * The bearer check's view of API keys: a live key is a caller named after it, acting for its
 * partner. Looked up in the database on every call (no cache), so a revocation holds at once.
 */
function keyLookup(apiKeys: ApiKeyService): ApiKeyLookup {
  return {
    isKey: isApiKeyShaped,
    async find(token) {
      const key = await apiKeys.authenticate(token);
      if (!key) return undefined;
      return {
        tenantId: key.tenantId,
        aadObjectId: `apikey:${key.id}`,
        name: key.name,
        apiKey: { id: key.id, partnerRef: key.partnerRef, scope: key.scope },
      };
    },
  };
}

/**
 * Open mode's local sign-in (no app id): the people the bot has seen, and a session as one of
 * them. Not registered at all with an app id, so there it answers 404 like any unknown path.
 */
function devSignInRoutes(sessions: DevSessions, partners: PartnersModule): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/dev/personas',
      summary: 'OPEN MODE ONLY: the people the bot has seen, to sign in as (404 with an app id)',
      tag: 'dev',
      auth: 'none',
      response: PersonasSchema,
      async handle() {
        const seen = await partners.users.listSeen(PERSONAS_SHOWN);
        return {
          body: {
            personas: seen.map((u) => ({
              aadObjectId: u.aadObjectId,
              tenantId: u.tenantId,
              ...(u.name ? { name: u.name } : {}),
            })),
          },
        };
      },
    }),
    apiRoute({
      method: 'post',
      path: '/dev/sign-in',
      summary: 'OPEN MODE ONLY: a session as one of those people (404 with an app id)',
      tag: 'dev',
      auth: 'none',
      body: SignInBody,
      response: SignInResultSchema,
      async handle({ body }) {
        // Someone who talked to the bot (a roster entry alone is nobody to sign in as).
        const who = body.tenantId
          ? await partners.users.get({ tenantId: body.tenantId, aadObjectId: body.aadObjectId })
          : (await partners.users.listSeen(PERSONAS_SHOWN)).find(
              (u) => u.aadObjectId === body.aadObjectId
            );
        if (!who?.lastSeenAt) throw new ApiError(400, 'invalid', 'api:errors.unknownPersona');
        const session = await sessions.open({
          tenantId: who.tenantId,
          aadObjectId: who.aadObjectId,
          ...(who.name ? { name: who.name } : {}),
        });
        return { body: { token: session.token, expiresAt: session.expiresAt.toISOString() } };
      },
    }),
  ];
}
