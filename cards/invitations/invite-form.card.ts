import template from './invite-form.card.json' with { type: 'json' };
import {
  COMPANY_NAME_PATTERN,
  CUSTOMER_EMAIL_PATTERN,
} from '../../domain/invitations/invitation.service.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';

/** The choice "reseller only" (a choice's value may not be empty). */
export const RESELLER_ONLY = 'none';

export interface InviteFormData {
  readonly reseller: string;
  /** The reseller's active relationships: "with my indirect provider". */
  readonly providers: readonly { readonly relationshipRef: string; readonly name: string }[];
}

/** `invite customer`: with which provider (or the reseller alone), company, email, note. */
export function render(data: InviteFormData, language: Language): AdaptiveCardJson {
  const reseller = userText(data.reseller);
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:form.${key}`, { reseller, ...values });
  return renderCard(template, {
    title: tr('title'),
    intro: tr('intro'),
    withLabel: tr('with'),
    choices: [
      { title: tr('resellerOnly'), value: RESELLER_ONLY },
      ...data.providers.map((p) => ({
        title: tr('withProvider', { provider: userText(p.name) }),
        value: p.relationshipRef,
      })),
    ],
    companyLabel: tr('companyName'),
    // The server's rules and messages, so Teams refuses the same values before sending.
    companyPattern: COMPANY_NAME_PATTERN,
    companyError: t(language, 'invitations:errors.companyName'),
    emailLabel: tr('adminEmail'),
    emailPattern: CUSTOMER_EMAIL_PATTERN,
    emailError: t(language, 'invitations:errors.email'),
    noteLabel: tr('note'),
    noteError: t(language, 'invitations:errors.note'),
    send: tr('send'),
    verb: Verbs.invitationCreate,
  });
}

export const samples: readonly InviteFormData[] = [
  { reseller: 'Contoso Reseller', providers: [] },
  {
    reseller: 'Contoso Reseller',
    providers: [{ relationshipRef: '6561b0f0a1b2c3d4e5f60718', name: 'Fabrikam Distribution' }],
  },
];
