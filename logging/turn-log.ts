import type { TurnContext } from 'botbuilder';

/**
 * What the bot learns about a turn for its one `turn` log line, which the messages route writes
 * (it alone knows the HTTP status and the whole duration, and sees requests the bot never does).
 */
export interface TurnFacts {
  /** Unset: the route derives it from the status (`ok`, `failed`, `unauthorized`...). */
  readonly outcome?: 'ignored' | 'domainError';
  readonly tenantId?: string;
  readonly conversationType?: string;
}

const TURN_FACTS = Symbol('partnerConnect.turnFacts');

/** Adds to the facts of this turn (later values win). */
export function noteTurn(turn: TurnContext, facts: TurnFacts): void {
  turn.turnState.set(TURN_FACTS, { ...turnFacts(turn), ...facts });
}

/** The facts noted so far; empty when the bot noted none (another bot, or it never ran). */
export function turnFacts(turn: TurnContext): TurnFacts {
  return (turn.turnState.get(TURN_FACTS) as TurnFacts | undefined) ?? {};
}
