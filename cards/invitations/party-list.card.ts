import template from './party-list.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';

/** Rows already localized and made safe by the caller (`customers`, `partners`). */
export interface PartyListData {
  /** Catalog key of the title (`invitations:customers.title_reseller`) and its values. */
  readonly titleKey: string;
  readonly titleValues?: Record<string, unknown>;
  readonly rows: readonly PartyRow[];
  /** A Back button to the relationship the list came from (View customers). */
  readonly backToRelationship?: string;
  /** A Back button to the customer's `partners` (from the End confirmation). */
  readonly backToPartners?: boolean;
  /** Previous / Next for `customers`. */
  readonly paging?: { readonly page: number; readonly pageCount: number };
}

export interface PartyRow {
  readonly heading: string;
  readonly detail: string;
  /** An End button on the row (a customer's link to a reseller); `confirmed` on the second. */
  readonly end?: { readonly linkRef: string; readonly title: string; readonly confirmed: boolean };
}

/** A reseller's or provider's `customers`, or a customer's `partners`. */
export function render(data: PartyListData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, data.titleKey, data.titleValues ?? {}),
    empty: data.rows.length ? '' : t(language, 'invitations:customers.empty'),
    rows: data.rows.map((r) => ({
      heading: r.heading,
      detail: r.detail,
      endVerb: r.end ? Verbs.customerEndPartner : '',
      endTitle: r.end?.title ?? '',
      linkRef: r.end?.linkRef ?? '',
      confirmed: r.end?.confirmed ? 'yes' : '',
    })),
    backVerb: data.backToRelationship
      ? Verbs.relationshipView
      : data.backToPartners
        ? Verbs.customerPartners
        : '',
    backTitle: t(language, 'relationships:card.back'),
    pageVerb: Verbs.customersPage,
    prevPage: data.paging && data.paging.page > 0 ? data.paging.page - 1 : -1,
    nextPage:
      data.paging && data.paging.page + 1 < data.paging.pageCount ? data.paging.page + 1 : -1,
    prevTitle: t(language, 'invitations:customers.previous'),
    nextTitle: t(language, 'invitations:customers.next'),
    pageText:
      data.paging && data.paging.pageCount > 1
        ? t(language, 'invitations:customers.pageOf', {
            page: data.paging.page + 1,
            count: data.paging.pageCount,
          })
        : '',
    backRef: data.backToRelationship ?? '',
  });
}

export const samples: readonly PartyListData[] = [
  { titleKey: 'invitations:customers.title_reseller', rows: [] },
  {
    titleKey: 'invitations:customers.title_reseller',
    rows: [{ heading: 'Northwind Traders', detail: 'Reseller only · since Dec 2, 2026' }],
    paging: { page: 1, pageCount: 3 },
  },
  {
    titleKey: 'invitations:customers.title_provider',
    rows: [
      { heading: 'Northwind Traders', detail: 'With Fabrikam Distribution · since Dec 2, 2026' },
    ],
  },
  {
    titleKey: 'invitations:customers.title_shared',
    titleValues: { provider: 'Fabrikam Distribution', reseller: 'Contoso Reseller' },
    rows: [{ heading: 'Northwind Traders', detail: 'Since Dec 2, 2026' }],
    backToRelationship: '0123456789abcdef01234567',
  },
  {
    titleKey: 'invitations:partners.title',
    titleValues: { company: 'Northwind Traders' },
    rows: [
      {
        heading: 'Contoso Reseller',
        detail: 'Reseller Contoso Reseller · since Dec 2, 2026',
        end: { linkRef: '0123456789abcdef01234567', title: 'End', confirmed: false },
      },
    ],
  },
  {
    titleKey: 'invitations:partners.confirmTitle',
    rows: [
      {
        heading: 'Contoso Reseller',
        detail: 'Contoso Reseller will no longer see Northwind Traders as its customer.',
        end: { linkRef: '0123456789abcdef01234567', title: 'End, I am sure', confirmed: true },
      },
    ],
    backToPartners: true,
  },
];
