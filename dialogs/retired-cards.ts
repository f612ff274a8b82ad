import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

/** A card the bot made read-only, and the catalog key that answers a click on it. */
export interface RetiredCard {
  readonly activityId: string;
  readonly replyKey: string;
}

/** Enough for every card a person could still scroll to and click; older ones drop off. */
const KEEP = 25;

/**
 * The cards of this conversation the bot retired (steps of a cancelled dialog, a used welcome),
 * kept in the conversation state. The card itself is updated to a read-only record, but a client
 * that missed the update (or a resent click) still sends the old buttons: a click naming one of
 * these is answered, never acted on, so a stale card cannot restart what was cancelled.
 */
export class RetiredCards {
  constructor(private readonly accessor: StatePropertyAccessor<RetiredCard[]>) {}

  async retire(turn: TurnContext, activityId: string, replyKey: string): Promise<void> {
    const kept = (await this.accessor.get(turn)) ?? [];
    const cards = kept.filter((c) => c.activityId !== activityId);
    cards.push({ activityId, replyKey });
    await this.accessor.set(turn, cards.slice(-KEEP));
  }

  async find(turn: TurnContext, activityId: string): Promise<RetiredCard | undefined> {
    // Read without a default: a default would be written back, a save on every click.
    return ((await this.accessor.get(turn)) ?? []).find((c) => c.activityId === activityId);
  }
}

const RETIRED_CARDS = Symbol('partnerConnect.retiredCards');

/** Set by the bot each turn, so prompts can retire the cards they leave behind. */
export function setRetiredCards(turn: TurnContext, cards: RetiredCards): void {
  turn.turnState.set(RETIRED_CARDS, cards);
}

/** The conversation's retired cards; undefined outside the bot (dialog unit tests). */
export function retiredCardsOf(turn: TurnContext): RetiredCards | undefined {
  return turn.turnState.get(RETIRED_CARDS) as RetiredCards | undefined;
}
