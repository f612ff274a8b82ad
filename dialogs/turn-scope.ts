import type { TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { AdaptiveCardJson } from '../cards/shared/render-card.js';
import type { Standing } from '../domain/customers/customer-standing.js';
import type { Actor } from '../domain/partners/actor.js';
import { languageOf, type Language } from '../i18n/i18n.js';

/** Everything a handler knows about the turn, resolved once by the bot. */
export interface TurnScope {
  readonly turn: TurnContext;
  readonly dc: DialogContext;
  readonly actor: Actor;
  readonly language: Language;
  readonly conversationType: 'personal' | 'groupChat' | 'channel';
  /**
   * Sends a card; with a subject, every copy stays true: group chats get Teams' card refresh
   * for their members, and the copy is recorded so later changes update it in place.
   */
  sendCard(card: AdaptiveCardJson, subject?: { type: string; id: string }): Promise<void>;
  /**
   * Partner, customer or newcomer (domain/customers/customer-standing.ts), read at most once a
   * turn and only when asked; absent when no feature knows customers (bot tests).
   */
  standing?(): Promise<Standing>;
}

const TURN_SCOPE = Symbol('partnerConnect.turnScope');

/** Called by the bot once per turn so dialogs can reach the actor and language. */
export function setTurnScope(scope: TurnScope): void {
  scope.turn.turnState.set(TURN_SCOPE, scope);
}

/**
 * The turn's scope (actor, language, conversation type) from inside a dialog step or prompt.
 * Throws when the bot did not set one: a dialog must never act for an unknown user.
 */
export function turnScope(context: TurnContext | DialogContext): TurnScope {
  const turn = 'context' in context ? context.context : context;
  const scope = turn.turnState.get(TURN_SCOPE) as TurnScope | undefined;
  if (!scope) throw new Error('No turn scope: the dialog runs outside the Partner Connect bot');
  return scope;
}

/** The language of the turn: the user's choice when the bot resolved it, else the activity locale. */
export function turnLanguage(context: TurnContext | DialogContext): Language {
  const turn = 'context' in context ? context.context : context;
  const scope = turn.turnState.get(TURN_SCOPE) as TurnScope | undefined;
  return scope?.language ?? languageOf(turn.activity.locale);
}

const HANDED_BACK = Symbol('partnerConnect.turnHandedBack');
const COMMAND_WORDS = Symbol('partnerConnect.commandWords');

/**
 * A dialog or prompt calls this when the turn's text is not an answer to it (a command typed
 * while it waits): after the dialog returns, the bot routes the text as if no dialog were
 * active. The dialog decides its own fate first: end (e.g. `step.endDialog(...)`) or stay
 * waiting (return `Dialog.EndOfTurn`). Ending the whole stack with `{ unhandled: true }` as
 * its result does the same.
 */
export function handTurnBack(context: TurnContext | DialogContext): void {
  const turn = 'context' in context ? context.context : context;
  turn.turnState.set(HANDED_BACK, true);
}

/** True when a dialog handed this turn's text back, by `handTurnBack` or by an `{ unhandled: true }` result. */
export function turnHandedBack(
  turn: TurnContext,
  result?: { status: string; result?: unknown }
): boolean {
  if (turn.turnState.get(HANDED_BACK) === true) return true;
  const value = result?.status === 'complete' ? result.result : undefined;
  return (
    !!value && typeof value === 'object' && (value as { unhandled?: unknown }).unhandled === true
  );
}

/** Set by the bot each turn: whether a word is one of the commands (so prompts can hand them back). */
export function setCommandWords(turn: TurnContext, isCommand: (word: string) => boolean): void {
  turn.turnState.set(COMMAND_WORDS, isCommand);
}

/** True when the text's first word is a command (`status`, `/users`...); false outside the bot. */
export function startsWithCommand(context: TurnContext | DialogContext, text: string): boolean {
  const turn = 'context' in context ? context.context : context;
  const isCommand = turn.turnState.get(COMMAND_WORDS) as ((word: string) => boolean) | undefined;
  const word = text.trim().split(/\s+/)[0]?.replace(/^\//, '') ?? '';
  return !!isCommand && !!word && isCommand(word);
}
