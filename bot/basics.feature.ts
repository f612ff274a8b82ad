import { z } from 'zod';
import { render as renderHelpCard } from '../cards/basics/help.card.js';
import { render as renderLanguageCard } from '../cards/basics/language.card.js';
import { cardAttachment } from '../cards/shared/render-card.js';
import { Verbs } from '../cards/verbs.js';
import type { UserRepository } from '../domain/partners/user-repository.port.js';
import { LANGUAGES, t, type Language } from '../i18n/i18n.js';
import {
  cardAction,
  command,
  type CommandHandler,
  type Feature,
  type TurnScope,
} from './feature.js';
import type { FeatureRegistry } from './feature-registry.js';

/** First names of the commands that interrupt an active dialog instead of being its input. */
export const INTERRUPTING_COMMANDS: ReadonlySet<string> = new Set(['help', 'cancel']);

/** Words accepted after `language` / `язык`, mapped to the product language. */
const LANGUAGE_WORDS: Record<string, Language> = {
  en: 'en',
  english: 'en',
  английский: 'en',
  ru: 'ru',
  russian: 'ru',
  русский: 'ru',
};

export interface BasicsDeps {
  readonly users: UserRepository;
  /** The registry holding every feature, this one included (help lists all of them). */
  readonly registry: () => FeatureRegistry;
}

/**
 * The built-in commands every user has: help, cancel, language (with Russian aliases), and
 * `status`, made of the features' parts: a partner's enrollment, then its customer part, if any.
 */
export function createBasicsFeature(deps: BasicsDeps): Feature {
  const help: CommandHandler = {
    names: ['help', 'помощь', 'справка'],
    scope: 'any',
    descriptionKey: 'bot:commands.help',
    visibleTo: () => true,
    async run(scope) {
      const commands = await deps.registry().visibleCommands(scope);
      const card = renderHelpCard(
        {
          commands: commands.map((c) => ({ names: c.names, descriptionKey: c.descriptionKey })),
          inGroup: scope.conversationType !== 'personal',
        },
        scope.language
      );
      await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
    },
  };

  const cancel: CommandHandler = {
    names: ['cancel', 'отмена', 'отменить'],
    scope: 'any',
    descriptionKey: 'bot:commands.cancel',
    visibleTo: () => true,
    async run(scope) {
      if (scope.dc.activeDialog) {
        await scope.dc.cancelAllDialogs();
        await scope.turn.sendActivity(t(scope.language, 'bot:cancel.done'));
      } else {
        await scope.turn.sendActivity(t(scope.language, 'bot:cancel.nothing'));
      }
    },
  };

  const language = command({
    names: ['language', 'язык'],
    descriptionKey: 'bot:commands.language',
    scope: 'any',
    // The word after the name, if it names a language; anything else shows the choice card.
    args: z
      .string()
      .transform((word): Language | undefined => LANGUAGE_WORDS[word.trim().toLowerCase()]),
    async run(scope, chosen) {
      if (!chosen) {
        const card = renderLanguageCard({ current: scope.language }, scope.language);
        await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
        return;
      }
      await scope.turn.sendActivity(await switchLanguage(deps.users, scope, chosen));
    },
  });

  const status: CommandHandler = {
    names: ['status', 'статус'],
    descriptionKey: 'bot:commands.status',
    // Group chats can include guests from other tenants: an organization's status stays 1:1.
    scope: 'personal',
    visibleTo: async (scope) => {
      for (const part of statusParts()) if (await part.visibleTo(scope)) return true;
      return false;
    },
    async run(scope) {
      const cards = [];
      for (const part of statusParts()) {
        const shown = await part.render(scope);
        if (shown) cards.push(shown);
      }
      const real = cards.filter((c) => !c.fallback);
      const shown = real.length ? real : cards;
      if (!shown.length)
        return void (await scope.turn.sendActivity(t(scope.language, 'bot:status.nothing')));
      for (const { card } of shown) {
        await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
      }
    },
  };
  const statusParts = () => deps.registry().features.flatMap((f) => (f.status ? [f.status] : []));

  const setLanguage = cardAction({
    verb: Verbs.languageSet,
    schema: z.object({ language: z.enum(LANGUAGES) }),
    scope: 'any',
    async handle(scope, { language }) {
      return { reply: await switchLanguage(deps.users, scope, language) };
    },
  });

  return { commands: [help, cancel, language, status], cardActions: [setLanguage] };
}

/** Stores the choice and confirms it in the newly chosen language. */
async function switchLanguage(
  users: UserRepository,
  scope: TurnScope,
  language: Language
): Promise<string> {
  await users.setLanguage(scope.actor, language);
  return t(language, 'bot:language.changed');
}
