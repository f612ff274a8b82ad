import { GdapService } from '../../../domain/gdap/gdap.service.js';
import type { GdapLink } from '../../../domain/gdap/gdap.js';
import type { SecretHasher } from '../../../domain/invitations/invitation-secrets.js';
import { OwedNotices } from '../../../domain/notices/owed-notices.js';
import { GraphGdapGateway } from '../../../graph/graph-gdap.gateway.js';
import { GraphHttp } from '../../../graph/graph-http.js';
import {
  MongoGdapLinkRepository,
  MongoGraphConnectionRepository,
} from '../../../models/gdap/gdap.repository.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { Notifications } from '../notifications/notifications.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import type { InvitationsModule } from '../invitations/invitations.module.js';
import type { RelationshipsModule } from '../relationships/relationships.module.js';
import type { AnyApiRoute } from '../../../web/api/api-route.js';
import type { ApiKit } from '../api/api-kit.js';
import { gdapRoutes } from './gdap.routes.js';
import { connectCallbackRoute } from './connect-callback.route.js';
import { gdapFeature } from './gdap.feature.js';
import { OutboxGdapNotifier } from './gdap-notifier.js';

export interface GdapModuleDeps {
  readonly partners: PartnersModule;
  readonly notifications: Pick<Notifications, 'service' | 'owedNotices' | 'addSweep'>;
  readonly relationships: Pick<
    RelationshipsModule,
    'onChanged' | 'redraw' | 'service' | 'repository'
  >;
  readonly invitations: Pick<InvitationsModule, 'onChanged' | 'onLinkEnded'>;
  /** Keys the stored consent states, as invitations' tokens. */
  readonly hasher: SecretHasher;
}

/** Microsoft Graph: partners' connections and their relationships' GDAP relationships. */
export interface GdapModule extends AppModule {
  readonly service: GdapService;
  /** The owed Graph work (tests run its sweep as the worker would). */
  readonly owed: OwedNotices<GdapLink>;
  /** The connection's REST routes, declared with the API's kit (the tab's Connect Microsoft). */
  apiRoutes(kit: ApiKit): AnyApiRoute[];
}

export async function createGdapModule(ctx: AppContext, deps: GdapModuleDeps): Promise<GdapModule> {
  const links = new MongoGdapLinkRepository(ctx.db.connection);
  const connections = new MongoGraphConnectionRepository(ctx.db.connection);
  await links.init();
  await connections.init();
  const { partners, memberships } = deps.partners;
  const http = new GraphHttp(ctx.config.graph, ctx.clock, ctx.logger);
  const owed: OwedNotices<GdapLink> = new OwedNotices(
    'gdap',
    links,
    (link) => service.work(link),
    ctx.now,
    ctx.logger,
    ctx.owedWork
  );
  // The worker runs its sweeps one after another (beside its delivery loop): Graph's pace (a
  // Retry-After, an outage's retries) must never hold the other sweeps back (owed notices,
  // held recipients), so the GDAP sweeps start there and run beside them, one at a time each,
  // awaited by stop().
  const log = ctx.logger.child({ module: 'gdap' });
  const running = new Map<string, Promise<unknown>>();
  const beside = (name: string, run: () => Promise<unknown>) => {
    if (running.has(name)) return;
    const task = run()
      .catch((err: unknown) => log.error({ err, sweep: name }, 'GDAP sweep failed'))
      .finally(() => running.delete(name));
    running.set(name, task);
  };
  deps.notifications.owedNotices.register({
    name: owed.name,
    sweep: async () => {
      beside('owed', () => owed.sweep());
      return 0;
    },
  });
  const service: GdapService = new GdapService({
    links,
    connections,
    gateway: new GraphGdapGateway(http),
    partners,
    relationships: deps.relationships.repository,
    memberships,
    hasher: deps.hasher,
    owed,
    notifier: new OutboxGdapNotifier(deps.notifications.service, partners, (id, key) =>
      deps.relationships.redraw(id, key)
    ),
    ...(ctx.config.graph.clientId ? { clientId: ctx.config.graph.clientId } : {}),
    authorityHost: ctx.config.graph.authorityHost,
    publicBaseUrl: ctx.config.publicBaseUrl,
    now: ctx.now,
    logger: ctx.logger,
  });
  // Under the relationship's notice stamp: a crash before the want is recorded runs it again.
  deps.relationships.onChanged((relationship) => service.relationshipChanged(relationship));
  deps.invitations.onChanged((invitation) => service.invitationChanged(invitation));
  deps.invitations.onLinkEnded((ended) => service.customerLinkEnded(ended.link));
  // Every card of a relationship shows its GDAP state beside the product's.
  deps.relationships.service.lookUpGdapWith((rs) => service.shownForMany(rs));
  // Graph's states come back on the worker's sweeps; each link at most every 15 minutes.
  deps.notifications.addSweep('gdap-sync', async () => beside('sync', () => service.sync()));
  return {
    service,
    owed,
    features: [gdapFeature({ gdap: service, memberships })],
    routes: [connectCallbackRoute({ gdap: service })],
    apiRoutes: (kit) => gdapRoutes({ gdap: service, kit }),
    async stop() {
      await Promise.all(running.values());
    },
  };
}
