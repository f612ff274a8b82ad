import template from './sent-invitation.card.json' with { type: 'json' };
import type { Partner } from '../../domain/partners/partner.js';
import type { AccessGrant } from '../../domain/relationships/relationship.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { dayText, rolesText } from './relationship-text.js';

export interface InvitationCardData {
  readonly provider: Pick<Partner, 'legalName'>;
  readonly email: string;
  readonly grant: AccessGrant;
  readonly link: string;
  readonly code: string;
  readonly expiresAt: Date;
  /**
   * The mail: 'queued' (the outbox sends it after the click), 'sent', or 'failed' (the
   * provider sends the link itself).
   */
  readonly mailed: 'queued' | 'sent' | 'failed';
  /** Resent from the `resellers` list: a Back to list button. */
  readonly backToList?: boolean;
}

const MAIL_NOTE = { queued: 'mailQueued', sent: 'mailed', failed: 'notMailed' } as const;

/**
 * What a provider passes on after inviting a reseller: the link and the code (shown this once:
 * only their hashes are kept), until when they work, and a ready mail to send them in.
 */
export function render(data: InvitationCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:invitation.${key}`, values);
  const expires = dayText(language, data.expiresAt);
  const grantText = rolesText(language, data.grant.roles);
  const mailSubject = tr('mailSubject', { provider: data.provider.legalName });
  const mailBody = tr('mailBody', {
    provider: data.provider.legalName,
    link: data.link,
    code: data.code,
    expires,
  });
  return renderCard(template, {
    title: tr('title', { email: userText(data.email, 254) }),
    // Never whether the address or PartnerID is enrolled: the provider learns that only when
    // the reseller accepts.
    intro: tr('intro'),
    facts: [
      { title: tr('roles'), value: grantText },
      {
        title: tr('duration'),
        value: t(language, 'relationships:card.days', { count: data.grant.durationDays }),
      },
      { title: tr('expires'), value: expires },
    ],
    codeLabel: tr('codeLabel'),
    code: data.code,
    linkLabel: tr('linkLabel'),
    link: data.link,
    mailNote: tr(MAIL_NOTE[data.mailed], { email: userText(data.email, 254) }),
    openMailTitle: tr('openMail'),
    mailto: `mailto:${encodeURIComponent(data.email)}?subject=${encodeURIComponent(mailSubject)}&body=${encodeURIComponent(mailBody)}`,
    openLinkTitle: tr('openLink'),
    backToList: data.backToList
      ? [{ verb: Verbs.relationshipsPage, title: t(language, 'relationships:card.backToList') }]
      : [],
  });
}

export const samples: readonly InvitationCardData[] = [
  {
    provider: { legalName: 'Fabrikam Distribution' },
    email: 'admin@contoso.example',
    grant: { roles: ['globalReader', 'userAdministrator'], durationDays: 365, autoExtend: false },
    link: 'https://bot.example.com/relationships/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    code: 'R7KQ-3M9X-D4TP',
    expiresAt: new Date('2027-03-01T00:00:00Z'),
    mailed: 'queued',
  },
  {
    provider: { legalName: 'Fabrikam Distribution' },
    email: 'admin@contoso.example',
    grant: { roles: ['globalReader'], durationDays: 730, autoExtend: true },
    link: 'https://bot.example.com/relationships/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    code: 'R234-5678-9ABC',
    expiresAt: new Date('2027-03-01T00:00:00Z'),
    mailed: 'failed',
  },
];
