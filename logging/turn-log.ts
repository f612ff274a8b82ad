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
  /**
   * What the turn was, for metrics: `command:<first name>`, `verb:<registered verb>`, `dialog`.
   * Only names the code registered, never typed text; unset: the route derives it from the
   * activity type and invoke name.
   */
  readonly kind?: string;
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

/** One finished request to /api/messages, as metrics count it: every value from a closed set. */
export interface TurnRecord {
  /** `message`, `invoke`, `conversationUpdate`, ... (`other` for unknown types, `none` before the body). */
  readonly activity: string;
  /** `command:status`, `verb:relationship.authorize`, `invoke:composeExtension/queryLink`, ... */
  readonly kind: string;
  /** `ok`; `refused` (a DomainError reply); `error` (failed turn, 5xx); `rejected` (401, 4xx before the bot). */
  readonly outcome: 'ok' | 'refused' | 'error' | 'rejected';
  readonly seconds: number;
}

/** Where the messages route reports each turn (observability/metrics.ts; none without METRICS_TOKEN). */
export interface TurnMetrics {
  turn(record: TurnRecord): void;
}

/**
 * Runs a turn inside a trace span (observability/tracing.ts, when tracing is on); `annotate`
 * adds the turn's record to the span once it is known.
 */
export type TurnTracer = (
  run: (annotate: (record: TurnRecord) => void) => Promise<void>
) => Promise<void>;
