import type { Logger } from '../../logging/logger.js';
import { InvalidError, NotAllowedError } from '../errors.js';
import { newToken, type SecretHasher } from '../invitations/invitation-secrets.js';
import type { Actor } from '../partners/actor.js';
import type { Partner } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import type { Action } from '../partners/roles.js';
import type { CustomerLink } from '../customers/customer.js';
import type { Invitation } from '../invitations/invitation.js';
import type { Relationship } from '../relationships/relationship.js';
import type { RelationshipRepository } from '../relationships/relationship-repository.port.js';
import {
  CUSTOMER_DEFAULT_GRANT,
  ENTRA_ROLE_TEMPLATE_IDS,
  FINAL_GDAP_STATUSES,
  autoExtendToPush,
  awaitsConnection,
  earlyEndReminder,
  gdapAutoExtend,
  gdapDisplayName,
  gdapDuration,
  shownGdap,
  wantedFor,
  type GdapLink,
  type GdapShown,
  type GdapRefusal,
} from './gdap.js';
import type {
  GdapLinkRepository,
  GraphConnection,
  GraphConnectionRepository,
} from './gdap-repository.port.js';
import {
  GraphRefusedError,
  type GraphGateway,
  type GraphGdapRelationship,
} from './graph-gateway.port.js';

/** How long a consent link's state is good for: the admin signs in and consents at once. */
export const CONSENT_STATE_MS = 15 * 60_000;
/** How often one link's Graph status is asked again (the sweep's budget per tenant, too). */
export const GDAP_SYNC_EVERY_MS = 15 * 60_000;
const SYNC_BATCH = 50;

/** What the callback of the admin consent came to. */
export type ConsentOutcome = 'connected' | 'denied' | 'invalidState' | 'wrongTenant';

/** The callback's query, as Microsoft sends it (`tenant`, `admin_consent`, `state`, or `error`). */
export interface ConsentCallback {
  readonly tenant?: string;
  readonly admin_consent?: string;
  readonly state?: string;
  readonly error?: string;
}

/** What the partner's Global admins are told (implemented over the outbox in bot/). */
export interface GdapNotifier {
  /** The GDAP relationship waits for the customer's Global Administrator in the admin center. */
  approvalAsked(link: GdapLink): Promise<void>;
  /** Graph refused the work: the provider's Global admins learn why and what to do. */
  refused(link: GdapLink, refusal: GdapRefusal): Promise<void>;
  /** Graph's state changed (active, expired, terminated outside the product): both sides. */
  stateChanged(link: GdapLink): Promise<void>;
  /**
   * Graph's relationship ends `days` (a reminder threshold) from now, before the product's
   * relationship (`productEndsAt`): both sides, once per threshold and Graph's end.
   */
  endsEarly(link: GdapLink, days: number, productEndsAt: Date): Promise<void>;
}

export interface GdapServiceDeps {
  readonly links: GdapLinkRepository;
  readonly connections: GraphConnectionRepository;
  readonly gateway: GraphGateway;
  readonly partners: Pick<PartnerRepository, 'get'>;
  /** The product's relationships: their end, beside Graph's. */
  readonly relationships: Pick<RelationshipRepository, 'get' | 'listFor'>;
  readonly memberships: {
    authorize(actor: Actor, action: Action): Promise<{ partner: Partner }>;
  };
  readonly hasher: SecretHasher;
  /** Owed Graph work: stamped with the want, done after the request, repaired by the sweep. */
  readonly owed: { afterTransition(link: GdapLink): Promise<void> };
  readonly notifier: GdapNotifier;
  /** The Graph app's client id; unset: connecting is not available. */
  readonly clientId?: string;
  readonly authorityHost: string;
  readonly publicBaseUrl: string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * Partners' connections to Microsoft Graph and the GDAP relationships their product
 * relationships owe there. Every Graph call is owed work on a stamped link: a crash or a 5xx
 * between the product's change and Graph's leaves the stamp, and the sweep does it again, found
 * by the deterministic display name rather than created twice.
 */
export class GdapService {
  private readonly log: Logger;

  constructor(private readonly deps: GdapServiceDeps) {
    this.log = deps.logger.child({ module: 'gdap' });
  }

  /** Where Microsoft sends the admin back after consenting. */
  get redirectUri(): string {
    return `${this.deps.publicBaseUrl}/connect/callback`;
  }

  /**
   * The admin-consent link for the actor's partner tenant (Global admin of an approved
   * partner). Its state is random, stored by its keyed hash, bound to the actor and the tenant,
   * good once and for 15 minutes.
   */
  async consentLink(actor: Actor): Promise<string> {
    const partner = await this.approvedPartnerOf(actor);
    const { clientId } = this.deps;
    if (!clientId) throw new InvalidError('gdap:errors.unavailable');
    const state = newToken();
    await this.deps.connections.saveState({
      stateHash: this.deps.hasher.hash(state),
      partnerRef: partner.id,
      tenantId: partner.tenantId,
      aadObjectId: actor.aadObjectId,
      expiresAt: new Date(this.deps.now().getTime() + CONSENT_STATE_MS),
    });
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: this.redirectUri,
      state,
    });
    return `${this.deps.authorityHost}/${encodeURIComponent(partner.tenantId)}/adminconsent?${query}`;
  }

  /**
   * Microsoft's redirect after the consent. The state is used up whatever comes of it; the
   * tenant that consented must be the one the link was made for.
   */
  async completeConsent(q: ConsentCallback): Promise<ConsentOutcome> {
    if (!q.state) return 'invalidState';
    const state = await this.deps.connections.takeState(this.deps.hasher.hash(q.state));
    if (!state || state.expiresAt.getTime() <= this.deps.now().getTime()) return 'invalidState';
    if (q.error) return 'denied';
    if (q.tenant !== state.tenantId) return 'wrongTenant';
    if ((q.admin_consent ?? '').toLowerCase() !== 'true') return 'denied';
    const at = this.deps.now();
    await this.deps.connections.save({
      partnerRef: state.partnerRef,
      tenantId: state.tenantId,
      connectedAt: at,
      connectedBy: state.aadObjectId,
    });
    this.log.info({ partnerRef: state.partnerRef }, 'partner connected to Microsoft Graph');
    // Relationships recorded here only while it was not connected now go to Microsoft.
    for (const link of await this.deps.links.reoweNotConnected(state.partnerRef, at)) {
      await this.deps.owed.afterTransition(link);
    }
    await this.wantUnrecorded(state.partnerRef);
    return 'connected';
  }

  /**
   * The provider's active relationships with no GDAP record at all (authorized before GDAP came
   * to the product) are wanted now, as an activation would: a partner connecting expects every
   * access it granted to show in Microsoft, not only what is granted from now on. Idempotent
   * (`want` records a relationship once), so a second consent makes nothing twice.
   */
  private async wantUnrecorded(partnerRef: string): Promise<void> {
    const active = (await this.deps.relationships.listFor(partnerRef, 'provider')).filter(
      (r) => wantedFor(r) === 'active'
    );
    if (!active.length) return;
    const recorded = new Set(
      (await this.deps.links.byRelationships(active.map((r) => r.id))).map((l) => l.relationshipId)
    );
    for (const r of active) if (!recorded.has(r.id)) await this.relationshipChanged(r);
  }

  /** A Global admin disconnects the partner: no more Graph calls for it; false if it was not. */
  async disconnect(actor: Actor): Promise<boolean> {
    const partner = await this.approvedPartnerOf(actor);
    return this.deps.connections.remove(partner.id);
  }

  /** The actor's partner's connection, for `status` (anyone of the partner may see it). */
  async connectionOf(actor: Actor): Promise<GraphConnection | null> {
    const { partner } = await this.deps.memberships.authorize(actor, 'partner.viewStatus');
    return this.deps.connections.get(partner.id);
  }

  /** The GDAP link of a product relationship. */
  linkOf(relationshipId: string): Promise<GdapLink | null> {
    return this.deps.links.byRelationship(relationshipId);
  }

  /**
   * What a relationship's cards show of its GDAP relationship (shownGdap). Read-only and cheap:
   * the partner's connection is read from the store only while Graph has said nothing yet,
   * never asked of Graph.
   */
  /**
   * What the cards and the API show of the GDAP relationships of a page of relationships: their
   * links in one read, and the connection of each partner whose rows still wait on it read once
   * (a provider's page names one).
   */
  async shownForMany(rs: readonly Relationship[]): Promise<Map<string, GdapShown | undefined>> {
    const links = new Map(
      (await this.deps.links.byRelationships(rs.map((r) => r.id))).map((l) => [l.relationshipId, l])
    );
    const waiting = rs.filter((r) => awaitsConnection(links.get(r.id) ?? null, wantedFor(r)));
    const partnerOf = (r: Relationship) => links.get(r.id)?.partnerRef ?? r.providerRef;
    const connected = new Map(
      await Promise.all(
        [...new Set(waiting.map(partnerOf))].map(
          async (ref) => [ref, (await this.deps.connections.get(ref)) !== null] as const
        )
      )
    );
    return new Map(
      rs.map((r) => {
        const link = links.get(r.id) ?? null;
        const wanted = wantedFor(r);
        if (!awaitsConnection(link, wanted)) return [r.id, link ?? undefined];
        return [r.id, shownGdap(link, wanted, connected.get(partnerOf(r))!)];
      })
    );
  }

  /**
   * What a relationship's change owes Graph (run under the relationship's notice stamp, so it
   * must be idempotent): active access with roles wants its GDAP relationship, the end wants it
   * terminated. Records the want, stamped, and leaves the Graph calls to the owed work.
   */
  async relationshipChanged(r: Relationship): Promise<void> {
    const wanted = wantedFor(r);
    if (!wanted) return;
    if (wanted === 'terminated' && !(await this.deps.links.byRelationship(r.id))) return;
    const [provider, reseller] = await Promise.all([
      this.deps.partners.get(r.providerRef),
      this.deps.partners.get(r.resellerRef),
    ]);
    if (!provider || !reseller) return;
    const link = await this.deps.links.want(
      {
        relationshipId: r.id,
        partnerRef: provider.id,
        partnerTenantId: provider.tenantId,
        customerRef: reseller.id,
        customerTenantId: reseller.tenantId,
        kind: 'providerReseller',
        displayName: gdapDisplayName(r.id),
        roles: [...r.grant.roles],
        durationDays: r.grant.durationDays,
        autoExtend: r.grant.autoExtend,
        wanted,
      },
      wanted,
      this.deps.now()
    );
    if (link) await this.deps.owed.afterTransition(link);
  }

  /**
   * What a customer invitation's change owes Graph: accepted, with a connected reseller, the
   * reseller's GDAP relationship to the customer's tenant (CUSTOMER_DEFAULT_GRANT), whose
   * approval link the accepting admin gets. Idempotent, as `relationshipChanged`.
   */
  async invitationChanged(invitation: Invitation): Promise<void> {
    const by = invitation.decidedBy;
    if (invitation.kind !== 'customer' || invitation.state !== 'accepted') return;
    if (!invitation.customer || !by) return;
    const reseller = await this.deps.partners.get(invitation.customer.resellerRef);
    if (!reseller) return;
    const grant = CUSTOMER_DEFAULT_GRANT;
    const link = await this.deps.links.want(
      {
        kind: 'resellerCustomer',
        relationshipId: invitation.id,
        partnerRef: reseller.id,
        partnerTenantId: reseller.tenantId,
        customerTenantId: by.tenantId,
        customerName: invitation.customer.companyName,
        customerAdmin: { tenantId: by.tenantId, aadObjectId: by.aadObjectId },
        displayName: gdapDisplayName(invitation.id, 'resellerCustomer'),
        roles: [...grant.roles],
        durationDays: grant.durationDays,
        autoExtend: grant.autoExtend,
        wanted: 'active',
      },
      'active',
      this.deps.now()
    );
    if (link) await this.deps.owed.afterTransition(link);
  }

  /**
   * A customer ended its link to the reseller: the reseller's GDAP relationship to its tenant
   * (made when it accepted the invitation) is wanted terminated, as owed work.
   */
  async customerLinkEnded(link: Pick<CustomerLink, 'invitationRef'>): Promise<void> {
    const existing = await this.deps.links.byRelationship(link.invitationRef);
    if (existing?.kind !== 'resellerCustomer') return;
    const wanted = await this.deps.links.want(existing, 'terminated', this.deps.now());
    if (wanted) await this.deps.owed.afterTransition(wanted);
  }

  /**
   * Does the Graph work a link owes. A refusal (400, 401/403, not connected) is recorded and
   * told, not retried; any other failure throws, so the stamp stays for the sweep.
   */
  async work(link: GdapLink): Promise<void> {
    const connection = await this.deps.connections.get(link.partnerRef);
    if (!connection) {
      if (link.wanted === 'active') await this.refuse(link, 'notConnected');
      return;
    }
    try {
      if (link.wanted === 'active') await this.activate(link, connection.tenantId);
      else await this.terminate(link, connection.tenantId);
    } catch (err) {
      if (!(err instanceof GraphRefusedError)) throw err;
      await this.refuse(
        link,
        err.status === 401 || err.status === 403 ? 'consentMissing' : 'invalid'
      );
    }
  }

  /**
   * Asks Graph for the state of links that may still change (approvalPending → active,
   * expired, terminated outside the product) and records it; returns how many changed.
   */
  async sync(): Promise<number> {
    const now = this.deps.now();
    const due = await this.deps.links.listToSync(
      new Date(now.getTime() - GDAP_SYNC_EVERY_MS),
      SYNC_BATCH
    );
    let changed = 0;
    // A tenant whose Graph failed is left alone until the next sweep: no hammering while down.
    const failing = new Set<string>();
    for (const link of due) {
      if (failing.has(link.partnerRef)) continue;
      try {
        const connection = await this.deps.connections.get(link.partnerRef);
        if (!connection || !link.graphId) {
          // Not asked while disconnected; its turn passes so others' links are not starved.
          await this.deps.links.record(link.id, { syncedAt: now });
          continue;
        }
        const g = await this.deps.gateway.get(connection.tenantId, link.graphId);
        const status = g ? g.status : 'terminated';
        const updated = await this.deps.links.record(link.id, {
          ...(status ? { status } : {}),
          ...(g?.endDateTime ? { endDateTime: g.endDateTime } : {}),
          syncedAt: now,
        });
        if (updated && status && status !== link.status) {
          changed++;
          await this.deps.notifier.stateChanged(updated);
        }
        if (g && updated) await this.remindEarlyEnd(updated, g, now);
        // Auto-extend switched while Graph allowed no update (waiting for approval): owed now
        // that it is active (once: a refused update is not asked again at every sync).
        const activated = status === 'active' && link.status !== 'active';
        if (g && activated && updated?.wanted === 'active' && autoExtendToPush(updated, g)) {
          const owed = await this.deps.links.owe(link.id, now);
          if (owed) await this.deps.owed.afterTransition(owed);
        }
      } catch (err) {
        failing.add(link.partnerRef);
        this.log.warn({ err, linkRef: link.id }, 'GDAP state not synced; next sweep retries');
      }
    }
    return changed;
  }

  /**
   * Tells both sides when Graph's relationship will end before the product's (Extend does not
   * move Graph's end): the outbox's key makes each threshold once, however often it is synced.
   */
  private async remindEarlyEnd(link: GdapLink, g: GraphGdapRelationship, now: Date) {
    if (link.kind === 'resellerCustomer' || link.wanted !== 'active') return;
    const r = await this.deps.relationships.get(link.relationshipId);
    if (!r || r.state !== 'active') return;
    const days = earlyEndReminder(g, r.expiresAt, now);
    if (days !== undefined) await this.deps.notifier.endsEarly(link, days, r.expiresAt);
  }

  /** Graph's relationship for the link: by its recorded id, else by its deterministic name. */
  private async current(link: GdapLink, tenantId: string): Promise<GraphGdapRelationship | null> {
    if (link.graphId) return this.deps.gateway.get(tenantId, link.graphId);
    return this.deps.gateway.findByDisplayName(tenantId, link.displayName);
  }

  private async activate(link: GdapLink, tenantId: string): Promise<void> {
    let g = (await this.current(link, tenantId)) ?? (await this.create(link, tenantId));
    // Auto-extend switched in the product since it was created: Graph's follows, read first,
    // so a repeat after a crash or a 5xx finds it done and changes nothing.
    const autoExtend = autoExtendToPush(link, g);
    if (autoExtend) g = await this.pushAutoExtend(link, g, tenantId, autoExtend);
    let recorded = await this.deps.links.record(link.id, {
      graphId: g.id,
      ...(g.status ? { status: g.status } : {}),
      ...(g.endDateTime ? { endDateTime: g.endDateTime } : {}),
      refusal: null,
      syncedAt: this.deps.now(),
    });
    if (g.status === 'created') {
      await this.deps.gateway.request(tenantId, g.id, 'lockForApproval');
      recorded = await this.deps.links.record(link.id, { status: 'approvalPending' });
    }
    // Told again after a crash between the lock and the notice: the outbox's key makes it once.
    if (recorded?.status === 'approvalPending') await this.deps.notifier.approvalAsked(recorded);
    // Work on a link Graph had answered for found its state moved on (approved since the last
    // sync): said here, as the sync would have, since the sync now sees nothing new.
    else if (link.status && recorded?.status && recorded.status !== link.status) {
      await this.deps.notifier.stateChanged(recorded);
    }
  }

  /**
   * PATCHes Graph's auto-extend with the etag just read. A refusal of this update alone leaves
   * the GDAP relationship as it is (it still grants the roles): logged, not shown as a refused
   * relationship; anything else throws, so the work stays owed.
   */
  private async pushAutoExtend(
    link: GdapLink,
    g: GraphGdapRelationship,
    tenantId: string,
    autoExtend: string
  ): Promise<GraphGdapRelationship> {
    if (!g.etag) throw new Error('Graph sent no etag to update the relationship with');
    try {
      return await this.deps.gateway.updateAutoExtend(tenantId, g.id, g.etag, autoExtend);
    } catch (err) {
      if (!(err instanceof GraphRefusedError) || err.status !== 400) throw err;
      this.log.warn({ linkRef: link.id, code: err.code }, 'Graph refused the auto-extend update');
      return g;
    }
  }

  /**
   * Creates the GDAP relationship. A create that Graph did but whose answer was lost comes back
   * as 409 (the name is taken) on the next attempt: the one of that name is ours.
   */
  private async create(link: GdapLink, tenantId: string): Promise<GraphGdapRelationship> {
    const customer = link.customerRef ? await this.deps.partners.get(link.customerRef) : null;
    try {
      return await this.deps.gateway.create(tenantId, {
        displayName: link.displayName,
        customerTenantId: link.customerTenantId,
        customerName: customer?.legalName ?? link.customerName ?? link.customerTenantId,
        roleDefinitionIds: link.roles.map((r) => ENTRA_ROLE_TEMPLATE_IDS[r]),
        duration: gdapDuration(link),
        autoExtendDuration: gdapAutoExtend(link),
      });
    } catch (err) {
      if (!(err instanceof GraphRefusedError) || err.status !== 409) throw err;
      const found = await this.deps.gateway.findByDisplayName(tenantId, link.displayName);
      if (!found) throw err;
      return found;
    }
  }

  private async terminate(link: GdapLink, tenantId: string): Promise<void> {
    const g = await this.current(link, tenantId);
    if (!g) return;
    if (g.status && FINAL_GDAP_STATUSES.includes(g.status)) {
      await this.deps.links.record(link.id, { graphId: g.id, status: g.status });
      return;
    }
    if (g.status !== 'terminationRequested' && g.status !== 'terminating') {
      await this.deps.gateway.request(tenantId, g.id, 'terminate');
    }
    await this.deps.links.record(link.id, { graphId: g.id, status: 'terminationRequested' });
  }

  private async refuse(link: GdapLink, refusal: GdapRefusal): Promise<void> {
    // Not connected, and Graph said nothing yet: the cards read "recorded here only" already
    // (shownGdap), so recording it redraws no copy a second time.
    const shown = refusal === 'notConnected' && awaitsConnection(link, link.wanted);
    const updated = await this.deps.links.record(link.id, { refusal });
    this.log.warn({ linkRef: link.id, refusal }, 'GDAP work refused');
    if (updated && !shown) await this.deps.notifier.refused(updated, refusal);
  }

  private async approvedPartnerOf(actor: Actor): Promise<Partner> {
    const { partner } = await this.deps.memberships.authorize(actor, 'graph.connect');
    if (partner.status !== 'approved') throw new NotAllowedError('gdap:errors.notApproved');
    return partner;
  }
}
