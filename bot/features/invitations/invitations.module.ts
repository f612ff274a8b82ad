import type { Invitation } from '../../../domain/invitations/invitation.js';
import { InvitationNotices } from '../../../domain/invitations/invitation-notices.js';
import {
  InvitationService,
  type EndedLink,
  type InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import { CustomerStandingQuery } from '../../../domain/customers/customer-standing.js';
import type { CustomerLink } from '../../../domain/customers/customer.js';
import { OwedNotices } from '../../../domain/notices/owed-notices.js';
import type { SecretHasher } from '../../../domain/invitations/invitation-secrets.js';
import { MongoCustomerRepository } from '../../../models/customers/customer.repository.js';
import {
  MongoCodeGuessRepository,
  MongoInvitationRepository,
} from '../../../models/invitations/invitation.repository.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { Notifications } from '../notifications/notifications.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import type { RelationshipsModule } from '../relationships/relationships.module.js';
import { invitationPageRoute } from './customer-invitation-page.route.js';
import {
  InvitationMail,
  invitationMailOutcome,
  OutboxInvitationNotifier,
} from './invitation-notifier.js';
import { invitationsFeature } from './invitations.feature.js';

/** How often each process marks expired invitations (each move is conditional: once). */
export const INVITATION_SWEEP_MS = 15 * 60_000;

export interface InvitationsModuleDeps {
  readonly partners: PartnersModule;
  readonly notifications: Pick<Notifications, 'service' | 'owedNotices' | 'mail' | 'worker'>;
  readonly relationships: Pick<
    RelationshipsModule,
    'repository' | 'acceptInvitation' | 'onChanged'
  >;
  /** Keys the stored token and code hashes (app-modules.ts builds it once). */
  readonly hasher: SecretHasher;
}

/** Customer invitations and customers: the service (tests reach it here), stores, page, feature. */
export interface InvitationsModule extends AppModule {
  readonly service: InvitationService;
  readonly repository: MongoInvitationRepository;
  readonly customers: MongoCustomerRepository;
  /**
   * Registers what another feature owes an invitation's change (GDAP for an accepted customer).
   * Run under the change's notice stamp: a crash repeats it, so it must be idempotent.
   */
  onChanged(listener: (invitation: Invitation) => Promise<void>): void;
  /** Registers what a new invitation owes another feature (not stamped: see the service). */
  onCreated(listener: (view: InvitationView) => Promise<void>): void;
  /**
   * Registers what a customer's ended link owes another feature (webhooks' customer.unlinked),
   * run after the partners' notices under the end's stamp: a crash repeats it (idempotent).
   */
  onLinkEnded(listener: (ended: EndedLink) => Promise<void>): void;
}

export async function createInvitationsModule(
  ctx: AppContext,
  deps: InvitationsModuleDeps
): Promise<InvitationsModule> {
  const repository = new MongoInvitationRepository(ctx.db.connection);
  const guesses = new MongoCodeGuessRepository(ctx.db.connection);
  const customers = new MongoCustomerRepository(ctx.db.connection);
  // The unique hash indexes are what make a link and a code open one invitation: first.
  await Promise.all([repository.init(), guesses.init(), customers.init()]);
  const { partners, memberships } = deps.partners;
  const links = {
    publicBaseUrl: ctx.config.publicBaseUrl,
    ...(ctx.config.microsoftAppId ? { appId: ctx.config.microsoftAppId } : {}),
  };
  // The service settles what a transition owes; the notices call it back (built below).
  const listeners: ((invitation: Invitation) => Promise<void>)[] = [];
  const createdListeners: ((view: InvitationView) => Promise<void>)[] = [];
  const linkEndedListeners: ((ended: EndedLink) => Promise<void>)[] = [];
  const outboxNotifier = new OutboxInvitationNotifier(deps.notifications.service);
  // What an ended customer link owes, under the stamp its end set: the partners' notices (keyed
  // in the outbox) and the listeners (webhooks' customer.unlinked, keyed by event id; GDAP's
  // termination, owed work of its own): a crash repeats them, each once.
  const linkNotices = new OwedNotices<CustomerLink>(
    'customer-links',
    {
      listNoticesOwed: (before, limit) => customers.listLinksOwed(before, limit),
      clearNoticeOwed: (id, since) => customers.clearLinkOwed(id, since),
    },
    async (link) => {
      const ended = await service.endedLink(link);
      if (!ended) return;
      await outboxNotifier.linkEnded(ended);
      for (const listener of linkEndedListeners) await listener(ended);
    },
    ctx.now,
    ctx.logger,
    ctx.owedWork
  );
  deps.notifications.owedNotices.register(linkNotices);
  const notices = new InvitationNotices(
    repository,
    async (inv) => {
      await service.settle(inv);
      for (const listener of listeners) await listener(inv);
    },
    ctx.now,
    ctx.logger,
    ctx.owedWork
  );
  deps.notifications.owedNotices.register(notices);
  const service: InvitationService = new InvitationService({
    invitations: repository,
    guesses,
    hasher: deps.hasher,
    customers,
    partners,
    relationships: deps.relationships.repository,
    memberships,
    notices,
    notifier: outboxNotifier,
    linkNotices,
    mailer: new InvitationMail(deps.notifications.service, links),
    async created(view) {
      for (const listener of createdListeners) await listener(view);
    },
    expiryDays: ctx.config.invitationExpiryDays,
    now: ctx.now,
    logger: ctx.logger,
  });
  // The inviter's card learns how its mail went (the worker of whichever process sends it).
  deps.notifications.worker?.onMail(
    'invitationCreated',
    invitationMailOutcome(service, deps.notifications.service, links)
  );
  // An ended or expired relationship takes the open invitations naming its provider with it.
  deps.relationships.onChanged(async (r) => {
    await service.relationshipEnded(r);
  });
  const log = ctx.logger.child({ module: 'invitations' });
  let timer: NodeJS.Timeout | undefined;
  const sweep = () =>
    void service.sweep().catch((err: unknown) => log.error({ err }, 'invitation sweep failed'));
  return {
    service,
    repository,
    customers,
    onChanged: (listener) => void listeners.push(listener),
    onCreated: (listener) => void createdListeners.push(listener),
    onLinkEnded: (listener) => void linkEndedListeners.push(listener),
    features: [
      invitationsFeature({
        service,
        memberships,
        publicBaseUrl: ctx.config.publicBaseUrl,
        ...(ctx.config.microsoftAppId ? { appId: ctx.config.microsoftAppId } : {}),
        standing: new CustomerStandingQuery({
          customers,
          partners,
          invitations: repository,
          now: ctx.now,
        }),
        otherInvitations: deps.relationships.acceptInvitation,
      }),
    ],
    routes: [
      invitationPageRoute({ service, appId: ctx.config.microsoftAppId, logger: ctx.logger }),
    ],
    async start() {
      timer = setInterval(sweep, INVITATION_SWEEP_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
