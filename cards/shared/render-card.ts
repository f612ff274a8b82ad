import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to attach or return from an invoke. */
export type AdaptiveCardJson = Record<string, unknown>;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Each template parsed once: parsing its `${...}` expressions costs tens of milliseconds (far
 * more than expanding), and a turn renders several cards. A Template is reusable by design, and
 * `expand` builds new objects and arrays, so no card shares structure with the cached one.
 */
const compiled = new WeakMap<object, ACData.Template>();

/**
 * Expands a `<name>.card.json` template with its data. Templates hold no literals: every
 * user-facing string arrives in `data`, already localized by the card's `render`.
 */
export function renderCard(template: object, data: object): AdaptiveCardJson {
  let parsed = compiled.get(template);
  if (!parsed) {
    parsed = new ACData.Template(template);
    compiled.set(template, parsed);
  }
  return parsed.expand({ $root: data }) as AdaptiveCardJson;
}

/** The attachment that carries a card in a message activity. */
export function cardAttachment(card: AdaptiveCardJson): {
  contentType: string;
  content: AdaptiveCardJson;
} {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
