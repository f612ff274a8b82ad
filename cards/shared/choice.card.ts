import template from './choice.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';

/** One button of a choice card: what it submits and the i18n key of its title. */
export interface CardChoice {
  readonly value: string;
  readonly titleKey: string;
  readonly titleValues?: Record<string, unknown>;
}

export interface ChoiceCardData {
  readonly promptKey: string;
  readonly promptValues?: Record<string, unknown>;
  /** Optional smaller text under the question. */
  readonly hintKey?: string;
  readonly choices: readonly CardChoice[];
}

/**
 * A question with one Action.Submit button per choice, submitting `{ choice: value }`.
 * Replaces botbuilder's ChoicePrompt/ConfirmPrompt cards, whose imBack buttons the Agents
 * Playground cannot click; used with `CardPrompt` and `choiceParser` (dialogs/card-prompt.ts).
 */
export function render(data: ChoiceCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    prompt: t(language, data.promptKey, data.promptValues ?? {}),
    hint: data.hintKey ? t(language, data.hintKey) : '',
    choices: data.choices.map((c) => ({
      value: c.value,
      title: t(language, c.titleKey, c.titleValues ?? {}),
    })),
  });
}

export const samples: readonly ChoiceCardData[] = [
  {
    promptKey: 'bot:language.text',
    hintKey: 'bot:prompt.retry',
    choices: [
      { value: 'en', titleKey: 'common:languages.en' },
      { value: 'ru', titleKey: 'common:languages.ru' },
    ],
  },
];
