import { randomUUID } from 'node:crypto';
import type { Partner } from '../../../domain/partners/partner.js';
import { render as renderInvitation } from '../../../cards/invitations/invitation.card.js';
import {
  draftText,
  render as renderCreated,
  type InvitationCreatedData,
} from '../../../cards/invitations/invitation-created.card.js';
import { noticeContent } from '../../../cards/shared/notice-content.js';
import { userText } from '../../../cards/shared/user-text.js';
import type {
  EndedLink,
  InvitationMailer,
  InvitationNotifier,
  InvitationView,
  RevokedWithRelationship,
} from '../../../domain/invitations/invitation.service.js';
import type { InvitationSecrets } from '../../../domain/invitations/invitation-secrets.js';
import {
  changeOwes,
  INVITATION_NOTICE_ROLES,
  isAnswered,
  type InvitationPartnerSide,
  type InvitationSide,
} from '../../../domain/invitations/invitation.js';
import type {
  CopyReader,
  Notifier,
  Recipient,
} from '../../../domain/notifications/notification.js';
import { isSamePerson } from '../../../domain/partners/actor.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import { t, type Language } from '../../../i18n/i18n.js';
import type { MailListener } from '../../../notifications/delivery.worker.js';
import type { QueuedMail } from '../../../notifications/notification.service.js';
import {
  answeredNote,
  cardData,
  invitationCreatedSubject,
  invitationSubject,
} from './invitation-cards.js';
import { teamsAppLink } from './customer-invitation-page.route.js';

/** The invitation's link: `PUBLIC_BASE_URL/invitations/<token>`. */
export function invitationLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/invitations/${token}`;
}

/**
 * Invitation changes through the outbox: every copy of its card re-rendered in place (the
 * customer's and the partners'), and the reseller and provider told of an answer at once.
 * Keys derive from the change, so the owed-notice sweep repeating this enqueues nothing twice.
 */
export class OutboxInvitationNotifier implements InvitationNotifier {
  constructor(private readonly notifier: Notifier) {}

  async changed(view: InvitationView): Promise<void> {
    const inv = view.invitation;
    const last = inv.history[inv.history.length - 1];
    const stamp = `invitation:${inv.id}:${last?.at.toISOString() ?? ''}:${last?.note ?? view.state}`;
    const owes = changeOwes(inv, view.state);
    for (const copy of owes.copies) {
      const card = (lang: Language) =>
        renderInvitation(cardData(view, copy, COPY_MANAGES[copy]), lang);
      // The customer who answered keeps, on every copy of theirs, what their click's answer said.
      const note = (lang: Language, reader: CopyReader) =>
        copy === 'customer' && isSamePerson(inv.decidedBy, reader)
          ? answeredNote(view, lang)
          : undefined;
      await this.notifier.updateCards(
        invitationSubject(inv.id, copy),
        (lang, reader) => {
          const text = note(lang, reader);
          return text ? withNotice(card(lang), { text }) : card(lang);
        },
        { key: `${stamp}:cards:${copy}` }
      );
      // The inviter's card with the link and code is a partner copy too: it changes with them.
      if (copy === 'partner') {
        await this.notifier.updateCards(invitationCreatedSubject(inv.id), card, {
          key: `${stamp}:cards:created`,
        });
      }
    }
    const state = view.state;
    if (!isAnswered(state)) return;
    const recipients = partnersOf(view.reseller, view.provider).filter(([side]) =>
      owes.told.includes(side)
    );
    for (const [side, to] of recipients) {
      await this.notifier.notify({
        key: `invitation:${inv.id}:${state}:${side}`,
        to,
        content: (lang) => this.notice(lang, view, state, side),
      });
    }
  }

  async linkEnded(ended: EndedLink): Promise<void> {
    const sides = partnersOf(ended.reseller, ended.provider);
    for (const [side, to] of sides) {
      await this.notifier.notify({
        key: `customerLink:${ended.link.id}:ended:${side}`,
        to,
        content: (lang) => {
          const values = noticeValues(
            lang,
            ended.customer.companyName,
            ended.reseller,
            ended.provider,
            ended.link.endedBy?.name
          );
          return noticeContent(lang, {
            title: 'invitations:notices.title_ended',
            message: 'invitations:notices.message_ended',
            values,
            tone: 'default',
            steps: [{ command: 'customers', title: { key: 'invitations:notices.open' } }],
          });
        },
      });
    }
  }

  async revokedWithRelationship(revoked: RevokedWithRelationship): Promise<void> {
    await this.notifier.notify({
      // Once per relationship: a sweep repeating the revocation enqueues nothing more.
      key: `relationship:${revoked.relationshipRef}:invitationsRevoked:reseller`,
      to: partnersOf(revoked.reseller, undefined)[0]![1],
      content: (lang) => {
        const values = {
          reseller: userText(revoked.reseller.legalName),
          provider: userText(revoked.provider.legalName),
          count: revoked.companies.length,
          // The first twenty names keep the notice far under Teams' size limit.
          companies: [
            ...revoked.companies.slice(0, 20).map((c) => userText(c, 120)),
            ...(revoked.companies.length > 20 ? ['…'] : []),
          ].join(', '),
        };
        return noticeContent(lang, {
          title: 'invitations:notices.title_revokedWithRelationship',
          message: 'invitations:notices.message_revokedWithRelationship',
          values,
          tone: 'default',
          steps: [
            { command: 'invitations', title: { key: 'invitations:notices.openInvitations' } },
          ],
        });
      },
    });
  }

  private notice(
    lang: Language,
    view: InvitationView,
    state: 'accepted' | 'declined',
    side: InvitationPartnerSide
  ) {
    const values = noticeValues(
      lang,
      view.invitation.customer?.companyName ?? '',
      view.reseller,
      view.provider,
      view.invitation.decidedBy?.name
    );
    return noticeContent(lang, {
      // The invitation is the reseller's: "your invitation" only to the reseller's side.
      title: `invitations:notices.title_${state}${side === 'provider' ? '_provider' : ''}`,
      message: `invitations:notices.message_${state}`,
      values,
      tone: state === 'accepted' ? 'good' : 'default',
      steps: [{ command: 'customers', title: { key: 'invitations:notices.open' } }],
    });
  }
}

/** Where the invitation mail's data comes from: the app's link settings. */
export interface InvitationLinks {
  readonly publicBaseUrl: string;
  readonly appId?: string;
}

/** The inviter's card with the link and code, the draft, and where its mail stands. */
export function createdCardData(
  view: InvitationView,
  secrets: InvitationSecrets,
  mailed: InvitationCreatedData['mailed'],
  links: InvitationLinks
): InvitationCreatedData {
  const inv = view.invitation;
  return {
    invitationRef: inv.id,
    company: inv.customer?.companyName ?? '',
    reseller: view.reseller.legalName,
    ...(view.provider ? { provider: view.provider.legalName } : {}),
    ...(inv.customer?.note ? { note: inv.customer.note } : {}),
    ...(inv.customer?.adminEmail ? { adminEmail: inv.customer.adminEmail } : {}),
    link: invitationLink(links.publicBaseUrl, secrets.token),
    code: secrets.code,
    expiresAt: inv.expiresAt,
    mailed,
    ...(links.appId ? { appLink: teamsAppLink(links.appId) } : {}),
  };
}

/**
 * The invitation mail, in the inviting reseller's language (the same text as the draft),
 * queued in the outbox: the click does not wait for SMTP. Its values (link and code) are
 * sealed there; the token and code ride along sealed so the outcome can redraw the card.
 */
export class InvitationMail implements InvitationMailer {
  constructor(
    private readonly outbox: { queueMail(mail: QueuedMail): Promise<void> },
    private readonly links: InvitationLinks
  ) {}

  async invited(view: InvitationView, secrets: InvitationSecrets): Promise<void> {
    const inv = view.invitation;
    const terms = inv.customer;
    if (!terms?.adminEmail) return;
    const language: Language = view.reseller.language ?? 'en';
    const draft = draftText(createdCardData(view, secrets, 'sent', this.links), language);
    await this.outbox.queueMail({
      // One per call: the service calls once per link it drew (the creation, or a Resend that
      // won its conditional update); two draws in one clock instant must not share a key.
      key: `invitationMail:${inv.id}:${randomUUID()}`,
      to: terms.adminEmail,
      templateKey: 'customerInvitation',
      language,
      values: { reseller: view.reseller.legalName, company: terms.companyName, draft: draft.text },
      subject: invitationCreatedSubject(inv.id),
      context: { token: secrets.token, code: secrets.code },
    });
  }
}

/**
 * Redraws the inviter's card once its mail went out ("mailed") or failed for good ("mail
 * failed", link and code still there to send by hand), while that card still shows this
 * link. The card holds the code: the update is sealed in the outbox like the mail.
 */
export function invitationMailOutcome(
  service: { mailedView(id: string, token: string): Promise<InvitationView | undefined> },
  cards: {
    updateCards(
      subject: { type: string; id: string },
      content: (language: Language) => Record<string, unknown>,
      opts: { key?: string; secret?: boolean }
    ): Promise<void>;
  },
  links: InvitationLinks
): MailListener {
  return async ({ item, outcome, context }) => {
    const { token, code } = context ?? {};
    if (!item.subject || typeof token !== 'string' || typeof code !== 'string') return;
    if (!token || !code) return;
    const view = await service.mailedView(item.subject.id, token);
    if (!view) return;
    const data = createdCardData(view, { token, code }, outcome, links);
    await cards.updateCards(item.subject, (lang) => renderCreated(data, lang), {
      key: `${item.key}:${outcome}`,
      secret: true,
    });
  };
}

/** The values of a notice about a customer: its company, partners and who answered or ended. */
function noticeValues(
  lang: Language,
  company: string,
  reseller: Partner,
  provider: Partner | undefined,
  name: string | undefined
) {
  return {
    company: userText(company),
    reseller: userText(reseller.legalName),
    name: userText(name ?? ''),
    withProvider: provider
      ? t(lang, 'invitations:notices.withProvider', { provider: userText(provider.legalName) })
      : '',
  };
}

/** Who hears about a customer: the reseller's people, and its provider's when there is one. */
function partnersOf(
  reseller: Partner,
  provider: Partner | undefined
): [InvitationPartnerSide, Recipient][] {
  const to = (side: InvitationPartnerSide, partner: Partner): Recipient => ({
    kind: 'partnerRoles',
    partnerRef: partner.id,
    roles: INVITATION_NOTICE_ROLES[side],
  });
  return [
    ['reseller', to('reseller', reseller)],
    ...(provider
      ? [['provider', to('provider', provider)] as [InvitationPartnerSide, Recipient]]
      : []),
  ];
}

/**
 * The copies re-rendered for everyone who holds one: the partners' copy offers Revoke / Resend
 * (a click is checked against the clicker's roles), the customer's its answer.
 */
const COPY_MANAGES: Record<InvitationSide, boolean> = { customer: false, partner: true };
