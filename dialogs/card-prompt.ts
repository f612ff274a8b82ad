import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import {
  Dialog,
  Prompt,
  type DialogContext,
  type DialogTurnResult,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { cardAttachment, type AdaptiveCardJson } from '../cards/shared/render-card.js';
import { render as renderChoiceCard, type CardChoice } from '../cards/shared/choice.card.js';
import type { Language } from '../i18n/i18n.js';
import { t } from '../i18n/i18n.js';
import { handTurnBack, startsWithCommand, turnLanguage } from './turn-scope.js';

/** What a card prompt returns: the card's submitted values (inputs + action data), or parsed text. */
export type CardAnswer = Record<string, unknown>;

/** Turns a typed reply into the shape the card would submit; undefined when it does not fit. */
export type TextParser = (text: string, language: Language) => CardAnswer | undefined;

/**
 * A prompt that shows an Adaptive Card and accepts either the card's submitted values
 * (Action.Submit, arriving as `activity.value`) or typed text run through `parseText`.
 * Use it instead of ChoicePrompt/ConfirmPrompt: in msteams those render imBack buttons that
 * the Agents Playground cannot click. The card's actions must carry no `verb` that a feature
 * registered as a card action, or the bot routes the click to that handler instead.
 * A typed command (`status`, `users`...) that `parseText` does not accept is handed back to the
 * bot, which runs it while this prompt keeps waiting: re-asking would only hide the command.
 */
export class CardPrompt extends Prompt<CardAnswer> {
  constructor(
    dialogId: string,
    private readonly parseText: TextParser = () => undefined,
    validator?: PromptValidator<CardAnswer>
  ) {
    super(dialogId, validator);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (this.isCommandNotAnswer(dc.context)) {
      handTurnBack(dc);
      return Dialog.EndOfTurn;
    }
    return super.continueDialog(dc);
  }

  private isCommandNotAnswer(context: TurnContext): boolean {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message || isSubmittedValue(activity.value)) return false;
    const text = (activity.text ?? '').trim();
    if (!text || !startsWithCommand(context, text)) return false;
    return this.parseText(text, turnLanguage(context)) === undefined;
  }

  protected async onPrompt(
    context: TurnContext,
    _state: object,
    options: PromptOptions,
    isRetry: boolean
  ): Promise<void> {
    if (isRetry && options.retryPrompt) {
      await context.sendActivity(options.retryPrompt);
    } else if (isRetry) {
      await context.sendActivity(t(turnLanguage(context), 'bot:prompt.retry'));
    } else if (options.prompt) {
      await context.sendActivity(options.prompt);
    }
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<CardAnswer>> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    if (isSubmittedValue(activity.value)) {
      return { succeeded: true, value: { ...(activity.value as CardAnswer) } };
    }
    const text = (activity.text ?? '').trim();
    const parsed = text ? this.parseText(text, turnLanguage(context)) : undefined;
    return parsed ? { succeeded: true, value: parsed } : { succeeded: false };
  }
}

function isSubmittedValue(value: unknown): value is CardAnswer {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A message activity carrying one card (for `prompt` / `retryPrompt`). */
export function cardMessage(card: AdaptiveCardJson): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [cardAttachment(card)] };
}

/** Prompt options for a choice question rendered as a card with one button per choice. */
export function choicePromptOptions(
  language: Language,
  promptKey: string,
  choices: readonly CardChoice[],
  promptValues?: Record<string, unknown>
): PromptOptions {
  return { prompt: cardMessage(renderChoiceCard({ promptKey, promptValues, choices }, language)) };
}

/**
 * Parses a typed choice: its value, its localized title (any language), or its 1-based number.
 * Returns `{ choice: value }`, the same shape the choice card submits.
 */
export function choiceParser(choices: readonly CardChoice[]): TextParser {
  return (text) => {
    const typed = text
      .trim()
      .toLowerCase()
      .replace(/[.!]+$/, '');
    const byNumber = /^\d+$/.test(typed) ? choices[Number(typed) - 1] : undefined;
    const match =
      byNumber ??
      choices.find(
        (c) =>
          c.value.toLowerCase() === typed ||
          (['en', 'ru'] as const).some(
            (lang) => t(lang, c.titleKey, c.titleValues ?? {}).toLowerCase() === typed
          )
      );
    return match ? { choice: match.value } : undefined;
  };
}
