import template from './welcome.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';
import { MAX_DISPLAY_NAME, userText } from '../shared/user-text.js';

/** A next step offered as a button that runs a command. */
export interface WelcomeStep {
  readonly command: string;
  /** i18n key of the button title. */
  readonly titleKey: string;
}

export interface WelcomeCardData {
  readonly name?: string;
  /** Buttons, in order; only steps this user may take. */
  readonly steps: readonly WelcomeStep[];
  /** i18n key of the intro: a customer's people hear what the app does for a customer. */
  readonly introKey?: string;
}

/** The welcome card sent when the app is installed in personal scope. */
export function render(data: WelcomeCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'bot:welcome.title'),
    greeting: data.name
      ? t(language, 'bot:welcome.greeting', { name: userText(data.name, MAX_DISPLAY_NAME) })
      : t(language, 'bot:welcome.greetingAnonymous'),
    intro: t(language, data.introKey ?? 'bot:welcome.intro'),
    nextSteps: t(language, 'bot:welcome.nextSteps'),
    typeHelp: t(language, 'bot:welcome.typeHelp'),
    steps: data.steps.map((s) => ({ command: s.command, title: t(language, s.titleKey) })),
    // Offered from the first message: the Teams locale may be missing or not the person's choice.
    switchLanguage: t(language, 'bot:welcome.switchLanguage'),
    otherLanguage: language === 'ru' ? 'en' : 'ru',
  });
}

/** Sample data for the card tests (every card module exports `samples`). */
export const samples: readonly WelcomeCardData[] = [
  {
    name: 'Anna Petrova',
    steps: [
      { command: 'enroll', titleKey: 'bot:steps.enroll' },
      { command: 'status', titleKey: 'bot:steps.status' },
      { command: 'help', titleKey: 'bot:steps.help' },
    ],
  },
  { steps: [] },
  {
    name: 'Nadia Ivanova',
    introKey: 'customers:welcome.intro',
    steps: [
      { command: 'status', titleKey: 'bot:steps.status' },
      { command: 'partners', titleKey: 'customers:steps.partners' },
      { command: 'help', titleKey: 'bot:steps.help' },
    ],
  },
];
