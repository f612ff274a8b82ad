import type { Logger } from '../../logging/logger.js';
import {
  ConflictError,
  ExpiredError,
  InvalidError,
  NotAllowedError,
  NotFoundError,
} from '../errors.js';
import type { Actor } from '../partners/actor.js';
import { isPartnerId, PARTNER_ID_MESSAGE, type Partner } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import { CodeThrottle } from '../invitations/code-throttle.js';
import type { CodeGuessRepository } from '../invitations/invitation-repository.port.js';
import {
  KIND_LETTER,
  looksLikeToken,
  newCode,
  newToken,
  normalizeCode,
  type SecretHasher,
} from '../invitations/invitation-secrets.js';
import { days, PENDING_DAYS } from './access-grant.js';
import type { Relationship } from './relationship.js';
import { RESEND_EVERY_MS, type RelationshipService } from './relationship.service.js';
import {
  acceptance,
  isWaiting,
  unusableBecause,
  wasSentTo,
  type ResellerInvitation,
  type ResellerInvitationRepository,
  type UnusableReason,
} from './reseller-invitation.js';

/** How many waiting invitations the `resellers` list shows (newest first). */
const WAITING_SHOWN = 10;
/** The most a list of them may ask for (the dashboard's table, its export). */
export const MAX_WAITING_LISTED = 1000;

/** The letter that starts a reseller invitation's code (`R7KQ-3M9X-D4TP`). */
export const RESELLER_CODE_KIND = KIND_LETTER.reseller;
/** An address the invite form takes; also the card's `regex`, so Teams checks it first. */
export const RESELLER_EMAIL_PATTERN = '^[^\\s@]{1,64}@[^\\s@]+\\.[^\\s@]{2,}$';
const EMAIL = new RegExp(RESELLER_EMAIL_PATTERN);

/**
 * Queues the invitation mail in the outbox (sent after the click, with retries; the provider's
 * card then says how it went); false when it could not even be queued (the card says so).
 */
export interface InvitationMailer {
  sendResellerInvitation(input: {
    /** The invitation the mail is about (its card is redrawn with the outcome). */
    readonly invitationRef: string;
    readonly to: string;
    readonly provider: Partner;
    readonly link: string;
    readonly code: string;
    readonly expiresAt: Date;
    readonly language: 'en' | 'ru';
  }): Promise<boolean>;
}

/**
 * Shows an enrolled reseller's admins the invitation (through the outbox: the provider's turn
 * does the same work whether or not a reseller was found, and learns nothing from it).
 */
export interface ResellerInvitationNotifier {
  invited(invitation: ResellerInvitation, provider: Partner, reseller: Partner): Promise<void>;
  /** One admin accepted: every admin's copy of the invitation card loses its Accept button. */
  accepted(invitation: ResellerInvitation, provider: Partner, reseller: Partner): Promise<void>;
}

export interface ResellerInvitationDeps {
  readonly invitations: ResellerInvitationRepository;
  /** The same per-person budget as customer codes: one `accept`, one count of wrong codes. */
  readonly guesses: CodeGuessRepository;
  /** The keyed hash customer invitations use too (`INVITATION_CODE_KEY`). */
  readonly hasher: SecretHasher;
  readonly relationships: RelationshipService;
  readonly partners: PartnerRepository;
  readonly mailer: InvitationMailer;
  readonly notifier: ResellerInvitationNotifier;
  /** `PUBLIC_BASE_URL`: links are `<base>/relationships/<token>`. */
  readonly publicBaseUrl: string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** What the provider gets back: the secrets to pass on (shown once, never stored in clear). */
export interface SentInvitation {
  readonly invitation: ResellerInvitation;
  readonly link: string;
  readonly code: string;
  /** 'queued': the outbox mails it after the click; 'failed': it could not be queued. */
  readonly mailed: 'queued' | 'failed';
  /** The inviting provider. */
  readonly provider: Partner;
}

/** What the link's page may show: the invitation and whether it still opens anything. */
export interface InvitationLookup {
  readonly invitation: ResellerInvitation;
  readonly provider: Partner;
  readonly usable: boolean;
  readonly reason?: UnusableReason;
}

/**
 * A provider invites a reseller by address (and PartnerID, if known): a link and a code, mailed,
 * that expire with the request (90 days) and open it once. An enrolled reseller's admins also
 * get the invitation card, theirs to accept or ignore; the provider's answer is the same either
 * way, so `invite reseller` never tells a provider which addresses or PartnerIDs are enrolled.
 * Accepting binds the invitation to one reseller and opens the pending relationship, which the
 * reseller authorizes with its consent like any other.
 */
export class ResellerInvitationService {
  private readonly log: Logger;
  private readonly throttle: CodeThrottle;

  constructor(private readonly deps: ResellerInvitationDeps) {
    this.log = deps.logger.child({ module: 'reseller-invitations' });
    this.throttle = new CodeThrottle(deps.guesses, deps.hasher, deps.now, (failures) =>
      this.log.warn({ failures }, 'wrong reseller invitation code')
    );
  }

  async invite(
    actor: Actor,
    input: { readonly email: string; readonly partnerId?: string; readonly grant: unknown },
    language: 'en' | 'ru'
  ): Promise<SentInvitation> {
    const provider = await this.deps.relationships.invitingProvider(actor);
    const email = input.email.trim().toLowerCase();
    const partnerId = input.partnerId?.trim() || undefined;
    // Every field of the form checked at once; the PartnerID by the same rule as enrollment's.
    const grant = this.deps.relationships.checkedGrant(input.grant, [
      ...(!EMAIL.test(email) || email.length > 254
        ? [{ field: 'email', key: 'relationships:invite.emailError' }]
        : []),
      ...(partnerId && !isPartnerId(partnerId)
        ? [{ field: 'partnerId', key: PARTNER_ID_MESSAGE }]
        : []),
    ]);
    // The reseller named by PartnerID, or else the one whose contact proved this address. Only
    // its admins hear of it; the provider sees no name until the reseller accepts.
    const found = partnerId
      ? await this.deps.partners.findByPartnerId(partnerId)
      : await this.deps.partners.findApprovedByVerifiedEmail(email, 'reseller');
    const reseller =
      found?.status === 'approved' &&
      found.partnerType === 'reseller' &&
      found.tenantId !== provider.tenantId
        ? found
        : undefined;
    const token = newToken();
    const code = newCode('reseller');
    const now = this.deps.now();
    const invitation = await this.deps.invitations.create({
      providerRef: provider.id,
      email,
      ...(partnerId ? { partnerId } : {}),
      ...(reseller ? { resellerRef: reseller.id } : {}),
      grant,
      createdBy: { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, name: actor.name },
      createdAt: now,
      expiresAt: new Date(now.getTime() + days(PENDING_DAYS)),
      tokenHash: this.deps.hasher.hash(token),
      codeHash: this.deps.hasher.hash(normalizeCode(code) ?? ''),
    });
    const link = `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/relationships/${token}`;
    const mailed = await this.queueMail({
      invitationRef: invitation.id,
      to: email,
      provider,
      link,
      code,
      expiresAt: invitation.expiresAt,
      language,
    });
    if (reseller) await this.deps.notifier.invited(invitation, provider, reseller);
    this.log.info(
      { invitationRef: invitation.id, providerRef: provider.id, mailed },
      'reseller invited'
    );
    return { invitation, link, code, mailed, provider };
  }

  /**
   * The provider's invitations to resellers that have not enrolled yet (the `resellers` list
   * shows them with Revoke and Resend): any role of the provider may see them.
   */
  async waiting(actor: Actor, limit = WAITING_SHOWN): Promise<ResellerInvitation[]> {
    const provider = await this.deps.relationships.viewingProvider(actor);
    if (!provider) return [];
    const shown = Math.min(MAX_WAITING_LISTED, Math.max(1, Math.floor(limit)));
    return this.deps.invitations.listWaiting(provider.id, this.deps.now(), shown);
  }

  /**
   * The provider's invitations to `email` made at `since` or later, whatever became of them
   * (a bulk run's crash recovery: one accepted meanwhile is still the row's).
   */
  async sentTo(actor: Actor, email: string, since: Date): Promise<ResellerInvitation[]> {
    const provider = await this.deps.relationships.viewingProvider(actor);
    if (!provider) return [];
    return this.deps.invitations.listSentTo(provider.id, email.trim().toLowerCase(), since);
  }

  /** The provider takes back an invitation no reseller has accepted: its link and code die. */
  async revoke(actor: Actor, id: string): Promise<ResellerInvitation> {
    const provider = await this.deps.relationships.invitingProvider(actor);
    await this.ownWaiting(provider, id);
    const revoked = await this.deps.invitations.revoke(id, provider.id);
    if (!revoked) throw new ConflictError('relationships:errors.waitingNotPending');
    this.log.info({ invitationRef: id, providerRef: provider.id }, 'reseller invitation revoked');
    return revoked;
  }

  /** A new link and code (the old ones die) and 90 more days, mailed again. */
  async resend(actor: Actor, id: string, language: 'en' | 'ru'): Promise<SentInvitation> {
    const provider = await this.deps.relationships.invitingProvider(actor);
    const before = await this.ownWaiting(provider, id);
    if (!isWaiting(before)) throw new ConflictError('relationships:errors.waitingNotPending');
    const token = newToken();
    const code = newCode('reseller');
    const now = this.deps.now();
    const invitation = await this.deps.invitations.renew(
      id,
      provider.id,
      {
        tokenHash: this.deps.hasher.hash(token),
        codeHash: this.deps.hasher.hash(normalizeCode(code) ?? ''),
        expiresAt: new Date(now.getTime() + days(PENDING_DAYS)),
      },
      now,
      new Date(now.getTime() - RESEND_EVERY_MS)
    );
    if (!invitation) throw new ConflictError('relationships:errors.waitingResentRecently');
    const link = `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/relationships/${token}`;
    const mailed = await this.queueMail({
      invitationRef: invitation.id,
      to: invitation.email,
      provider,
      link,
      code,
      expiresAt: invitation.expiresAt,
      language,
    });
    this.log.info(
      { invitationRef: id, providerRef: provider.id, mailed },
      'reseller invitation resent'
    );
    return { invitation, link, code, mailed, provider };
  }

  private async queueMail(
    input: Parameters<InvitationMailer['sendResellerInvitation']>[0]
  ): Promise<'queued' | 'failed'> {
    return (await this.deps.mailer.sendResellerInvitation(input)) ? 'queued' : 'failed';
  }

  /**
   * The invitation and its provider as the provider's card shows them once the mail went out
   * or failed, or undefined when that card no longer shows this link (accepted, revoked,
   * resent), so a late mail outcome redraws nothing.
   */
  async mailedView(
    id: string,
    token: string
  ): Promise<{ invitation: ResellerInvitation; provider: Partner } | undefined> {
    const invitation = await this.deps.hasher.find(token, (hash) =>
      this.deps.invitations.byTokenHash(hash)
    );
    if (!invitation || invitation.id !== id || !isWaiting(invitation)) return undefined;
    const provider = await this.deps.partners.get(invitation.providerRef);
    return provider ? { invitation, provider } : undefined;
  }

  /** The provider's own invitation, or not found (another provider's is never shown). */
  private async ownWaiting(provider: Partner, id: string): Promise<ResellerInvitation> {
    const invitation = await this.deps.invitations.get(id);
    if (!invitation || invitation.providerRef !== provider.id) {
      throw new NotFoundError('relationships:errors.waitingNotFound');
    }
    return invitation;
  }

  /** The link's page: unknown tokens are not found; used, revoked or expired ones say so. */
  async byToken(token: string): Promise<InvitationLookup | null> {
    if (!looksLikeToken(token)) return null;
    const invitation = await this.deps.hasher.find(token, (hash) =>
      this.deps.invitations.byTokenHash(hash)
    );
    if (!invitation) return null;
    const provider = await this.deps.partners.get(invitation.providerRef);
    if (!provider) return null;
    const reason = unusableBecause(invitation, this.deps.now());
    return { invitation, provider, usable: !reason, ...(reason ? { reason } : {}) };
  }

  /**
   * `accept RXXX-XXXX-XXXX` (or the link's token) by a reseller's Global admin or Admin agent:
   * the relationship it proposes, pending, for this reseller. Wrong codes count against the
   * person who typed them, in the same budget as customer codes. Null for a token that is not
   * a reseller invitation's (a customer invitation's link, for the invitations feature).
   */
  async accept(
    actor: Actor,
    typed: string
  ): Promise<{ relationship: Relationship; created: boolean } | null> {
    // The link's token (256 random bits, what the page's Open in Teams prefills), or the code
    // from the mail (throttled per person).
    const token = typed.trim();
    let invitation: ResellerInvitation | null;
    let reseller: Partner;
    if (looksLikeToken(token)) {
      invitation = await this.deps.hasher.find(token, (hash) =>
        this.deps.invitations.byTokenHash(hash)
      );
      if (!invitation) return null;
      reseller = await this.deps.relationships.acceptingReseller(actor);
    } else {
      reseller = await this.deps.relationships.acceptingReseller(actor);
      const code = normalizeCode(typed);
      if (!code) throw new InvalidError('invitations:errors.codeFormat');
      invitation = await this.throttle.lookup(actor, code, (hash) =>
        this.deps.invitations.byCodeHash(hash)
      );
    }
    return this.acceptFound(actor, reseller, invitation);
  }

  /**
   * Accept on the invitation card an enrolled reseller's admins were sent: the same as typing
   * its code, for that reseller only (anyone else: not found, as for an id nobody issued).
   */
  async acceptSent(
    actor: Actor,
    invitationRef: string
  ): Promise<{ relationship: Relationship; created: boolean; invitation: ResellerInvitation }> {
    const reseller = await this.deps.relationships.acceptingReseller(actor);
    const invitation = await this.deps.invitations.get(invitationRef);
    if (!invitation || !wasSentTo(invitation, reseller.id)) {
      throw new NotFoundError('relationships:errors.invitationNotFound');
    }
    return { ...(await this.acceptFound(actor, reseller, invitation)), invitation };
  }

  private async acceptFound(
    actor: Actor,
    reseller: Partner,
    invitation: ResellerInvitation
  ): Promise<{ relationship: Relationship; created: boolean }> {
    const now = this.deps.now();
    const provider = await this.deps.partners.get(invitation.providerRef);
    const what = acceptance(invitation, reseller, provider?.tenantId, now);
    if (what.kind === 'reopen') {
      const view = await this.deps.relationships.view(actor, what.relationshipRef);
      return { relationship: view.relationship, created: false };
    }
    if (what.kind === 'refused') {
      const key = `relationships:accept.${what.reason}`;
      if (what.reason === 'expired') throw new ExpiredError(key);
      if (what.reason === 'otherReseller' || what.reason === 'ownTenant') {
        throw new NotAllowedError(key);
      }
      throw new ConflictError(key);
    }
    const person = { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, name: actor.name };
    const claimed = what.claimed
      ? invitation
      : await this.deps.invitations.accept(
          invitation.id,
          { resellerRef: reseller.id, person },
          now
        );
    if (!claimed) {
      // Another reseller's admin was a moment faster.
      throw new ConflictError('relationships:accept.accepted');
    }
    const { relationship, created } = await this.deps.relationships.acceptInvitation(actor, {
      providerRef: invitation.providerRef,
      grant: invitation.grant,
      by: invitation.createdBy,
    });
    await this.deps.invitations.setRelationship(invitation.id, relationship.id);
    // Keyed by the invitation: a retry after a crash here enqueues the same updates once.
    if (provider) await this.deps.notifier.accepted(claimed, provider, reseller);
    this.log.info(
      { invitationRef: invitation.id, relationshipRef: relationship.id },
      'reseller invitation accepted'
    );
    return { relationship, created };
  }
}
