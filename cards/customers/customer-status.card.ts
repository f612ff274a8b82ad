import template from './customer-status.card.json' with { type: 'json' };
import type { CustomerStatus } from '../../domain/customers/customer-standing.js';
import type { Partner } from '../../domain/partners/partner.js';
import { t, type Language } from '../../i18n/i18n.js';
import { dayText } from '../relationships/relationship-text.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { userText } from '../shared/user-text.js';

export type CustomerStatusCardData = CustomerStatus;

interface Section {
  readonly heading: string;
  readonly lines: readonly { readonly text: string }[];
}

/**
 * A customer's part of `status`: each reseller (and its indirect provider) with what each may
 * do and whom to ask, the invitations still waiting for an answer, and what its people may do.
 */
export function render(data: CustomerStatusCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `customers:status.${key}`, values);
  const inv = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `invitations:card.${key}`, values);
  const company = userText(data.customer.companyName);
  const name = (p: Partner | undefined) => userText(p?.legalName ?? tr('unknownPartner'));
  const lines = (...texts: string[]) => texts.filter(Boolean).map((text) => ({ text }));

  const partners: Section[] = data.partners.map(({ link, reseller, provider, invitation }) => {
    const values = { reseller: name(reseller), provider: name(provider) };
    const accepted = invitation?.decidedBy
      ? tr('acceptedBy', {
          since: dayText(language, link.since),
          name: userText(invitation.decidedBy.name ?? ''),
        })
      : tr('since', { since: dayText(language, link.since) });
    const contact = reseller ? contactOf(reseller) : '';
    return {
      heading: reseller
        ? tr('reseller', { reseller: values.reseller, partnerId: userText(reseller.partnerId) })
        : values.reseller,
      lines: lines(
        accepted,
        inv('resellerAccess', values),
        provider
          ? `${inv('provider')}: ${values.provider}. ${inv('providerAccess', values)}`
          : `${inv('provider')}: ${inv('providerNone')}`,
        contact ? tr('contact', { reseller: values.reseller, contact }) : ''
      ),
    };
  });
  const none: Section[] = data.partners.length
    ? []
    : [{ heading: tr('noneTitle'), lines: lines(tr('none', { company })) }];
  const pending: Section[] = data.pending.length
    ? [
        {
          heading: tr('pendingTitle'),
          lines: lines(
            ...data.pending.map(({ invitation, reseller, provider }) =>
              tr(provider ? 'pendingWithProvider' : 'pending', {
                reseller: name(reseller),
                provider: name(provider),
                company: userText(invitation.customer?.companyName ?? ''),
                date: dayText(language, invitation.expiresAt),
              })
            ),
            tr('pendingHow')
          ),
        },
      ]
    : [];
  const admins = data.customer.admins.map((a) => userText(a.name ?? '')).filter(Boolean);
  const mayDo: Section = {
    heading: tr('mayDoTitle'),
    lines: lines(
      data.isAdmin
        ? tr('mayPartners')
        : admins.length
          ? tr('adminsOnly', { names: admins.join(', ') })
          : '',
      tr('mayAccept'),
      tr('mayAsk')
    ),
  };
  return renderCard(template, {
    title: tr('title', { company }),
    intro: tr('intro', { company }),
    sections: [...partners, ...none, ...pending, mayDo],
    steps: [
      ...(data.isAdmin ? [{ command: 'partners', title: tr('partnersButton') }] : []),
      { command: 'help', title: t(language, 'bot:steps.help') },
    ],
  });
}

/** Whom a customer asks at its reseller: the support address and phone from its enrollment. */
function contactOf(partner: Partner): string {
  return [partner.supportEmail, partner.supportPhone]
    .filter((v): v is string => !!v)
    .map((v) => userText(v))
    .join(', ');
}

const reseller = {
  id: '6561b0f0a1b2c3d4e5f60701',
  legalName: 'Contoso Reseller',
  partnerId: '1000001',
  supportEmail: 'support@contoso.example',
  supportPhone: '+49 30 1234567',
} as Partner;
const provider = { id: '6561b0f0a1b2c3d4e5f60702', legalName: 'Fabrikam Distribution' } as Partner;
const customer = {
  id: '6561b0f0a1b2c3d4e5f60703',
  tenantId: 'tenant-northwind',
  companyName: 'Northwind Traders',
  admins: [{ tenantId: 'tenant-northwind', aadObjectId: 'a1', name: 'Nadia Ivanova' }],
  createdAt: new Date('2026-12-01T09:00:00Z'),
};
const link = {
  id: '6561b0f0a1b2c3d4e5f60704',
  customerRef: customer.id,
  resellerRef: reseller.id,
  providerRef: provider.id,
  invitationRef: '6561b0f0a1b2c3d4e5f60705',
  since: new Date('2026-12-02T09:00:00Z'),
};

/** Sample data for the card tests (every card module exports `samples`). */
export const samples: readonly CustomerStatusCardData[] = [
  { customer, isAdmin: true, partners: [{ link, reseller, provider }], pending: [] },
  { customer, isAdmin: false, partners: [], pending: [] },
];
