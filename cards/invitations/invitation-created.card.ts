import template from './invitation-created.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { dayText } from '../relationships/relationship-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';

export interface InvitationCreatedData {
  readonly invitationRef: string;
  readonly company: string;
  readonly reseller: string;
  readonly provider?: string;
  readonly note?: string;
  readonly adminEmail?: string;
  readonly link: string;
  readonly code: string;
  readonly expiresAt: Date;
  /**
   * The mail to the customer's admin: 'queued' (the outbox sends it after the click), 'sent',
   * 'failed' (for good, after its retries), 'none' (no address given).
   */
  readonly mailed: 'queued' | 'sent' | 'failed' | 'none';
  /**
   * The Teams app's link (`https://teams.microsoft.com/l/app/<id>`): the draft tells a customer
   * new to Partner Connect how to add it. Unset (no app id): a sentence says whom to ask.
   */
  readonly appLink?: string;
}

/** The email the reseller sends (or that was sent), in the reseller's language. */
export function draftText(data: InvitationCreatedData, language: Language) {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:created.${key}`, values);
  const values = {
    reseller: data.reseller,
    company: data.company,
    link: data.link,
    code: data.code,
    expires: dayText(language, data.expiresAt),
    withProvider: data.provider ? tr('draftWithProvider', { provider: data.provider }) : '',
    note: data.note ? tr('draftNote', { note: data.note }) : '',
  };
  // Without the app in its Teams the customer could not type the code anywhere: say how to get it.
  const getApp = data.appLink
    ? t(language, 'customers:draft.getApp', { appLink: data.appLink })
    : t(language, 'customers:draft.noApp', { reseller: data.reseller });
  return { subject: tr('draftSubject', values), text: `${tr('draft', values)}\n\n${getApp}` };
}

const MAIL_LINE = { queued: 'mailQueued', sent: 'mailed', failed: 'mailFailed' } as const;

/**
 * The answer to `invite customer` and to Resend: link, code, expiry, the email draft with Open
 * in mail, and Done, which hides the link and code from the chat.
 */
export function render(data: InvitationCreatedData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:created.${key}`, values);
  const draft = draftText(data, language);
  const email = data.adminEmail ?? '';
  const mailLine =
    data.mailed === 'none' ? '' : tr(MAIL_LINE[data.mailed], { email: userText(email) });
  return renderCard(template, {
    title: tr('title', { company: userText(data.company) }),
    intro: tr('intro'),
    facts: [
      { title: tr('link'), value: userText(data.link) },
      { title: tr('code'), value: userText(data.code) },
      { title: tr('expires'), value: dayText(language, data.expiresAt) },
    ],
    mailLine,
    draftTitle: tr('draftTitle'),
    draft: draft.text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => userText(line, 1000))
      .join('\n\n'),
    openMail: tr('openMail'),
    mailto: `mailto:${encodeURIComponent(email)}?subject=${encodeURIComponent(draft.subject)}&body=${encodeURIComponent(draft.text)}`,
    done: tr('done'),
    doneVerb: Verbs.invitationDone,
    invitationRef: data.invitationRef,
  });
}

export const samples: readonly InvitationCreatedData[] = [
  {
    invitationRef: '6561b0f0a1b2c3d4e5f60718',
    company: 'Northwind Traders',
    reseller: 'Contoso Reseller',
    provider: 'Fabrikam Distribution',
    note: 'As discussed on the phone.',
    adminEmail: 'it@northwind.example',
    link: 'https://partner-connect.example/invitations/abc',
    code: 'C7K2-M9QX-4HTP',
    expiresAt: new Date('2026-12-31T09:00:00Z'),
    mailed: 'queued',
  },
  {
    invitationRef: '6561b0f0a1b2c3d4e5f60718',
    company: 'Northwind Traders',
    reseller: 'Contoso Reseller',
    link: 'https://partner-connect.example/invitations/abc',
    code: 'C7K2-M9QX-4HTP',
    expiresAt: new Date('2026-12-31T09:00:00Z'),
    mailed: 'none',
  },
];
