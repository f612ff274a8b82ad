import type { Logger } from '../../logging/logger.js';
import { CodeThrottle } from './code-throttle.js';
import {
  isCustomerAdmin,
  type Customer,
  type CustomerLink,
  type CustomerRepository,
} from '../customers/customer.js';
import {
  ConflictError,
  ExpiredError,
  InvalidError,
  NotAllowedError,
  NotFoundError,
  refuseFields,
} from '../errors.js';
import type { Actor } from '../partners/actor.js';
import type { MembershipService } from '../partners/membership.service.js';
import type { Partner, PartnerRef, PersonRef } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import { can } from '../partners/roles.js';
import type { RelationshipRepository } from '../relationships/relationship-repository.port.js';
import { isActive, type Relationship } from '../relationships/relationship.js';
import {
  answerRefusal,
  changeOwes,
  customerInviteRefusal,
  INVITATION_FILTER_STATES,
  isPartyOf,
  shownInFull,
  mayResend,
  mayRevoke,
  answeredBy,
  personKey,
  resendAllowedAt,
  RESEND_INTERVAL_MS,
  revokedWithRelationship,
  stateAt,
  type Invitation,
  type InvitationEvent,
  type InvitationListFilter,
  type InvitationState,
} from './invitation.js';
import {
  DuplicateInvitationSecretError,
  type CodeGuessRepository,
  type InvitationChange,
  type InvitationRepository,
  type InvitationSort,
} from './invitation-repository.port.js';
import {
  looksLikeToken,
  newCode,
  newToken,
  normalizeCode,
  type InvitationSecrets,
  type SecretHasher,
} from './invitation-secrets.js';

const DAY_MS = 24 * 60 * 60_000;
/** Wrong codes a person may type in the window before being locked out. */
export { MAX_WRONG_CODES, GUESS_WINDOW_MS, LOCKOUT_MS } from './code-throttle.js';
export const PAGE_SIZE = 5;
const SWEEP_BATCH = 100;
/** The most revoked invitations one relationship's notice counts (it names the first 20). */
const REVOKED_COUNTED = 1000;
/** A customer admin's address as the invite form takes it; also the card's `regex`. */
export const CUSTOMER_EMAIL_PATTERN = `^[^\\s@<>"'(),;:]+@[^\\s@<>"'(),;:]+\\.[^\\s@<>"'(),;:]+$`;
const EMAIL = new RegExp(CUSTOMER_EMAIL_PATTERN);
/** The company name the invite form takes: 2 to 120 characters once spaces are collapsed. */
export const COMPANY_NAME_PATTERN = '^\\s*\\S[\\s\\S]*\\S\\s*$';

/**
 * Queues the invitation mail (link and code) to the customer admin's address: the outbox sends
 * it after the click, with retries, and tells the inviter's card how it went.
 */
export interface InvitationMailer {
  invited(view: InvitationView, secrets: InvitationSecrets): Promise<void>;
}

/** Tells the parties what an invitation's last change means (cards in place, notices). */
export interface InvitationNotifier {
  changed(view: InvitationView): Promise<void>;
  /** A customer ended its link: its reseller (and provider) are told, once per link. */
  linkEnded?(ended: EndedLink): Promise<void>;
  /**
   * A provider relationship ended or expired and its open invitations were revoked: the
   * reseller is told once per relationship, with every company whose invitation it cost.
   */
  revokedWithRelationship?(revoked: RevokedWithRelationship): Promise<void>;
}

/** The invitations revoked because the relationship they named ended. */
export interface RevokedWithRelationship {
  readonly relationshipRef: string;
  readonly reseller: Partner;
  readonly provider: Partner;
  readonly companies: readonly string[];
}

/** A customer's link as it ended: who, and the partners to tell. */
export interface EndedLink {
  readonly customer: Customer;
  readonly link: CustomerLink;
  readonly reseller: Partner;
  readonly provider?: Partner;
}

export interface InvitationServiceDeps {
  readonly invitations: InvitationRepository;
  readonly guesses: CodeGuessRepository;
  /** Keys the stored token and code hashes (`INVITATION_CODE_KEY`). */
  readonly hasher: SecretHasher;
  readonly customers: CustomerRepository;
  readonly partners: PartnerRepository;
  readonly relationships: Pick<RelationshipRepository, 'get' | 'listFor'>;
  readonly memberships: MembershipService;
  /** Settles what a transition owes (left owed for the sweep if that fails). */
  readonly notices: { afterTransition(invitation: Invitation): Promise<void> };
  readonly notifier: InvitationNotifier;
  /**
   * Does what an ended customer link owes (its stamp set by `endLink`): the partners' notices
   * and other features' listeners, repeated by the sweep after a crash. Without it the notifier
   * is told directly.
   */
  readonly linkNotices?: { afterTransition(link: CustomerLink): Promise<void> };
  readonly mailer: InvitationMailer;
  /**
   * Told of each new invitation, awaited before the inviter is answered; a failure is logged,
   * never the inviter's. Not stamped: a crash right after the insert loses it, so what must not
   * be lost listens to the creation's owed work instead (`notices`; webhooks do).
   */
  readonly created?: (view: InvitationView) => Promise<void>;
  readonly expiryDays: number;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** An invitation with the partners it names, as every card and page shows it. */
export interface InvitationView {
  readonly invitation: Invitation;
  /** The state as of now: a pending invitation past its date reads as expired. */
  readonly state: InvitationState;
  readonly reseller: Partner;
  readonly provider?: Partner;
}

/** What the inviter gets back once: the invitation and the secrets no one can read again. */
export interface CreatedInvitation {
  readonly view: InvitationView;
  readonly secrets: InvitationSecrets;
  /**
   * 'queued': the outbox sends the mail after the click; 'failed': it could not even be queued
   * (the card still has the link); 'none': no address was given.
   */
  readonly mailed: 'queued' | 'failed' | 'none';
}

export interface InvitationResult {
  readonly view: InvitationView;
  readonly changedNow: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly pageCount: number;
}

/** A customer as the reseller's or provider's `customers` page lists it. */
/** Customers on one page of `customers`: readable, and far under Teams' card size limit. */
export const CUSTOMERS_PAGE_SIZE = 10;

export interface CustomerRow {
  readonly customer: Customer;
  readonly link: CustomerLink;
  readonly reseller?: Partner;
  readonly provider?: Partner;
}

export interface CustomerInviteInput {
  readonly companyName: string;
  readonly adminEmail?: string;
  readonly note?: string;
  /** One of the reseller's active relationships: "with my indirect provider". */
  readonly relationshipRef?: string;
}

/**
 * Customer invitations: a reseller (Global admin, Admin agent, Sales agent) invites a customer,
 * alone or with one of its indirect providers; the customer accepts in Teams by code or link.
 * Tokens and codes are stored only as keyed hashes, single use and expiring; codes are
 * throttled per person and per organization. Every transition is one conditional update, so
 * two clicks accept once.
 */
export class InvitationService {
  private readonly log: Logger;

  private readonly throttle: CodeThrottle;

  constructor(private readonly deps: InvitationServiceDeps) {
    this.log = deps.logger.child({ module: 'invitations' });
    this.throttle = new CodeThrottle(deps.guesses, deps.hasher, deps.now, (failures) =>
      this.log.warn({ failures }, 'wrong invitation code')
    );
  }

  /** The reseller's active relationships, for "with my indirect provider". */
  async providersFor(actor: Actor): Promise<{ relationshipRef: string; provider: Partner }[]> {
    const reseller = await this.invitingReseller(actor);
    const list = await this.deps.relationships.listFor(reseller.id, 'reseller');
    const active = list.filter(isActive);
    const rows = await Promise.all(
      active.map(async (r) => ({
        relationshipRef: r.id,
        provider: await this.deps.partners.get(r.providerRef),
      }))
    );
    return rows.filter((r): r is { relationshipRef: string; provider: Partner } => !!r.provider);
  }

  /** A reseller invites a customer; the answer holds the link's token and the code, once. */
  async inviteCustomer(actor: Actor, input: CustomerInviteInput): Promise<CreatedInvitation> {
    const reseller = await this.invitingReseller(actor);
    const companyName = input.companyName.trim().replace(/\s+/g, ' ');
    const adminEmail = input.adminEmail?.trim() || undefined;
    const note = input.note?.trim() || undefined;
    // The form's fields refused together, each shown next to its input.
    refuseFields([
      ...(companyName.length < 2 || companyName.length > 120
        ? [{ field: 'companyName', key: 'invitations:errors.companyName' }]
        : []),
      ...(adminEmail && (adminEmail.length > 254 || !EMAIL.test(adminEmail))
        ? [{ field: 'adminEmail', key: 'invitations:errors.email' }]
        : []),
      ...(note && note.length > 500 ? [{ field: 'note', key: 'invitations:errors.note' }] : []),
    ]);
    let provider: Partner | undefined;
    if (input.relationshipRef) {
      const r = await this.deps.relationships.get(input.relationshipRef);
      if (!r || r.resellerRef !== reseller.id || !isActive(r)) {
        throw new NotFoundError('invitations:errors.noRelationship');
      }
      provider = (await this.deps.partners.get(r.providerRef)) ?? undefined;
      if (!provider) throw new NotFoundError('invitations:errors.noRelationship');
    }
    const now = this.deps.now();
    for (let attempt = 0; ; attempt++) {
      const secrets = { token: newToken(), code: newCode('customer') };
      try {
        const invitation = await this.deps.invitations.create({
          kind: 'customer',
          state: 'pending',
          partnerRef: reseller.id,
          customer: {
            resellerRef: reseller.id,
            ...(provider
              ? { relationshipRef: input.relationshipRef, providerRef: provider.id }
              : {}),
            companyName,
            ...(adminEmail ? { adminEmail } : {}),
            ...(note ? { note } : {}),
          },
          ...this.hashes(secrets),
          invitedBy: person(actor),
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.deps.expiryDays * DAY_MS),
          openedBy: [],
          history: [{ at: now, by: person(actor), from: null, to: 'pending' }],
          // Stamped in the insert: what the creation owes others (webhooks' invitation.created)
          // is owed work, so a crash right after the insert leaves it to the sweep.
          noticeOwedAt: now,
        });
        this.log.info(
          { invitationRef: invitation.id, withProvider: !!provider },
          'customer invited'
        );
        const view = this.viewOf(invitation, reseller, provider);
        await this.deps.notices.afterTransition(invitation);
        await this.announce(view);
        return { view, secrets, mailed: await this.mail(view, secrets) };
      } catch (err) {
        if (err instanceof DuplicateInvitationSecretError && attempt < 3) continue;
        throw err;
      }
    }
  }

  /**
   * `accept <code>` or `accept <token>` (the page's Open in Teams): the invitation the code
   * opens, recorded as opened by this person so their Accept / Decline counts. Codes are
   * counted per person and organization before the lookup (CodeThrottle). A dead invitation
   * outside its parties is only "no longer valid" (`mayLearnOutcome`).
   */
  async open(actor: Actor, typed: string): Promise<InvitationView> {
    const key = personKey(actor);
    const text = typed.trim();
    let invitation: Invitation | null;
    if (looksLikeToken(text)) {
      // 256 random bits: nothing to throttle.
      invitation = await this.deps.hasher.find(text, (hash) =>
        this.deps.invitations.findByTokenHash(hash)
      );
      if (!invitation) throw new NotFoundError('invitations:errors.unknownLink');
    } else {
      const code = normalizeCode(text);
      if (!code) throw new InvalidError('invitations:errors.codeFormat');
      invitation = await this.throttle.lookup(actor, code, (hash) =>
        this.deps.invitations.findByCodeHash(hash)
      );
    }
    const view = await this.view(invitation);
    // A used, revoked or expired code found outside its parties: that it is dead, and nothing
    // more (who accepted it is the customer's business), and no opener to let them see it later.
    if (!(await this.shownInFull(actor, view))) {
      throw new ConflictError('invitations:errors.noLongerValid');
    }
    await this.deps.invitations.addOpener(invitation.id, key);
    return view;
  }

  /** The invitation as the link's page shows it; null for a token nobody issued. */
  async byToken(token: string): Promise<InvitationView | null> {
    if (!looksLikeToken(token)) return null;
    const invitation = await this.deps.hasher.find(token, (hash) =>
      this.deps.invitations.findByTokenHash(hash)
    );
    return invitation ? this.view(invitation) : null;
  }

  /**
   * A link pasted into a chat, as its card may show it to the person who pasted it: a live
   * invitation in full; a used, revoked or expired one in full to its parties only, for anyone
   * else `outcomeShown: false` (the card says no longer valid). Null for a token nobody issued.
   */
  async linkPreview(
    actor: Actor,
    token: string
  ): Promise<{ readonly view: InvitationView; readonly outcomeShown: boolean } | null> {
    const view = await this.byToken(token);
    if (!view) return null;
    return {
      view,
      outcomeShown: await this.shownInFull(actor, view),
    };
  }

  /** An invitation the actor opened (Accept / Decline cards), or the inviting partner's. */
  async get(actor: Actor, id: string): Promise<InvitationView> {
    const invitation = await this.deps.invitations.get(id);
    if (!invitation) throw new NotFoundError('invitations:errors.notFound');
    if (!invitation.openedBy.includes(personKey(actor))) {
      const view = await this.view(invitation);
      if (!(await this.isPartnerOf(actor, view))) {
        throw new NotFoundError('invitations:errors.notFound');
      }
      return view;
    }
    return this.view(invitation);
  }

  /**
   * The customer accepts: the invitation moves once (conditional on pending and unexpired);
   * the customer (by tenant), its links and the admin follow in the settle step, which the
   * owed-notice sweep repeats after a crash.
   */
  async accept(actor: Actor, id: string): Promise<InvitationResult> {
    const view = await this.decidable(actor, id);
    // Answered already by this very person: their second click is told it is done.
    if (answeredBy(view.invitation, view.state, actor)) return { view, changedNow: false };
    const now = this.deps.now();
    await this.providerStillActive(view, now);
    return this.move(
      actor,
      view,
      {
        state: 'accepted',
        event: this.event(actor, 'pending', 'accepted'),
        set: {
          decidedBy: person(actor),
          decidedAt: now,
          ...(actor.email ? { decidedByEmail: actor.email } : {}),
        },
      },
      { expiresAfter: now }
    );
  }

  async decline(actor: Actor, id: string): Promise<InvitationResult> {
    const view = await this.decidable(actor, id);
    if (answeredBy(view.invitation, view.state, actor)) return { view, changedNow: false };
    const now = this.deps.now();
    return this.move(
      actor,
      view,
      {
        state: 'declined',
        event: this.event(actor, 'pending', 'declined'),
        set: { decidedBy: person(actor), decidedAt: now },
      },
      { expiresAfter: now }
    );
  }

  /**
   * An invitation "with provider P" is accepted only while the reseller still works with P:
   * after the relationship ended the customer would be told P may place orders for it.
   * Refused with the reason (rather than accepted as reseller only, which the customer did
   * not agree to); the reseller can send a new invitation.
   */
  private async providerStillActive(view: InvitationView, now: Date): Promise<void> {
    const ref = view.invitation.customer?.relationshipRef;
    if (!ref) return;
    const r = await this.deps.relationships.get(ref);
    // Past its date but not yet swept: still active only if auto-extend will renew it.
    const active =
      !!r &&
      isActive(r) &&
      r.providerRef === view.invitation.customer?.providerRef &&
      (r.expiresAt > now || r.grant.autoExtend);
    if (!active) throw this.providerGone(view);
  }

  private providerGone(view: InvitationView): Error {
    return new ConflictError('invitations:errors.providerGone', {
      reseller: view.reseller.legalName,
      provider: view.provider?.legalName ?? '',
    });
  }

  /**
   * A provider relationship ended or expired: every pending invitation naming it is revoked
   * (each one conditional update, each card updated), then the reseller is told once. Run from
   * the relationship's owed notices, so a crash between the two is repeated by their sweep,
   * and the outbox key keeps the reseller's notice to one.
   */
  async relationshipEnded(relationship: Relationship): Promise<number> {
    if (relationship.state !== 'ended' && relationship.state !== 'expired') return 0;
    let revoked = 0;
    for (;;) {
      const batch = await this.deps.invitations.listNaming(relationship.id, 'pending', SWEEP_BATCH);
      for (const inv of batch) {
        const now = this.deps.now();
        const updated = await this.deps.invitations.transition(inv.id, 'pending', {
          state: 'revoked',
          event: {
            at: now,
            by: 'system',
            from: 'pending',
            to: 'revoked',
            note: 'relationshipEnded',
          },
        });
        if (!updated) continue;
        revoked++;
        await this.deps.notices.afterTransition(updated);
      }
      if (batch.length < SWEEP_BATCH) break;
    }
    // Every invitation this end revoked, this run's or an earlier, interrupted one's.
    const all = (
      await this.deps.invitations.listNaming(relationship.id, 'revoked', REVOKED_COUNTED)
    ).filter(revokedWithRelationship);
    if (revoked) {
      this.log.info(
        { relationshipRef: relationship.id, revoked },
        'invitations revoked: relationship ended'
      );
    }
    if (all.length === 0 || !this.deps.notifier.revokedWithRelationship) return revoked;
    const [reseller, provider] = await Promise.all([
      this.deps.partners.get(relationship.resellerRef),
      this.deps.partners.get(relationship.providerRef),
    ]);
    if (!reseller || !provider) return revoked;
    await this.deps.notifier.revokedWithRelationship({
      relationshipRef: relationship.id,
      reseller,
      provider,
      companies: all.map((i) => i.customer?.companyName ?? ''),
    });
    return revoked;
  }

  /** The inviting reseller takes a pending invitation back: its link and code die. */
  async revoke(actor: Actor, id: string): Promise<InvitationResult> {
    const view = await this.managed(actor, id);
    if (!mayRevoke(view.state)) throw this.refusal(view);
    return this.move(actor, view, {
      state: 'revoked',
      event: this.event(actor, 'pending', 'revoked'),
    });
  }

  /**
   * A new link and code for a pending or expired invitation, valid for the full period again;
   * the old ones stop working in the same update. At most once an hour per invitation: the
   * hour is claimed in that same conditional update, so concurrent Resends mail once.
   */
  async resend(actor: Actor, id: string): Promise<CreatedInvitation> {
    const view = await this.managed(actor, id);
    if (!mayResend(view.state)) throw this.refusal(view);
    const from = view.invitation.state;
    const now = this.deps.now();
    const wait = resendAllowedAt(view.invitation, now);
    if (wait) throw resendTooSoon(wait, now);
    const secrets = { token: newToken(), code: newCode(view.invitation.kind) };
    const updated = await this.deps.invitations.transition(
      view.invitation.id,
      from,
      {
        state: 'pending',
        event: { ...this.event(actor, from, 'pending'), note: 'resent' },
        set: {
          ...this.hashes(secrets),
          expiresAt: new Date(now.getTime() + this.deps.expiryDays * DAY_MS),
          lastResentAt: now,
        },
        clearOpeners: true,
      },
      { resentBefore: new Date(now.getTime() - RESEND_INTERVAL_MS) }
    );
    if (!updated) {
      // Another Resend claimed the hour a moment earlier, or the invitation moved on.
      const current = (await this.deps.invitations.get(id))!;
      const later = resendAllowedAt(current, now);
      if (later) throw resendTooSoon(later, now);
      throw this.refusal(await this.view(current));
    }
    this.log.info({ invitationRef: id }, 'invitation resent');
    await this.deps.notices.afterTransition(updated);
    const next = await this.view(updated);
    return { view: next, secrets, mailed: await this.mail(next, secrets) };
  }

  /** One page of the actor's partner's invitations, newest first. */
  async page(
    actor: Actor,
    page: number,
    search: {
      readonly filter?: InvitationListFilter;
      readonly text?: string;
      /** One state exactly (the dashboard's filter), instead of `filter`'s groups. */
      readonly state?: InvitationState;
      /** Rows per page (the dashboard's tables, at most 100); default the cards' PAGE_SIZE. */
      readonly pageSize?: number;
      readonly sort?: InvitationSort;
    } = {}
  ): Promise<Page<InvitationView>> {
    const { partner } = await this.deps.memberships.authorize(actor, 'customers.view');
    const p = Math.max(0, Math.floor(page));
    const size = Math.min(100, Math.max(1, Math.floor(search.pageSize ?? PAGE_SIZE)));
    const states = search.state ? [search.state] : INVITATION_FILTER_STATES[search.filter ?? 'all'];
    const text = (search.text ?? '').trim().slice(0, 100);
    const { items, total } = await this.deps.invitations.listPage({
      partnerRef: partner.id,
      ...(states ? { states } : {}),
      ...(text ? { companyPrefix: text } : {}),
      ...(search.sort ? { sort: search.sort } : {}),
      skip: p * size,
      limit: size,
    });
    return {
      items: await Promise.all(items.map((i) => this.view(i))),
      total,
      page: p,
      pageCount: Math.max(1, Math.ceil(total / size)),
    };
  }

  /** The actor partner's customers: a reseller's, or a provider's (sorted by reseller). */
  async customers(
    actor: Actor,
    page = 0
  ): Promise<{
    side: 'reseller' | 'provider';
    rows: CustomerRow[];
    page: number;
    pageCount: number;
  }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'customers.view');
    const side = partner.partnerType;
    const at = Math.max(0, Math.floor(page));
    const { items, total } = await this.deps.customers.pageLinks(
      side === 'reseller' ? { resellerRef: partner.id } : { providerRef: partner.id },
      at * CUSTOMERS_PAGE_SIZE,
      CUSTOMERS_PAGE_SIZE
    );
    return {
      side,
      rows: await this.rows(items),
      page: at,
      pageCount: Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE)),
    };
  }

  /**
   * Every customer of the actor's partner (a reseller's, or a provider's with their resellers),
   * newest first: the dashboard's table sorts, searches and pages them itself.
   */
  async allCustomers(
    actor: Actor
  ): Promise<{ side: 'reseller' | 'provider'; rows: CustomerRow[] }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'customers.view');
    const side = partner.partnerType;
    const links = await this.deps.customers.listLinks(
      side === 'reseller' ? { resellerRef: partner.id } : { providerRef: partner.id }
    );
    return { side, rows: await this.rows(links) };
  }

  /**
   * View customers on a relationship: the customers its provider and reseller share. Anyone of
   * either partner who may see customers; a relationship of another pair is not found.
   */
  async sharedCustomers(
    actor: Actor,
    relationshipRef: string
  ): Promise<{ provider: Partner; reseller: Partner; rows: CustomerRow[] }> {
    const { partner } = await this.deps.memberships.authorize(actor, 'customers.view');
    const r = await this.deps.relationships.get(relationshipRef);
    if (!r || (r.providerRef !== partner.id && r.resellerRef !== partner.id)) {
      throw new NotFoundError('relationships:errors.notFound');
    }
    const [provider, reseller] = await Promise.all([
      this.deps.partners.get(r.providerRef),
      this.deps.partners.get(r.resellerRef),
    ]);
    if (!provider || !reseller) throw new NotFoundError('relationships:errors.notFound');
    const links = (await this.deps.customers.listLinks({ providerRef: r.providerRef })).filter(
      (l) => l.resellerRef === r.resellerRef
    );
    return { provider, reseller, rows: await this.rows(links) };
  }

  /**
   * A customer's admin ends its link to a reseller (and the reseller's provider with it), after
   * a confirmation. One conditional update: a second click or admin sees who ended it.
   */
  async endLink(
    actor: Actor,
    linkRef: string
  ): Promise<EndedLink & { readonly changedNow: boolean }> {
    const customer = await this.deps.customers.findByTenant(actor.tenantId);
    if (!customer || !isCustomerAdmin(customer, actor)) {
      throw new NotFoundError('invitations:errors.noCustomer');
    }
    const link = await this.deps.customers.getLink(linkRef);
    if (!link || link.customerRef !== customer.id) {
      throw new NotFoundError('invitations:errors.noCustomer');
    }
    const by = { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, name: actor.name };
    const ended = await this.deps.customers.endLink(link.id, by, this.deps.now());
    const [reseller, provider] = await Promise.all([
      this.deps.partners.get(link.resellerRef),
      link.providerRef ? this.deps.partners.get(link.providerRef) : Promise.resolve(null),
    ]);
    if (!reseller) throw new NotFoundError('invitations:errors.noCustomer');
    const result = {
      customer,
      link: ended ?? link,
      reseller,
      ...(provider ? { provider } : {}),
    };
    if (ended) {
      this.log.info({ linkRef: link.id }, 'customer ended a reseller link');
      if (this.deps.linkNotices) await this.deps.linkNotices.afterTransition(ended);
      else await this.deps.notifier.linkEnded?.(result);
    }
    return { ...result, changedNow: !!ended };
  }

  /** An ended link with its customer and partners, as its notices tell it; none if gone. */
  async endedLink(link: CustomerLink): Promise<EndedLink | undefined> {
    const [customer, reseller, provider] = await Promise.all([
      this.deps.customers.get(link.customerRef),
      this.deps.partners.get(link.resellerRef),
      link.providerRef ? this.deps.partners.get(link.providerRef) : Promise.resolve(null),
    ]);
    if (!customer || !reseller) return undefined;
    return { customer, link, reseller, ...(provider ? { provider } : {}) };
  }

  /** One of the customer's links, for the End confirmation. */
  async linkOf(actor: Actor, linkRef: string): Promise<EndedLink> {
    const { customer, rows } = await this.partnersOfCustomer(actor);
    const row = rows.find((r) => r.link.id === linkRef);
    if (!row?.reseller) throw new NotFoundError('invitations:errors.noCustomer');
    return {
      customer,
      link: row.link,
      reseller: row.reseller,
      ...(row.provider ? { provider: row.provider } : {}),
    };
  }

  /** The customer's partners: its resellers and their providers (`partners`). */
  async partnersOfCustomer(actor: Actor): Promise<{ customer: Customer; rows: CustomerRow[] }> {
    const customer = await this.deps.customers.findByTenant(actor.tenantId);
    if (!customer || !isCustomerAdmin(customer, actor)) {
      throw new NotFoundError('invitations:errors.noCustomer');
    }
    const links = await this.deps.customers.listLinks({ customerRef: customer.id });
    return { customer, rows: await this.rows(links) };
  }

  /**
   * What an accepted invitation owes, idempotently: the customer (by the accepting tenant, the
   * accepting user its admin), its link to the reseller and provider, then the notices.
   */
  async settle(invitation: Invitation): Promise<void> {
    const view = await this.view(invitation);
    const by = invitation.decidedBy;
    const owes = changeOwes(invitation, view.state);
    if (owes.customerLink && invitation.customer && by) {
      const adminEmail = invitation.decidedByEmail;
      const domain = emailDomain(adminEmail) ?? emailDomain(invitation.customer.adminEmail);
      const customer = await this.deps.customers.upsertByTenant({
        tenantId: by.tenantId,
        companyName: invitation.customer.companyName,
        admin: by,
        ...(adminEmail ? { adminEmail } : {}),
        ...(domain ? { domain } : {}),
        at: invitation.decidedAt ?? this.deps.now(),
      });
      await this.deps.customers.addLink({
        customerRef: customer.id,
        resellerRef: invitation.customer.resellerRef,
        ...(invitation.customer.providerRef
          ? {
              providerRef: invitation.customer.providerRef,
              relationshipRef: invitation.customer.relationshipRef,
            }
          : {}),
        invitationRef: invitation.id,
        since: invitation.decidedAt ?? this.deps.now(),
      });
    }
    // The creation owes the cards nothing (its stamp is for other features' listeners).
    if (owes.copies.length === 0 && owes.told.length === 0) return;
    await this.deps.notifier.changed(view);
  }

  /**
   * Clean up expired: the partner's pending invitations past their date are marked expired
   * now rather than at the next sweep, so the list never shows one stuck pending.
   */
  async cleanUpExpired(actor: Actor): Promise<number> {
    const { partner } = await this.deps.memberships.authorize(actor, 'invitations.manage');
    let changed = 0;
    for (;;) {
      const done = await this.sweep(partner.id);
      changed += done;
      if (done < SWEEP_BATCH) return changed;
    }
  }

  /** Marks pending invitations past their date expired (each once); returns how many. */
  async sweep(partnerRef?: PartnerRef): Promise<number> {
    const now = this.deps.now();
    let changed = 0;
    for (const inv of await this.deps.invitations.listExpired(now, SWEEP_BATCH, partnerRef)) {
      const updated = await this.deps.invitations.transition(inv.id, 'pending', {
        state: 'expired',
        event: { at: now, by: 'system', from: 'pending', to: 'expired' },
      });
      if (!updated) continue;
      changed++;
      await this.deps.notices.afterTransition(updated);
    }
    return changed;
  }

  async view(invitation: Invitation): Promise<InvitationView> {
    const reseller = await this.deps.partners.get(invitation.partnerRef);
    if (!reseller) throw new NotFoundError('invitations:errors.notFound');
    const providerRef = invitation.customer?.providerRef;
    const provider = providerRef ? await this.deps.partners.get(providerRef) : null;
    return this.viewOf(invitation, reseller, provider ?? undefined);
  }

  private viewOf(invitation: Invitation, reseller: Partner, provider?: Partner): InvitationView {
    return {
      invitation,
      state: stateAt(invitation, this.deps.now()),
      reseller,
      ...(provider ? { provider } : {}),
    };
  }

  /** Why an invitation cannot be decided now: who did what, and when. */
  refusal(view: InvitationView): Error {
    const inv = view.invitation;
    const last = inv.history[inv.history.length - 1];
    // Dates as ISO days: the message reads the same in every language and time zone.
    const values = {
      name: last && last.by !== 'system' ? (last.by.name ?? '') : '',
      date: isoDay(inv.decidedAt ?? last?.at ?? inv.expiresAt),
    };
    if (view.state === 'expired') {
      return new ExpiredError('invitations:errors.state_expired', { date: isoDay(inv.expiresAt) });
    }
    if (revokedWithRelationship(inv)) return this.providerGone(view);
    return new ConflictError(`invitations:errors.state_${view.state}`, values);
  }

  /** Whether the actor works for the invitation's reseller or provider and may see customers. */
  private async isPartnerOf(actor: Actor, view: InvitationView): Promise<boolean> {
    const { partner, roles } = await this.deps.memberships.rolesOf(actor);
    // A colleague with no role is no partner user: the invitation (its customer) stays hidden.
    return !!partner && can('customers.view', roles) && isPartyOf(view.invitation, partner.id);
  }

  /** `shownInFull`, asking who the actor is to the invitation only when it is no longer live. */
  private async shownInFull(actor: Actor, view: InvitationView): Promise<boolean> {
    if (shownInFull(view.invitation, view.state, actor, false)) return true;
    return shownInFull(view.invitation, view.state, actor, await this.isPartnerOf(actor, view));
  }

  /**
   * The invitation the actor opened, not their own partner's, and still pending, or already
   * decided by this actor: their second click is told it is done, not refused (a typed result).
   */
  private async decidable(actor: Actor, id: string): Promise<InvitationView> {
    const invitation = await this.deps.invitations.get(id);
    if (!invitation) throw new NotFoundError('invitations:errors.notFound');
    const view = await this.view(invitation);
    const tenants = [view.reseller.tenantId, ...(view.provider ? [view.provider.tenantId] : [])];
    switch (answerRefusal(invitation, view.state, actor, tenants)) {
      case 'notOpened':
        throw new NotFoundError('invitations:errors.notFound');
      case 'ownTenant':
        throw new NotAllowedError('invitations:errors.ownTenant');
      case 'notPending':
        throw this.refusal(view);
    }
    return view;
  }

  /** An invitation of the actor's partner, which the actor may manage. */
  private async managed(actor: Actor, id: string): Promise<InvitationView> {
    const { partner } = await this.deps.memberships.authorize(actor, 'invitations.manage');
    const invitation = await this.deps.invitations.get(id);
    if (!invitation || invitation.partnerRef !== partner.id) {
      throw new NotFoundError('invitations:errors.notFound');
    }
    return this.view(invitation);
  }

  private async move(
    actor: Actor,
    view: InvitationView,
    change: InvitationChange,
    guard?: { readonly expiresAfter?: Date }
  ): Promise<InvitationResult> {
    const id = view.invitation.id;
    const updated = await this.deps.invitations.transition(id, 'pending', change, guard);
    if (!updated) {
      // Another click (or this one, replayed) got there first, or the date passed: say which.
      const current = await this.deps.invitations.get(id);
      if (!current) throw new NotFoundError('invitations:errors.notFound');
      const now = await this.view(current);
      // The actor's own other click (a double click) decided it: done, not refused.
      if (answeredBy(now.invitation, now.state, actor)) return { view: now, changedNow: false };
      throw this.refusal(now);
    }
    this.log.info({ invitationRef: id, to: change.state, by: actor.aadObjectId }, 'invitation');
    await this.deps.notices.afterTransition(updated);
    // The partners the click read are the same ones: the click reads them once.
    return { view: this.viewOf(updated, view.reseller, view.provider), changedNow: true };
  }

  private async invitingReseller(actor: Actor): Promise<Partner> {
    const { partner } = await this.deps.memberships.authorize(actor, 'customers.invite');
    const refusal = customerInviteRefusal(partner);
    if (refusal) throw new NotAllowedError(`invitations:errors.${refusal}`);
    return partner;
  }

  private async rows(links: readonly CustomerLink[]): Promise<CustomerRow[]> {
    const cache = new Map<PartnerRef, Promise<Partner | null>>();
    const partner = (ref: PartnerRef) => {
      if (!cache.has(ref)) cache.set(ref, this.deps.partners.get(ref));
      return cache.get(ref)!;
    };
    const rows = await Promise.all(
      links.map(async (link) => {
        const customer = await this.deps.customers.get(link.customerRef);
        const reseller = await partner(link.resellerRef);
        const provider = link.providerRef ? await partner(link.providerRef) : null;
        return customer
          ? {
              customer,
              link,
              ...(reseller ? { reseller } : {}),
              ...(provider ? { provider } : {}),
            }
          : undefined;
      })
    );
    return rows.filter((r): r is CustomerRow => !!r);
  }

  private async announce(view: InvitationView): Promise<void> {
    try {
      await this.deps.created?.(view);
    } catch (err) {
      this.log.error({ err, invitationRef: view.invitation.id }, 'invitation created: not told');
    }
  }

  private async mail(
    view: InvitationView,
    secrets: InvitationSecrets
  ): Promise<'queued' | 'failed' | 'none'> {
    if (!view.invitation.customer?.adminEmail) return 'none';
    try {
      await this.deps.mailer.invited(view, secrets);
      return 'queued';
    } catch (err) {
      this.log.error({ err, invitationRef: view.invitation.id }, 'invitation mail not queued');
      return 'failed';
    }
  }

  /**
   * The invitation as its inviter's card shows it once its mail went out or failed, or
   * undefined when that card no longer shows this link: the invitation moved on (accepted,
   * revoked...) or was resent (another link), so a late mail outcome redraws nothing.
   */
  async mailedView(id: string, token: string): Promise<InvitationView | undefined> {
    // Looked up by the token's hash, never compared as text (SECURITY.md).
    const invitation = await this.deps.hasher.find(token, (hash) =>
      this.deps.invitations.findByTokenHash(hash)
    );
    if (!invitation || invitation.id !== id || invitation.state !== 'pending') return undefined;
    return this.view(invitation);
  }

  private hashes(secrets: InvitationSecrets) {
    return {
      tokenHash: this.deps.hasher.hash(secrets.token),
      codeHash: this.deps.hasher.hash(normalizeCode(secrets.code)!),
    };
  }

  private event(actor: Actor, from: InvitationState, to: InvitationState): InvitationEvent {
    return { at: this.deps.now(), by: person(actor), from, to };
  }
}

/** The domain of an address (`a@contoso.com` -> `contoso.com`), lower-cased; none if it has none. */
function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  const domain =
    at > 0
      ? email!
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return domain.includes('.') ? domain : undefined;
}

function person(actor: Actor): PersonRef {
  return {
    tenantId: actor.tenantId,
    aadObjectId: actor.aadObjectId,
    ...(actor.name ? { name: actor.name } : {}),
  };
}

/** A Resend inside the hour: refused with how long until the next one may go. */
function resendTooSoon(at: Date, now: Date): Error {
  return new ConflictError('invitations:errors.resendTooSoon', {
    minutes: Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000)),
    time: `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  });
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
