import template from './directory.card.json' with { type: 'json' };
import type { Partner } from '../../domain/partners/partner.js';
import { formatPhone } from '../../domain/partners/partner-profile.js';
import type { DirectoryEntry, Page } from '../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { listFields, type ListContext } from '../shared/list-context.js';
import { plainText, userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { pagingOf } from './paging.js';
import { countryText } from './relationship-text.js';

export interface DirectoryCardData {
  readonly page: Page<DirectoryEntry>;
  /** The reseller's own country/region (the default scope). */
  readonly country: string;
  readonly everywhere: boolean;
  readonly text: string;
}

/**
 * Approved indirect providers, searchable by name or PartnerID, each with Request relationship,
 * or, where the reseller has a pending or active relationship with it already, that mark and Open.
 */
export function render(data: DirectoryCardData, language: Language): AdaptiveCardJson {
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:${key}`, values);
  const country = countryText(language, data.country);
  const text = plainText(data.text).slice(0, 100);
  const list: ListContext = {
    list: 'directory',
    page: data.page.page,
    filter: data.everywhere ? 'everywhere' : 'country',
    text,
  };
  const rows = data.page.items.map(({ provider: p, open }) => ({
    name: userText(p.legalName),
    mark: open ? tr(`directory.open_${open.state}`) : '',
    buttons: [
      open
        ? {
            verb: Verbs.relationshipView,
            title: tr('card.open'),
            data: { relationshipRef: open.id, ...listFields(list) },
          }
        : {
            verb: Verbs.relationshipRequestForm,
            title: tr('directory.request'),
            data: { providerRef: p.id, ...listFields(list) },
          },
    ],
    line: tr('directory.partnerId', {
      partnerId: userText(p.partnerId),
      country: countryText(language, p.tenantCountry),
    }),
    support: tr('directory.support', {
      email: userText(p.supportEmail),
      // Stored E.164; shown spaced as on every other card and form.
      phone: userText(formatPhone(p.supportPhone)),
      website: userText(p.supportWebsite),
    }),
  }));
  return renderCard(template, {
    title: tr('directory.title'),
    intro: data.everywhere
      ? tr('directory.intro_everywhere')
      : tr('directory.intro_country', { country }),
    searchLabel: tr('directory.search'),
    searchPlaceholder: tr('directory.searchPlaceholder'),
    searchTitle: tr('directory.searchButton'),
    text,
    pageVerb: Verbs.directoryPage,
    everywhere: data.everywhere ? 'true' : 'false',
    otherScope: data.everywhere ? 'false' : 'true',
    scopeTitle: data.everywhere
      ? tr('directory.onlyCountry', { country })
      : tr('directory.everywhere'),
    none: rows.length
      ? ''
      : text
        ? tr('directory.none_text', { text: userText(text) })
        : tr('directory.none'),
    rows,
    ...pagingOf(language, data.page),
  });
}

const provider = {
  id: '6740a1b2c3d4e5f601234567',
  status: 'approved',
  partnerType: 'provider',
  tenantCountry: 'DE',
  partnerId: '7654321',
  legalName: 'Fabrikam Distribution',
  supportEmail: 'help@fabrikam.example',
  supportPhone: '+49 30 1234567',
  supportWebsite: 'https://fabrikam.example',
} as Partner;

export const samples: readonly DirectoryCardData[] = [
  {
    page: {
      items: [
        { provider },
        { provider, open: { id: '6740a1b2c3d4e5f601234999', state: 'active' } },
      ],
      total: 11,
      page: 1,
      pageCount: 3,
    },
    country: 'DE',
    everywhere: false,
    text: 'fab',
  },
  {
    page: { items: [], total: 0, page: 0, pageCount: 1 },
    country: 'RU',
    everywhere: true,
    text: '',
  },
];
