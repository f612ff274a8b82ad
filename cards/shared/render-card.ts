import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to attach or return from an invoke. */
export type AdaptiveCardJson = Record<string, unknown>;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Expands a `<name>.card.json` template with its data. Templates hold no literals: every
 * user-facing string arrives in `data`, already localized by the card's `render`.
 */
export function renderCard(template: object, data: object): AdaptiveCardJson {
  return new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
}

/** The attachment that carries a card in a message activity. */
export function cardAttachment(card: AdaptiveCardJson): {
  contentType: string;
  content: AdaptiveCardJson;
} {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
