import { ADAPTIVE_CARD_CONTENT_TYPE } from '../../cards/shared/render-card.js';

type Element = Record<string, any>;

/** The card an invoke answered with (Action.Execute) or an activity carries (a submit's update). */
export function cardIn(x: any): Element {
  if (x?.type === ADAPTIVE_CARD_CONTENT_TYPE && x.value) return x.value;
  const attachment = x?.attachments?.find((a: any) => a.contentType === ADAPTIVE_CARD_CONTENT_TYPE);
  if (attachment) return attachment.content;
  throw new Error(`no card in ${JSON.stringify(x).slice(0, 300)}`);
}

/** A form's input as a person sees it: its value and the element right under it, if any. */
export interface ShownInput {
  readonly input: Element;
  /** The element that follows the input in its container (an error line, when refused). */
  readonly next?: Element;
}

/** Every input of a card by id, each with the element right under it. */
export function inputsOf(card: Element): Map<string, ShownInput> {
  const found = new Map<string, ShownInput>();
  const walk = (elements: unknown) => {
    if (!Array.isArray(elements)) return;
    elements.forEach((el: Element, i) => {
      if (typeof el?.type === 'string' && el.type.startsWith('Input.') && el.id) {
        found.set(el.id, { input: el, next: elements[i + 1] });
      }
      walk(el?.items);
      walk(el?.columns);
    });
  };
  walk(card.body);
  return found;
}

/** The error line shown right under an input ('' when there is none). */
export function errorUnder(card: Element, id: string): string {
  const shown = inputsOf(card).get(id);
  if (!shown) throw new Error(`no input ${id} on the card`);
  const next = shown.next;
  // The line a refusal puts under its field (an Attention TextBlock named after the input).
  return next?.type === 'TextBlock' && next.color === 'Attention' && next.id === `${id}.error`
    ? String(next.text)
    : '';
}

/** The card's top-level body, as ids and texts, to say where a line sits. */
export function bodyIds(card: Element): string[] {
  return (card.body as Element[]).map((el) => String(el.id ?? el.type));
}
