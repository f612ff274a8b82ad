import { RelationshipNotices } from '../../../domain/relationships/relationship-notices.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';
import type { RelationshipRepository } from '../../../domain/relationships/relationship-repository.port.js';
import { RelationshipService } from '../../../domain/relationships/relationship.service.js';
import { ResellerInvitationService } from '../../../domain/relationships/reseller-invitation.service.js';
import type { SecretHasher } from '../../../domain/invitations/invitation-secrets.js';
import { MongoRelationshipRepository } from '../../../models/relationships/relationship.repository.js';
import { MongoCodeGuessRepository } from '../../../models/invitations/invitation.repository.js';
import { MongoResellerInvitationRepository } from '../../../models/relationships/reseller-invitation.repository.js';
import type { AppContext, AppModule } from '../../app-module.js';
import type { Notifications } from '../notifications/notifications.module.js';
import type { PartnersModule } from '../partners/partners.module.js';
import { MailInvitationMailer, resellerInvitationMailOutcome } from './invitation-mailer.js';
import { invitationPageRoute } from './reseller-invitation-page.route.js';
import { OutboxRelationshipNotifier } from './relationship-notifier.js';
import { OutboxResellerInvitationNotifier } from './reseller-invitation-notifier.js';
import { resellerInvitationAcceptor, type InvitationAcceptor } from './reseller-accept.js';
import { relationshipsFeature } from './relationships.feature.js';

/** How often each process runs the expiry / auto-extend / reminder sweep. */
export const RELATIONSHIP_SWEEP_MS = 15 * 60_000;

export interface RelationshipsModuleDeps {
  readonly partners: PartnersModule;
  readonly notifications: Pick<Notifications, 'service' | 'owedNotices' | 'mail' | 'worker'>;
  /** Keys the stored token and code hashes, as customer invitations' (app-modules.ts). */
  readonly hasher: SecretHasher;
}

/** Provider-reseller relationships: the service (tests reach it here), its store and feature. */
export interface RelationshipsModule extends AppModule {
  readonly service: RelationshipService;
  readonly repository: RelationshipRepository;
  readonly invitations: ResellerInvitationService;
  /** `accept` with a reseller invitation's code or token (the invitations feature asks it). */
  readonly acceptInvitation: InvitationAcceptor;
  /**
   * Registers what another feature owes a relationship's change (invitations revoke those
   * naming an ended one). Run with the change's notices, under their stamp: a crash or a
   * failure leaves it owed and the sweep runs it again, so it must be idempotent.
   */
  onChanged(listener: (relationship: Relationship) => Promise<void>): void;
  /** Redraws the relationship's cards in place (its GDAP state changed); `key` makes it once. */
  redraw(relationshipId: string, key: string): Promise<void>;
}

export async function createRelationshipsModule(
  ctx: AppContext,
  deps: RelationshipsModuleDeps
): Promise<RelationshipsModule> {
  const repository = new MongoRelationshipRepository(ctx.db.connection);
  // One open relationship per pair is the unique index's promise: it must exist before a request.
  await repository.init();
  const { partners, memberships } = deps.partners;
  // The service is built below with these notices; the notifier reads partners through it.
  const views: Pick<RelationshipService, 'withPartners'> = {
    withPartners: (r, side) => service.withPartners(r, side),
  };
  const outbox = new OutboxRelationshipNotifier(deps.notifications.service, views);
  const listeners: ((relationship: Relationship) => Promise<void>)[] = [];
  const notifier = {
    async changed(relationship: Relationship) {
      await outbox.changed(relationship);
      for (const listener of listeners) await listener(relationship);
    },
  };
  const notices = new RelationshipNotices(repository, notifier, ctx.now, ctx.logger, ctx.owedWork);
  deps.notifications.owedNotices.register(notices);
  const service = new RelationshipService({
    relationships: repository,
    partners,
    memberships,
    notices,
    now: ctx.now,
    logger: ctx.logger,
  });
  const invitationStore = new MongoResellerInvitationRepository(ctx.db.connection);
  // Wrong codes share the customer invitations' per-person budget (one `accept` command).
  const guesses = new MongoCodeGuessRepository(ctx.db.connection);
  // The hash indexes are unique: a link or code must never open two invitations.
  await invitationStore.init();
  const invitations = new ResellerInvitationService({
    invitations: invitationStore,
    guesses,
    hasher: deps.hasher,
    relationships: service,
    partners,
    mailer: new MailInvitationMailer(deps.notifications.service, ctx.logger),
    notifier: new OutboxResellerInvitationNotifier(deps.notifications.service),
    publicBaseUrl: ctx.config.publicBaseUrl,
    now: ctx.now,
    logger: ctx.logger,
  });
  // The provider's card learns how its mail went (from whichever process's worker sent it).
  deps.notifications.worker?.onMail(
    'resellerInvitationSent',
    resellerInvitationMailOutcome(invitations, deps.notifications.service)
  );
  const log = ctx.logger.child({ module: 'relationships' });
  let timer: NodeJS.Timeout | undefined;
  // Every process may sweep: each move is conditional, so two sweeps change a record once.
  const sweep = () =>
    void service.sweep().catch((err: unknown) => log.error({ err }, 'relationship sweep failed'));
  return {
    service,
    repository,
    invitations,
    acceptInvitation: resellerInvitationAcceptor({ service, invitations, memberships }),
    onChanged: (listener) => void listeners.push(listener),
    async redraw(relationshipId, key) {
      const relationship = await repository.get(relationshipId);
      if (relationship) await outbox.redraw(relationship, key);
    },
    features: [relationshipsFeature({ service, invitations, memberships, partners })],
    routes: [
      invitationPageRoute({
        invitations,
        ...(ctx.config.microsoftAppId ? { microsoftAppId: ctx.config.microsoftAppId } : {}),
      }),
    ],
    async start() {
      timer = setInterval(sweep, RELATIONSHIP_SWEEP_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
