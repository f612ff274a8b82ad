import type { GdapShown } from '../gdap/gdap.js';
import type { Logger } from '../../logging/logger.js';
import {
  ConflictError,
  InvalidError,
  NotAllowedError,
  NotFoundError,
  refuseFields,
  type FieldProblem,
} from '../errors.js';
import type { Actor } from '../partners/actor.js';
import type { MembershipService } from '../partners/membership.service.js';
import type { Partner, PartnerRef, PersonRef } from '../partners/partner.js';
import { directoryCountUpTo, type PartnerRepository } from '../partners/partner-repository.port.js';
import {
  AUTO_EXTEND_DAYS,
  checkGrant,
  days,
  MAX_DURATION_DAYS,
  MIN_DURATION_DAYS,
  PENDING_DAYS,
  REMINDER_DAYS,
} from './access-grant.js';
import { extensionRoom, planExtension, type Extension, type ExtensionInput } from './extension.js';
import {
  asked,
  CHANGE_DECIDER,
  changeAsks,
  consentRequired,
  decidesNow,
  decidingSide,
  isActive,
  MAX_REASON_LENGTH,
  mayAutoExtend,
  sideOf,
  waitingChange,
  type AccessGrant,
  type PendingChange,
} from './relationship.js';
import type { Relationship, RelationshipEvent, RelationshipState } from './relationship.js';
import {
  DuplicateRelationshipError,
  type RelationshipChange,
  type RelationshipGuard,
  type RelationshipRepository,
  type RelationshipSort,
} from './relationship-repository.port.js';

export interface RelationshipServiceDeps {
  readonly relationships: RelationshipRepository;
  readonly partners: PartnerRepository;
  readonly memberships: MembershipService;
  /** Sends what a transition owes (left owed for the sweep if that fails). */
  readonly notices: { afterTransition(relationship: Relationship): Promise<void> };
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * What a click on Authorize, Decline, Withdraw, End or Extend did: the relationship as it now
 * is, and whether this click changed it (a late or repeated click sees who did, and when).
 */
export interface RelationshipResult {
  readonly relationship: Relationship;
  readonly changedNow: boolean;
}

const SWEEP_BATCH = 100;
/** Rows on one page of a list card: Teams cards stay readable and under their size limit. */
export const PAGE_SIZE = 5;
/** The most rows one page of a list may ask for (the dashboard's tables, its CSV export). */
export const MAX_PAGE_SIZE = 100;
/** The Expiring soon filter: access ending within this many days (the first reminder). */
export const EXPIRING_SOON_DAYS = REMINDER_DAYS[0];

/** The lists' filters: everything (active first), one kind of state, or access ending soon. */
export const LIST_FILTERS = ['all', 'active', 'pending', 'closed', 'expiringSoon'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];
const FILTER_STATES: Partial<Record<ListFilter, readonly RelationshipState[]>> = {
  active: ['active'],
  pending: ['pending'],
  closed: ['declined', 'expired', 'withdrawn', 'ended'],
};
/** How many partners a name search of a list looks among (the start of a name narrows it). */
const SEARCH_PARTNERS = 200;

/** One page of a list, with what the card needs for Previous / Next. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly pageCount: number;
  /** More than `total` match: the count stopped there ("Page 1 of 21+"). */
  readonly more?: boolean;
}

/** A relationship as one side sees it: which side the viewer is on, and both partners. */
export interface RelationshipView {
  readonly relationship: Relationship;
  readonly side: 'provider' | 'reseller';
  readonly provider: Partner;
  readonly reseller: Partner;
  /** How many days Extend may add to the current end today (0: none). */
  readonly extendRoom: number;
  /** Its GDAP relationship in Microsoft Graph, where the GDAP feature has one (issue 32). */
  readonly gdap?: GdapShown;
}

/**
 * A provider in the directory, with the reseller's pending or active relationship with it: the
 * directory offers Open for that one instead of a request that would be refused.
 */
export interface DirectoryEntry {
  readonly provider: Partner;
  readonly open?: Pick<Relationship, 'id' | 'state'>;
}

/** What a bulk change did: how many resellers were asked, and how many were left as they were. */
export interface BulkResult {
  readonly asked: number;
  readonly unchanged: number;
}

/** At most one Resend of a pending request an hour: the other side is not flooded (26.3). */
export const RESEND_EVERY_MS = 60 * 60_000;

/**
 * Provider-reseller relationships: a reseller asks or a provider invites; the other side
 * authorizes; the reseller's consent is always required. Only approved partners take part, only
 * Global admins and Admin agents of the right side act, and every transition is one conditional
 * update, so double clicks, two admins or a replayed invoke change it once and notify once.
 */
export class RelationshipService {
  private readonly log: Logger;
  /** Where a relationship's GDAP link is: the GDAP feature, built after this service, says. */
  private gdapOf?: (
    relationships: readonly Relationship[]
  ) => Promise<ReadonlyMap<string, GdapShown | undefined>>;

  constructor(private readonly deps: RelationshipServiceDeps) {
    this.log = deps.logger.child({ module: 'relationships' });
  }

  /** The reseller asks a provider, consenting to exactly this access. */
  async request(
    actor: Actor,
    providerRef: PartnerRef,
    grantInput: unknown,
    consent: boolean
  ): Promise<Relationship> {
    const reseller = await this.actingPartner(actor, 'reseller');
    const provider = await this.approvedPartner(providerRef, 'provider');
    // The consent and the grant are one form: both refused at once.
    this.grantOf(
      grantInput,
      consent ? [] : [{ field: 'consent', key: 'relationships:errors.consentRequired' }]
    );
    return this.open(actor, { provider, reseller, initiatedBy: 'reseller', grantInput });
  }

  /** The provider invites an enrolled reseller, proposing access the reseller must consent to. */
  async invite(actor: Actor, resellerRef: PartnerRef, grantInput: unknown): Promise<Relationship> {
    const provider = await this.actingPartner(actor, 'provider');
    const reseller = await this.approvedPartner(resellerRef, 'reseller');
    return this.open(actor, { provider, reseller, initiatedBy: 'provider', grantInput });
  }

  /**
   * A reseller accepts a provider's invitation (link or code): the pending relationship the
   * provider proposed, as if the provider had invited this reseller by name; the reseller
   * consents on its card. The open one of the pair when there is one already.
   */
  async acceptInvitation(
    actor: Actor,
    invitation: {
      readonly providerRef: PartnerRef;
      readonly grant: unknown;
      readonly by: PersonRef;
    }
  ): Promise<{ relationship: Relationship; created: boolean }> {
    const reseller = await this.actingPartner(actor, 'reseller');
    const provider = await this.approvedPartner(invitation.providerRef, 'provider');
    const open = await this.deps.relationships.findOpen(provider.id, reseller.id);
    if (open) return { relationship: open, created: false };
    const relationship = await this.open(actor, {
      provider,
      reseller,
      initiatedBy: 'provider',
      grantInput: invitation.grant,
      by: invitation.by,
    });
    return { relationship, created: true };
  }

  /** The reseller partner an actor may accept invitations for (Global admin or Admin agent). */
  async acceptingReseller(actor: Actor): Promise<Partner> {
    return this.actingPartner(actor, 'reseller');
  }

  /** The provider partner an actor may invite for. */
  async invitingProvider(actor: Actor): Promise<Partner> {
    return this.actingPartner(actor, 'provider');
  }

  /**
   * A grant as proposed, checked: its problems and the form's other fields' (`others`) refused
   * together as one InvalidFieldsError, so the card shows them all at once.
   */
  checkedGrant(input: unknown, others: readonly FieldProblem[] = []): AccessGrant {
    return this.grantOf(input, others);
  }

  /**
   * The side that did not ask authorizes. A reseller authorizing its provider must consent,
   * whoever asked: the access is to the reseller's tenant.
   */
  async authorize(actor: Actor, id: string, consent = false): Promise<RelationshipResult> {
    const { relationship, side } = await this.forActor(actor, id);
    if (side !== decidingSide(relationship)) {
      throw new NotAllowedError('relationships:errors.otherSideAuthorizes');
    }
    if (consentRequired(side, 'authorize') && !consent) {
      throw new InvalidError('relationships:errors.consentRequired');
    }
    const now = this.deps.now();
    return this.move(actor, relationship, 'pending', {
      state: 'active',
      event: this.event(actor, 'pending', 'active', relationship),
      set: {
        activeSince: now,
        expiresAt: new Date(now.getTime() + days(relationship.grant.durationDays)),
      },
    });
  }

  /**
   * The side that did not ask declines a pending request, optionally saying why: the reason is
   * kept in the history and shown to the side that asked.
   */
  async decline(actor: Actor, id: string, reason = ''): Promise<RelationshipResult> {
    const why = reason.trim();
    if (why.length > MAX_REASON_LENGTH) {
      throw new InvalidError('relationships:errors.reasonTooLong', { max: MAX_REASON_LENGTH });
    }
    const { relationship, side } = await this.forActor(actor, id);
    if (side !== decidingSide(relationship)) {
      throw new NotAllowedError('relationships:errors.otherSideDeclines');
    }
    return this.move(actor, relationship, 'pending', {
      state: 'declined',
      event: {
        ...this.event(actor, 'pending', 'declined', relationship),
        ...(why ? { reason: why } : {}),
      },
    });
  }

  /**
   * Whether the actor's side is the one that decides a pending request (Authorize / Decline):
   * the Decline button asks for a reason only there, and refuses elsewhere as before.
   */
  async decides(actor: Actor, id: string): Promise<boolean> {
    const { relationship, side } = await this.forActor(actor, id);
    return decidesNow(relationship, side);
  }

  /** The side that asked takes the request back while it is pending. */
  async withdraw(actor: Actor, id: string): Promise<RelationshipResult> {
    const { relationship, side } = await this.forActor(actor, id);
    if (!asked(relationship, side)) {
      throw new NotAllowedError('relationships:errors.onlyRequesterWithdraws');
    }
    return this.move(actor, relationship, 'pending', {
      state: 'withdrawn',
      event: this.event(actor, 'pending', 'withdrawn', relationship),
    });
  }

  /** Either side ends an active relationship (after the confirmation card). */
  async end(actor: Actor, id: string): Promise<RelationshipResult> {
    const { relationship } = await this.forActor(actor, id);
    return this.move(actor, relationship, 'active', {
      state: 'ended',
      event: this.event(actor, 'active', 'ended', relationship),
    });
  }

  /**
   * An Extend as it would apply, for the confirmation card (old end -> new end, roles, and who
   * must consent); refused with the range when the days do not fit. Changes nothing.
   */
  async planExtend(
    actor: Actor,
    id: string,
    input: ExtensionInput
  ): Promise<{ view: RelationshipView; extension: Extension }> {
    const { relationship, side } = await this.forActor(actor, id);
    const extension = planExtension(relationship, side, input, this.deps.now());
    return { view: await this.withPartners(relationship, side), extension };
  }

  /**
   * Extends active access by days added to its current end (never shorter). The reseller's own
   * extension applies at once (more roles with its consent again); the provider's is a request
   * the reseller's Global admins and Admin agents must authorize (issue 26.2). `endsAt` is the
   * end the confirmation showed: if it moved since, nothing applies.
   */
  async extend(
    actor: Actor,
    id: string,
    input: ExtensionInput,
    opts: { readonly consent?: boolean; readonly endsAt?: Date } = {}
  ): Promise<RelationshipResult> {
    const { relationship, side } = await this.forActor(actor, id);
    const extension = planExtension(relationship, side, input, this.deps.now());
    if (opts.endsAt && !sameTime(opts.endsAt, relationship.expiresAt)) {
      throw new ConflictError('relationships:errors.endMoved');
    }
    if (extension.asks) {
      return this.ask(actor, relationship, { grant: extension.grant, expiresAt: extension.to });
    }
    if (consentRequired(side, 'extend', extension.widens) && !opts.consent) {
      refuseFields([{ field: 'consent', key: 'relationships:errors.consentRequired' }]);
    }
    const event: RelationshipEvent = {
      ...this.event(actor, 'active', 'active', relationship),
      roles: extension.grant.roles,
      note: 'extended',
      fromExpiresAt: extension.from,
      toExpiresAt: extension.to,
    };
    return this.move(
      actor,
      relationship,
      'active',
      {
        state: 'active',
        event,
        set: { grant: extension.grant, expiresAt: extension.to },
        // The reseller decided: a change the provider asked for is superseded.
        clearPendingChange: true,
      },
      { expiresAt: relationship.expiresAt }
    );
  }

  /** The requester sends its pending request again: at most once an hour (issue 26.3). */
  async resend(actor: Actor, id: string): Promise<RelationshipResult> {
    const { relationship, side } = await this.forActor(actor, id);
    if (!asked(relationship, side)) {
      throw new NotAllowedError('relationships:errors.onlyRequesterResends');
    }
    const now = this.deps.now();
    if (relationship.state === 'pending') refuseEarlyResend(relationship, now);
    const result = await this.move(
      actor,
      relationship,
      'pending',
      {
        state: 'pending',
        event: { ...this.event(actor, 'pending', 'pending', relationship), note: 'resent' },
        set: { lastResentAt: now },
      },
      { resentBefore: new Date(now.getTime() - RESEND_EVERY_MS) }
    );
    // A concurrent Resend got there first: this one is refused as a later one would be.
    if (!result.changedNow && result.relationship.state === 'pending') {
      refuseEarlyResend(result.relationship, now);
    }
    return result;
  }

  /**
   * Switches auto-extend on, never with Global Administrator, whose access must be granted
   * again knowingly. The reseller's applies at once; the provider's waits for its consent.
   */
  async autoExtendOn(actor: Actor, id: string): Promise<RelationshipResult> {
    const { relationship, side } = await this.forActor(actor, id);
    if (!mayAutoExtend(relationship.grant)) {
      throw new InvalidError('relationships:grant.autoExtendWithGlobalAdmin');
    }
    if (!isActive(relationship)) {
      throw new ConflictError('relationships:errors.notActive');
    }
    if (relationship.grant.autoExtend) return { relationship, changedNow: false };
    const grant = { ...relationship.grant, autoExtend: true };
    if (changeAsks(side)) {
      return this.ask(actor, relationship, { grant, expiresAt: relationship.expiresAt });
    }
    return this.move(
      actor,
      relationship,
      'active',
      {
        state: 'active',
        event: { ...this.event(actor, 'active', 'active', relationship), note: 'autoExtendOn' },
        set: { grant },
        clearPendingChange: true,
      },
      { expiresAt: relationship.expiresAt }
    );
  }

  /**
   * The reseller authorizes the change its provider asked for, with its consent: the roles,
   * auto-extend and end it names apply, if access still ends where it did when it was asked.
   * `changeAt` names the request the card showed: a newer one is not authorized unseen.
   */
  async authorizeChange(
    actor: Actor,
    id: string,
    consent: boolean,
    changeAt?: Date
  ): Promise<RelationshipResult> {
    const { relationship: r, side } = await this.forActor(actor, id);
    if (side !== CHANGE_DECIDER) {
      throw new NotAllowedError('relationships:errors.resellerDecides');
    }
    if (consentRequired(side, 'authorizeChange') && !consent) {
      throw new InvalidError('relationships:errors.consentRequired');
    }
    const change = waitingChange(r);
    if (!change || (changeAt && !sameTime(change.at, changeAt))) {
      return { relationship: r, changedNow: false };
    }
    if (!sameTime(change.fromExpiresAt, r.expiresAt)) {
      throw new ConflictError('relationships:errors.changeStale');
    }
    const extending = !sameTime(change.expiresAt, r.expiresAt);
    return this.move(
      actor,
      r,
      'active',
      {
        state: 'active',
        event: this.changeEvent(actor, r, change, 'changeAuthorized'),
        set: { grant: change.grant, ...(extending ? { expiresAt: change.expiresAt } : {}) },
        clearPendingChange: true,
      },
      { expiresAt: r.expiresAt, pendingChangeAt: change.at }
    );
  }

  /** The reseller declines the change its provider asked for: everything stays as it was. */
  async declineChange(actor: Actor, id: string, changeAt?: Date): Promise<RelationshipResult> {
    const { relationship: r, side } = await this.forActor(actor, id);
    if (side !== CHANGE_DECIDER) {
      throw new NotAllowedError('relationships:errors.resellerDecides');
    }
    const change = waitingChange(r);
    if (!change || (changeAt && !sameTime(change.at, changeAt))) {
      return { relationship: r, changedNow: false };
    }
    return this.move(
      actor,
      r,
      'active',
      {
        state: 'active',
        event: this.changeEvent(actor, r, change, 'changeDeclined'),
        clearPendingChange: true,
      },
      { pendingChangeAt: change.at }
    );
  }

  /**
   * A provider's bulk change over its active relationships (all, or those expiring soon): add
   * `durationDays` to each end, or switch auto-extend on. Each is a request its reseller must
   * authorize, exactly as a single one is; one the change does not fit (past 730 days from
   * today, Global Administrator with auto-extend) is left as it is. No cap: each is its own
   * conditional update, so a concurrent change to one is simply left as it is.
   */
  async bulk(
    actor: Actor,
    change:
      | { readonly kind: 'extend'; readonly durationDays: number }
      | { readonly kind: 'autoExtendOn' },
    filter: { readonly expiringSoon: boolean }
  ): Promise<BulkResult> {
    const provider = await this.actingPartner(actor, 'provider');
    if (
      change.kind === 'extend' &&
      !(
        Number.isInteger(change.durationDays) &&
        change.durationDays >= MIN_DURATION_DAYS &&
        change.durationDays <= MAX_DURATION_DAYS
      )
    ) {
      // A field's problem: the list card comes back with the days typed and this under them.
      refuseFields([
        {
          field: 'durationDays',
          key: 'relationships:errors.bulkDays',
          values: { min: MIN_DURATION_DAYS, max: MAX_DURATION_DAYS },
        },
      ]);
    }
    const targets = await this.activeOf(provider.id, filter.expiringSoon);
    let asked = 0;
    let unchanged = 0;
    for (const r of targets) {
      try {
        const result =
          change.kind === 'extend'
            ? await this.extend(actor, r.id, { days: change.durationDays })
            : await this.autoExtendOn(actor, r.id);
        if (result.changedNow) asked++;
        else unchanged++;
      } catch (err) {
        // One this change does not fit (past the 730-day limit, Global Administrator).
        if (!(err instanceof InvalidError || err instanceof ConflictError)) throw err;
        unchanged++;
      }
    }
    this.log.info({ kind: change.kind, asked, unchanged }, 'bulk relationship change');
    return { asked, unchanged };
  }

  /** How many active relationships a provider's bulk change would touch. */
  async bulkCount(actor: Actor, filter: { readonly expiringSoon: boolean }): Promise<number> {
    const provider = await this.actingPartner(actor, 'provider');
    return (await this.activeOf(provider.id, filter.expiringSoon)).length;
  }

  /** One relationship as the actor's side sees it (any role of either partner may look). */
  async view(actor: Actor, id: string): Promise<RelationshipView> {
    return this.viewOf(actor, await this.deps.relationships.get(id));
  }

  /**
   * `view` of a relationship already in hand (what a click's transition returned), with the
   * same checks, without reading it again.
   */
  async viewOf(actor: Actor, relationship: Relationship | null): Promise<RelationshipView> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    const side = sideOf(relationship, partner.id);
    if (!relationship || !side) throw new NotFoundError('relationships:errors.notFound');
    return this.withPartners(relationship, side);
  }

  /** Both partners of a relationship, for cards and notices. */
  async withPartners(
    relationship: Relationship,
    side: 'provider' | 'reseller'
  ): Promise<RelationshipView> {
    const [view] = await this.withPartnersMany([relationship], side);
    return view!;
  }

  /**
   * Views of a page of relationships: their partners in one read and their GDAP in one more,
   * whatever the page's size (a dashboard page of 50 rows was 150 reads, one row at a time).
   */
  async withPartnersMany(
    relationships: readonly Relationship[],
    side: 'provider' | 'reseller'
  ): Promise<RelationshipView[]> {
    if (!relationships.length) return [];
    // A pending request has none: GDAP follows access that was granted.
    const granted = relationships.filter((r) => r.state !== 'pending');
    const [partners, gdap] = await Promise.all([
      this.deps.partners.getMany(relationships.flatMap((r) => [r.providerRef, r.resellerRef])),
      this.gdapOf && granted.length ? this.gdapOf(granted) : undefined,
    ]);
    const byId = new Map(partners.map((p) => [p.id, p]));
    const now = this.deps.now();
    return relationships.map((relationship) => {
      const provider = byId.get(relationship.providerRef);
      const reseller = byId.get(relationship.resellerRef);
      if (!provider || !reseller) throw new NotFoundError('relationships:errors.notFound');
      const extendRoom = Math.max(0, extensionRoom(relationship, now));
      const shown = gdap?.get(relationship.id);
      return {
        relationship,
        side,
        provider,
        reseller,
        extendRoom,
        ...(shown ? { gdap: shown } : {}),
      };
    });
  }

  /** Lets every view of a relationship show its GDAP relationship (set once, at start). */
  lookUpGdapWith(
    lookup: (
      relationships: readonly Relationship[]
    ) => Promise<ReadonlyMap<string, GdapShown | undefined>>
  ): void {
    this.gdapOf = lookup;
  }

  /**
   * A page of the actor's Indirect providers (a reseller) or Indirect resellers (a provider):
   * active first, then pending, then closed (newest first in each); or one kind of state; or
   * `expiringSoon`, the active ones ending within 30 days, soonest first. `text` keeps those
   * with a partner whose name starts so, or whose PartnerID it is.
   */
  async page(
    actor: Actor,
    opts: {
      readonly page: number;
      readonly expiringSoon?: boolean;
      readonly filter?: ListFilter;
      readonly text?: string;
      /** One state exactly (the dashboard's filter), instead of `filter`'s groups. */
      readonly state?: RelationshipState;
      /** Rows per page (the dashboard's tables); default the cards' PAGE_SIZE. */
      readonly pageSize?: number;
      readonly sort?: RelationshipSort;
    }
  ): Promise<Page<RelationshipView> & { readonly side: 'provider' | 'reseller' }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    if (partner.status !== 'approved')
      throw new NotAllowedError('relationships:errors.notApproved');
    const side = partner.partnerType;
    const page = Math.max(0, Math.floor(opts.page));
    const filter: ListFilter = opts.expiringSoon ? 'expiringSoon' : (opts.filter ?? 'all');
    const text = (opts.text ?? '').trim().slice(0, 100);
    const otherRefs = text ? await this.partnersNamed(side, text) : undefined;
    const states = opts.state ? [opts.state] : FILTER_STATES[filter];
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(opts.pageSize ?? PAGE_SIZE)));
    const { items, total } = await this.deps.relationships.listPage({
      partnerRef: partner.id,
      side,
      ...(filter === 'expiringSoon'
        ? { expiringBefore: new Date(this.deps.now().getTime() + days(EXPIRING_SOON_DAYS)) }
        : {}),
      ...(states ? { states } : {}),
      ...(filter === 'all' && !opts.state ? { activeFirst: true } : {}),
      ...(opts.sort ? { sort: opts.sort } : {}),
      ...(otherRefs ? { otherRefs } : {}),
      skip: page * size,
      limit: size,
    });
    const views = await this.withPartnersMany(items, side);
    return {
      items: views,
      total,
      page,
      pageCount: Math.max(1, Math.ceil(total / size)),
      side,
    };
  }

  /** The partners of the other side a list's search means: a PartnerID, or a name's start. */
  private async partnersNamed(side: 'provider' | 'reseller', text: string): Promise<string[]> {
    const other = side === 'provider' ? 'reseller' : 'provider';
    if (/^\d{5,10}$/.test(text)) {
      const byId = await this.deps.partners.findByPartnerId(text);
      return byId && byId.partnerType === other ? [byId.id] : [];
    }
    const { items } = await this.deps.partners.searchDirectory({
      partnerType: other,
      namePrefix: text,
      skip: 0,
      limit: SEARCH_PARTNERS,
      countUpTo: SEARCH_PARTNERS,
    });
    return items.map((p) => p.id);
  }

  /**
   * The directory of approved indirect providers a reseller may ask: by default those of its
   * own country/region, by the start of the name (or an exact PartnerID), in name order.
   */
  async directory(
    actor: Actor,
    opts: {
      readonly text?: string;
      readonly everywhere?: boolean;
      readonly page: number;
      /** Rows per page (the dashboard's directory); default the cards' PAGE_SIZE. */
      readonly pageSize?: number;
    }
  ): Promise<Page<DirectoryEntry> & { readonly country?: string }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    if (partner.status !== 'approved')
      throw new NotAllowedError('relationships:errors.notApproved');
    if (partner.partnerType !== 'reseller') {
      throw new NotAllowedError('relationships:errors.only_reseller');
    }
    const text = (opts.text ?? '').trim().slice(0, 100);
    const page = Math.max(0, Math.floor(opts.page));
    const country = opts.everywhere ? undefined : partner.tenantCountry;
    if (/^\d{5,10}$/.test(text)) {
      // A PartnerID is exact, wherever the provider is.
      const byId = await this.deps.partners.findByPartnerId(text);
      const found = byId?.status === 'approved' && byId.partnerType === 'provider' ? [byId] : [];
      const items = await this.withOpen(partner, found);
      return { items, total: items.length, page: 0, pageCount: 1 };
    }
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(opts.pageSize ?? PAGE_SIZE)));
    const skip = page * size;
    const { items, total, more } = await this.deps.partners.searchDirectory({
      partnerType: 'provider',
      ...(country ? { country } : {}),
      ...(text ? { namePrefix: text } : {}),
      skip,
      limit: size,
      countUpTo: directoryCountUpTo({ skip, limit: size }),
    });
    return {
      items: await this.withOpen(partner, items),
      total,
      page,
      pageCount: Math.max(1, Math.ceil(total / size)),
      ...(more ? { more } : {}),
      ...(country ? { country } : {}),
    };
  }

  /**
   * The reseller's pending or active relationship with a provider, if any: a second request
   * would be refused, so the directory and the request form open this one instead.
   */
  async openWith(actor: Actor, providerRef: PartnerRef): Promise<Relationship | null> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    if (partner.partnerType !== 'reseller') return null;
    return this.deps.relationships.findOpen(providerRef, partner.id);
  }

  /** Directory rows with the reseller's open relationship (one indexed lookup per row shown). */
  private async withOpen(reseller: Partner, providers: readonly Partner[]) {
    return Promise.all(
      providers.map(async (provider): Promise<DirectoryEntry> => {
        const open = await this.deps.relationships.findOpen(provider.id, reseller.id);
        return open ? { provider, open: { id: open.id, state: open.state } } : { provider };
      })
    );
  }

  /** The actor's approved provider, when they are of one (any role): else undefined. */
  async viewingProvider(actor: Actor): Promise<Partner | undefined> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    return partner.status === 'approved' && partner.partnerType === 'provider'
      ? partner
      : undefined;
  }

  /** A partner's relationships on one side (who may see them: any role on that partner). */
  async list(actor: Actor, side: 'provider' | 'reseller'): Promise<Relationship[]> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.view');
    return this.deps.relationships.listFor(partner.id, side);
  }

  /**
   * Moves what is due: pending requests after 90 days, and active access at its end, which
   * auto-extend renews by 180 days instead. Returns how many records it changed.
   */
  async sweep(): Promise<number> {
    const now = this.deps.now();
    const due = await this.deps.relationships.listExpiring(now, SWEEP_BATCH);
    let changed = 0;
    for (const r of due) {
      const renew = isActive(r) && r.grant.autoExtend;
      const change: RelationshipChange = renew
        ? {
            state: 'active',
            event: { ...this.systemEvent('active', 'active', r), note: 'autoExtended' },
            set: { expiresAt: new Date(r.expiresAt.getTime() + days(AUTO_EXTEND_DAYS)) },
          }
        : { state: 'expired', event: this.systemEvent(r.state, 'expired', r) };
      // Guarded by expiresAt too: an Extend that got there first is not undone.
      const updated = await this.deps.relationships.transition(r.id, r.state, change, {
        expiresAt: r.expiresAt,
      });
      if (!updated) continue;
      changed++;
      await this.deps.notices.afterTransition(updated);
    }
    return changed + (await this.remind());
  }

  /**
   * Reminders 30, 7 and 1 days before access ends, to both sides: the most urgent first, so a
   * relationship found 5 days before its end gets the 7-day one and never the 30-day one after.
   * Each is claimed in one conditional update (with the notice stamp), so it goes out once.
   */
  private async remind(): Promise<number> {
    const now = this.deps.now();
    const thresholds = [...REMINDER_DAYS].sort((a, b) => a - b);
    let sent = 0;
    for (const [i, d] of thresholds.entries()) {
      const due = await this.deps.relationships.listReminderDue(
        d,
        new Date(now.getTime() + days(d)),
        SWEEP_BATCH
      );
      for (const r of due) {
        const claimed = await this.deps.relationships.claimReminder(
          r.id,
          r.expiresAt,
          thresholds.slice(i),
          now
        );
        if (!claimed) continue;
        sent++;
        await this.deps.notices.afterTransition(claimed);
      }
    }
    return sent;
  }

  private async activeOf(providerRef: PartnerRef, expiringSoon: boolean): Promise<Relationship[]> {
    const soon = new Date(this.deps.now().getTime() + days(EXPIRING_SOON_DAYS));
    return (await this.deps.relationships.listFor(providerRef, 'provider')).filter(
      (r) => isActive(r) && (!expiringSoon || r.expiresAt < soon)
    );
  }

  private async open(
    actor: Actor,
    o: {
      provider: Partner;
      reseller: Partner;
      initiatedBy: 'reseller' | 'provider';
      grantInput: unknown;
      /** Who proposed it, when not the actor (the provider whose invitation was accepted). */
      by?: PersonRef;
    }
  ): Promise<Relationship> {
    const grant = this.grantOf(o.grantInput);
    const now = this.deps.now();
    try {
      const created = await this.deps.relationships.create({
        providerRef: o.provider.id,
        resellerRef: o.reseller.id,
        state: 'pending',
        initiatedBy: o.initiatedBy,
        grant,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + days(PENDING_DAYS)),
        history: [
          { at: now, by: o.by ?? person(actor), from: null, to: 'pending', roles: grant.roles },
        ],
        noticeOwedAt: now,
      });
      this.log.info(
        { relationshipRef: created.id, initiatedBy: o.initiatedBy },
        'relationship requested'
      );
      await this.deps.notices.afterTransition(created);
      return created;
    } catch (err) {
      if (err instanceof DuplicateRelationshipError) {
        throw new ConflictError('relationships:errors.alreadyConnected', {
          provider: o.provider.legalName,
          reseller: o.reseller.legalName,
        });
      }
      throw err;
    }
  }

  /**
   * Records what the provider asked for as the relationship's waiting change (a newer request
   * replaces the one it read): nothing else changes, and the reseller is asked to authorize it.
   */
  private async ask(
    actor: Actor,
    r: Relationship,
    wanted: { readonly grant: AccessGrant; readonly expiresAt: Date }
  ): Promise<RelationshipResult> {
    const now = this.deps.now();
    const change: PendingChange = {
      ...wanted,
      fromExpiresAt: r.expiresAt,
      by: person(actor),
      at: now,
    };
    return this.move(
      actor,
      r,
      'active',
      {
        state: 'active',
        event: this.changeEvent(actor, r, change, 'changeRequested'),
        set: { pendingChange: change },
      },
      { expiresAt: r.expiresAt, pendingChangeAt: r.pendingChange?.at ?? null }
    );
  }

  private changeEvent(
    actor: Actor,
    r: Relationship,
    change: PendingChange,
    note: 'changeRequested' | 'changeAuthorized' | 'changeDeclined'
  ): RelationshipEvent {
    return {
      ...this.event(actor, 'active', 'active', r),
      roles: change.grant.roles,
      note,
      fromExpiresAt: change.fromExpiresAt,
      toExpiresAt: change.expiresAt,
      autoExtend: change.grant.autoExtend,
    };
  }

  private async move(
    actor: Actor,
    relationship: Relationship,
    from: RelationshipState,
    change: RelationshipChange,
    guard?: RelationshipGuard
  ): Promise<RelationshipResult> {
    const updated = await this.deps.relationships.transition(relationship.id, from, change, guard);
    if (!updated) {
      // Someone else's click (or this one, replayed) got there first: show what it did.
      const current = await this.deps.relationships.get(relationship.id);
      if (!current) throw new NotFoundError('relationships:errors.notFound');
      return { relationship: current, changedNow: false };
    }
    this.log.info(
      { relationshipRef: updated.id, from, to: change.state, by: actor.aadObjectId },
      'relationship changed'
    );
    await this.deps.notices.afterTransition(updated);
    return { relationship: updated, changedNow: true };
  }

  /** The actor's approved partner of the given type, and their right to manage relationships. */
  private async actingPartner(actor: Actor, type: 'reseller' | 'provider'): Promise<Partner> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.manage');
    if (partner.status !== 'approved')
      throw new NotAllowedError('relationships:errors.notApproved');
    if (partner.partnerType !== type) {
      throw new NotAllowedError(`relationships:errors.only_${type}`);
    }
    return partner;
  }

  private async approvedPartner(ref: PartnerRef, type: 'reseller' | 'provider'): Promise<Partner> {
    const partner = await this.deps.partners.get(ref);
    // Unknown, unapproved or of the other type: all look the same from outside.
    if (!partner || partner.status !== 'approved' || partner.partnerType !== type) {
      throw new NotFoundError(`relationships:errors.no_${type}`);
    }
    return partner;
  }

  /**
   * The relationship and the actor's side of it. One of another pair is not found, whatever the
   * actor's roles: a user never learns that another tenant's relationship exists.
   */
  private async forActor(
    actor: Actor,
    id: string
  ): Promise<{ relationship: Relationship; side: 'provider' | 'reseller' }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'relationships.manage');
    const relationship = await this.deps.relationships.get(id);
    const side = sideOf(relationship, partner.id);
    if (!relationship || !side) throw new NotFoundError('relationships:errors.notFound');
    return { relationship, side };
  }

  /** The grant, or every problem of the form at once: the grant's and the form's `others`. */
  private grantOf(input: unknown, others: readonly FieldProblem[] = []) {
    const checked = checkGrant(input);
    refuseFields([...others, ...(checked.ok ? [] : checked.problems)]);
    if (!checked.ok) throw new InvalidError();
    return checked.grant;
  }

  private event(
    actor: Actor,
    from: RelationshipState,
    to: RelationshipState,
    r: Relationship
  ): RelationshipEvent {
    return { at: this.deps.now(), by: person(actor), from, to, roles: r.grant.roles };
  }

  private systemEvent(
    from: RelationshipState,
    to: RelationshipState,
    r: Relationship
  ): RelationshipEvent {
    return { at: this.deps.now(), by: 'system', from, to, roles: r.grant.roles };
  }
}

function sameTime(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}

/** Refuses a Resend within the hour after the last, saying when the next one is possible. */
function refuseEarlyResend(r: Relationship, now: Date): void {
  const next = (r.lastResentAt?.getTime() ?? 0) + RESEND_EVERY_MS;
  if (next <= now.getTime()) return;
  throw new ConflictError('relationships:errors.resendTooSoon', {
    count: Math.ceil((next - now.getTime()) / 60_000),
  });
}

function person(actor: Actor): PersonRef {
  return { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, name: actor.name };
}
