import template from './with-notice.fragment.json' with { type: 'json' };
import { renderCard, type AdaptiveCardJson } from './render-card.js';

/** A line on top of a card: why a click was refused, or what it just did. */
export interface CardNotice {
  readonly text: string;
  readonly isError?: boolean;
}

/**
 * The card with the notice as its first element (replacing an earlier one), everything else
 * kept: a refused click shows its reason where the person clicked, and the buttons stay.
 */
export function withNotice(card: AdaptiveCardJson, notice: CardNotice): AdaptiveCardJson {
  const block = renderCard(template, {
    text: notice.text,
    style: notice.isError ? 'attention' : 'good',
    // The container's colour tells done from refused; its text keeps the default colour, which
    // hosts draw readable on every container style (Good on good is 4.0:1 in the Playground).
    color: 'Default',
  });
  const body = Array.isArray(card.body) ? (card.body as AdaptiveCardJson[]) : [];
  return { ...card, body: [block, ...body.filter((el) => el.id !== 'notice')] };
}
