import template from './error.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';

export interface ErrorCardData {
  /** i18n key of the message and its values (a DomainError's messageKey and values). */
  readonly messageKey: string;
  readonly values?: Record<string, unknown>;
}

/** Shown in place of a clicked card when its action failed with a domain error. */
export function render(data: ErrorCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'bot:error.title'),
    message: t(language, data.messageKey, data.values ?? {}),
  });
}

export const samples: readonly ErrorCardData[] = [
  { messageKey: 'errors:notAllowed' },
  { messageKey: 'errors:conflict' },
];
