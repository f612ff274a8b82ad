import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import {
  Dialog,
  DialogReason,
  Prompt,
  type DialogInstance,
  type DialogContext,
  type DialogTurnResult,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
  type PromptValidatorContext,
} from 'botbuilder-dialogs';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  cardAttachment,
  type AdaptiveCardJson,
} from '../cards/shared/render-card.js';
import { render as renderChoiceCard, type CardChoice } from '../cards/shared/choice.card.js';
import type { Language } from '../i18n/i18n.js';
import { t } from '../i18n/i18n.js';
import { retiredCardsOf } from './retired-cards.js';
import { handTurnBack, startsWithCommand, turnLanguage } from './turn-scope.js';

/** What a card prompt returns: the card's submitted values (inputs + action data), or parsed text. */
export type CardAnswer = Record<string, unknown>;

/**
 * Turns a typed reply into the shape the card would submit; undefined when it does not fit. It
 * may read the turn (what the reply can mean may depend on stored data, e.g. a draft's step).
 */
export type TextParser = (
  text: string,
  language: Language,
  context: TurnContext
) => CardAnswer | undefined | Promise<CardAnswer | undefined>;

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
    validator?: PromptValidator<CardAnswer>,
    private readonly answered?: AnsweredCard,
    private readonly cancelled?: CancelledCard
  ) {
    const self: { prompt?: CardPrompt } = {};
    super(dialogId, async (prompt) => {
      const ok = validator ? await validator(prompt) : prompt.recognized.succeeded;
      if (ok && prompt.recognized.value) await self.prompt?.recordAnswer(prompt);
      // The SDK asks again only when the turn has said nothing yet; a prompt answered in the
      // turn that began it (after a greeting) must still show why the answer was refused.
      if (!ok && prompt.context.responded)
        await self.prompt?.onPrompt(prompt.context, prompt.state, prompt.options, true);
      return ok;
    });
    self.prompt = this;
  }

  /**
   * The answered card becomes a record of the answer, so only the next step stays live; done
   * before the prompt ends, so the record is shown before whatever the dialog asks next.
   */
  private async recordAnswer(prompt: PromptValidatorContext<CardAnswer>): Promise<void> {
    const liveCard = answeredCardOf(prompt);
    const card = liveCard
      ? this.answered?.(prompt.recognized.value!, turnLanguage(prompt.context))
      : undefined;
    if (liveCard && card) await replaceCard(prompt.context, liveCard, card);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (await this.isCommandNotAnswer(dc.context)) {
      handTurnBack(dc);
      return Dialog.EndOfTurn;
    }
    return super.continueDialog(dc);
  }

  /**
   * Cancelled (`cancel`, a command or button that starts something else): the card still
   * waiting for an answer becomes a read-only record, and a click on it is answered, not acted
   * on, even where the update did not reach the client.
   */
  override async endDialog(
    context: TurnContext,
    instance: DialogInstance,
    reason: DialogReason
  ): Promise<void> {
    const liveCard = liveCardOf(instance.state);
    if (reason === DialogReason.cancelCalled && liveCard && this.cancelled) {
      const card = await this.cancelled.card(turnLanguage(context), context);
      if (card) await replaceCard(context, liveCard, card);
      await retiredCardsOf(context)?.retire(context, liveCard, this.cancelled.replyKey);
    }
    await super.endDialog(context, instance, reason);
  }

  private async isCommandNotAnswer(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message || isSubmittedValue(activity.value)) return false;
    const text = (activity.text ?? '').trim();
    if (!text || !startsWithCommand(context, text)) return false;
    return (await this.parseText(text, turnLanguage(context), context)) === undefined;
  }

  protected async onPrompt(
    context: TurnContext,
    state: object,
    options: PromptOptions,
    isRetry: boolean
  ): Promise<void> {
    const live = state as LiveCardState;
    const { replaces } = options as CardPromptOptions;
    if (!isRetry && replaces && !live.cardActivityId) live.cardActivityId = replaces;
    const activity = isRetry ? options.retryPrompt : options.prompt;
    if (!activity) {
      if (isRetry) await context.sendActivity(t(turnLanguage(context), 'bot:prompt.retry'));
      return;
    }
    const card = typeof activity === 'string' ? undefined : cardOf(activity);
    // A card asked again (with the errors) replaces the live one instead of piling up below it.
    if (card && live.cardActivityId && (await replaceCard(context, live.cardActivityId, card))) {
      return;
    }
    const sent = await context.sendActivity(activity);
    if (card && sent?.id) live.cardActivityId = sent.id;
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<CardAnswer>> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    if (isSubmittedValue(activity.value)) {
      return { succeeded: true, value: { ...(activity.value as CardAnswer) } };
    }
    const text = (activity.text ?? '').trim();
    const parsed = text ? await this.parseText(text, turnLanguage(context), context) : undefined;
    return parsed ? { succeeded: true, value: parsed } : { succeeded: false };
  }
}

/** Options of a card prompt: the prompt's, and a card already on screen to ask in. */
export interface CardPromptOptions extends PromptOptions {
  /**
   * The card (activity id) this prompt asks in: its prompt replaces that card instead of posting
   * a new one, and an answer makes it a record. A step that asks again after refusing an answer
   * passes the card the answer came from (`answeredCardOf`).
   */
  readonly replaces?: string;
}

/**
 * The card an answer being validated is for: the one this prompt asked in. Not the click's
 * `replyToId`, which the Playground's Web Chat view sets to the last activity, a text maybe.
 */
export function answeredCardOf(prompt: PromptValidatorContext<CardAnswer>): string | undefined {
  return (prompt.state as LiveCardState).cardActivityId;
}

/** Renders the compact record an answered card turns into (undefined: leave the card as is). */
export type AnsweredCard = (answer: CardAnswer, language: Language) => AdaptiveCardJson | undefined;

/** What a card left waiting turns into when its dialog is cancelled, and the answer to a click on it. */
export interface CancelledCard {
  /** The read-only record (undefined: leave the card as it is, retired all the same). */
  readonly card: (
    language: Language,
    context: TurnContext
  ) => AdaptiveCardJson | undefined | Promise<AdaptiveCardJson | undefined>;
  /** Catalog key of the reply to a click on the retired card. */
  readonly replyKey: string;
}

/** Kept in the prompt's own state: the id of the card it showed last, the one still live. */
interface LiveCardState {
  cardActivityId?: string;
}

function liveCardOf(instanceState: unknown): string | undefined {
  const state = (instanceState as { state?: LiveCardState } | undefined)?.state;
  return typeof state?.cardActivityId === 'string' ? state.cardActivityId : undefined;
}

function cardOf(activity: Partial<Activity>): AdaptiveCardJson | undefined {
  const attachment = activity.attachments?.[0];
  return attachment?.contentType === ADAPTIVE_CARD_CONTENT_TYPE
    ? (attachment.content as AdaptiveCardJson)
    : undefined;
}

/**
 * Updates a card the bot sent earlier in this conversation; false when the channel refuses
 * (the card was deleted, or the channel cannot update), and the caller sends a new one.
 */
export async function replaceCard(
  context: TurnContext,
  activityId: string,
  card: AdaptiveCardJson
): Promise<boolean> {
  try {
    await context.updateActivity({
      id: activityId,
      type: ActivityTypes.Message,
      attachments: [cardAttachment(card)],
    });
    return true;
  } catch {
    // Not silent in effect: the caller falls back to sending the card as a new message.
    return false;
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
