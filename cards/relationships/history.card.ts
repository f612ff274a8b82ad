import template from './history.card.json' with { type: 'json' };
import type { RelationshipView } from '../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { backToList, listFields, type ListContext } from '../shared/list-context.js';
import { userText } from '../shared/user-text.js';
import { Verbs } from '../verbs.js';
import { samples as relationshipSamples } from './relationship.card.js';
import { byText, dayText, rolesText } from './relationship-text.js';

export interface HistoryCardData {
  readonly view: RelationshipView;
  /** The list the relationship was opened from: Back goes to its card, which keeps it. */
  readonly list?: ListContext;
}

/** The audit trail of a relationship: every transition, who made it, when, with which roles. */
export function render(data: HistoryCardData, language: Language): AdaptiveCardJson {
  const { relationship: r, provider, reseller } = data.view;
  const tr = (key: string, values: Record<string, unknown> = {}) =>
    t(language, `relationships:${key}`, values);
  const lines = r.history.map((e) => {
    const values = {
      date: dayText(language, e.at),
      name: byText(language, e.by),
      roles: rolesText(language, e.roles),
      // Both ends of an extension or a change are kept (issue 27).
      from: e.fromExpiresAt ? dayText(language, e.fromExpiresAt) : '',
      to: e.toExpiresAt ? dayText(language, e.toExpiresAt) : '',
      auto: tr(e.autoExtend ? 'card.autoExtend_on' : 'card.autoExtend_off'),
    };
    if (e.from === null) return { text: tr('history.created', values) };
    // An extension recorded before both ends were kept says only who and when.
    if (e.note === 'extended' && !e.toExpiresAt) {
      return { text: tr('history.note_extendedUndated', values) };
    }
    if (e.note) return { text: tr(`history.note_${e.note}`, values) };
    return {
      text: tr('history.moved', {
        ...values,
        from: tr(`states.${e.from}`),
        to: tr(`states.${e.to}`),
      }),
    };
  });
  return renderCard(template, {
    title: tr('history.title', {
      provider: userText(provider.legalName),
      reseller: userText(reseller.legalName),
    }),
    lines,
    backVerb: Verbs.relationshipView,
    backTitle: tr('card.backToRelationship'),
    backData: { relationshipRef: r.id, ...listFields(data.list) },
    backToList: data.list ? [{ ...backToList(data.list), title: tr('card.backToList') }] : [],
  });
}

export const samples: readonly HistoryCardData[] = relationshipSamples.map((s) => ({
  view: s.view,
}));
