import template from './help.card.json' with { type: 'json' };
import { t, type Language } from '../../i18n/i18n.js';
import { renderCard, type AdaptiveCardJson } from '../shared/render-card.js';

export interface HelpCardData {
  /** Commands this user may use: the words that run it and the i18n key of its description. */
  readonly commands: readonly {
    readonly names: readonly string[];
    readonly descriptionKey: string;
  }[];
  /** In group chats and channels, remind people to @mention the bot. */
  readonly inGroup: boolean;
}

/** The `help` card: the commands this user may use, in their language. */
export function render(data: HelpCardData, language: Language): AdaptiveCardJson {
  return renderCard(template, {
    title: t(language, 'bot:help.title'),
    intro: t(language, 'bot:help.intro'),
    commands: data.commands.map((c) => ({
      name: commandLabel(c.names, language),
      description: literalBrackets(t(language, c.descriptionKey)),
    })),
    cancelTip: t(language, 'bot:help.cancelTip'),
    groupTip: t(language, 'bot:help.groupTip'),
    showGroupTip: data.inGroup,
  });
}

/**
 * Descriptions are markdown (**bold** commands) but also show placeholders such as
 * `accept <code>`: Teams drops an unescaped `<code>` as an HTML tag, so angle brackets are escaped.
 */
function literalBrackets(markdown: string): string {
  return markdown.replace(/[<>]/g, (c) => `\\${c}`);
}

/** English shows the English word; Russian shows its alias first and the English word too. */
function commandLabel(names: readonly string[], language: Language): string {
  const [english, ...aliases] = names;
  const russian = aliases.find((n) => /[а-яё]/i.test(n));
  return language === 'ru' && russian ? `${russian} (${english})` : english;
}

export const samples: readonly HelpCardData[] = [
  {
    commands: [
      { names: ['help', 'помощь'], descriptionKey: 'bot:commands.help' },
      { names: ['cancel', 'отмена'], descriptionKey: 'bot:commands.cancel' },
      { names: ['language', 'язык'], descriptionKey: 'bot:commands.language' },
    ],
    inGroup: false,
  },
  { commands: [{ names: ['help'], descriptionKey: 'bot:commands.help' }], inGroup: true },
];
