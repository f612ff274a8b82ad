import template from './answered.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';

/** A catalog key and its values. */
export interface Text {
  readonly key: string;
  readonly values?: Record<string, unknown>;
}

export interface AnsweredCardData {
  /** The question or step the card asked. */
  readonly title: Text;
  /** What happened ("Saved", "Submitted"). */
  readonly status: Text;
  /** The answers worth keeping in view: a label to translate, a value as the person gave it. */
  readonly facts?: readonly { readonly label: Text; readonly value: string }[];
  /** Closed without an answer (cancelled): the status without a check mark, not in green. */
  readonly ended?: boolean;
}

/**
 * What a card turns into once it is answered: a compact record, no buttons, so the step that
 * follows is the only live card in the chat.
 */
export function render(data: AnsweredCardData, language: Language): AdaptiveCardJson {
  const tr = (text: Text) => t(language, text.key, text.values ?? {});
  return renderCard(template, {
    title: tr(data.title),
    status: data.ended
      ? tr(data.status)
      : t(language, 'bot:answered.status', { status: tr(data.status) }),
    statusColor: data.ended ? 'Default' : 'Good',
    facts: (data.facts ?? []).map((f) => ({ title: tr(f.label), value: f.value })),
  });
}

export const samples: readonly AnsweredCardData[] = [
  {
    title: { key: 'enrollment:sections.company' },
    status: { key: 'enrollment:answered.cancelled' },
    ended: true,
  },
  {
    title: { key: 'enrollment:verifyCard.title' },
    status: { key: 'enrollment:verifyCard.verified' },
  },
  {
    title: { key: 'enrollment:verifyCard.title' },
    status: { key: 'enrollment:verifyCard.verified' },
    facts: [{ label: { key: 'enrollment:fields.legalName' }, value: 'Contoso GmbH' }],
  },
];
