import type { TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { TurnScope } from '../bot/feature.js';
import { languageOf, type Language } from '../i18n/i18n.js';

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
