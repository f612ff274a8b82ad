import template from './party-list.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { Verbs } from '../verbs.js';

/** Rows already localized and made safe by the caller (`customers`, `partners`). */
export interface PartyListData {
  /** Catalog key of the title (`invitations:customers.title_reseller`) and its values. */
  readonly titleKey: string;
  readonly titleValues?: Record<string, unknown>;
  readonly rows: readonly { readonly heading: string; readonly detail: string }[];
  /** A Back button to the relationship the list came from (View customers). */
  readonly backToRelationship?: string;
}

/** A reseller's or provider's `customers`, or a customer's `partners`. */
export function render(data: PartyListData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, data.titleKey, data.titleValues ?? {}),
    empty: data.rows.length ? '' : t(language, 'invitations:customers.empty'),
    rows: data.rows,
    backVerb: data.backToRelationship ? Verbs.relationshipView : '',
    backTitle: t(language, 'relationships:card.back'),
    backRef: data.backToRelationship ?? '',
  });
}

export const samples: readonly PartyListData[] = [
  { titleKey: 'invitations:customers.title_reseller', rows: [] },
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
];
