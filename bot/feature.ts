import type { TurnContext } from 'botbuilder';
import type { Dialog, DialogContext } from 'botbuilder-dialogs';
import type { Actor } from '../domain/partners/actor.js';
import type { Language } from '../i18n/i18n.js';

/** Everything a handler knows about the turn, resolved once by the bot. */
export interface TurnScope {
  readonly turn: TurnContext;
  readonly dc: DialogContext;
  readonly actor: Actor;
  readonly language: Language;
  readonly conversationType: 'personal' | 'groupChat' | 'channel';
}

/**
 * A text command (`enroll`, `status`, `help`...). `names` are the words that trigger it,
 * English first, then Russian aliases. Commands are matched on the first word, case-insensitive.
 */
export interface CommandHandler {
  readonly names: readonly string[];
  /** i18n key of the one-line description shown by `help`. */
  readonly descriptionKey: string;
  /** Whether `help` lists it for this actor (e.g. operators only); running it still re-checks. */
  visibleTo(scope: TurnScope): Promise<boolean> | boolean;
  run(scope: TurnScope, args: string): Promise<void>;
}

/** What a card action returns: a card to show in place of the clicked one, or nothing. */
export interface CardActionResult {
  /** Adaptive Card JSON that replaces the card that was clicked (Action.Execute invoke response). */
  readonly card?: Record<string, unknown>;
  /** A message to send as a reply (Action.Submit, or in addition to the card). */
  readonly reply?: string;
}

/**
 * A card verb (`noun.action`, defined once in cards/verbs.ts). `data` is the card's submitted
 * data minus the verb; the handler validates it with its own zod schema.
 */
export interface CardActionHandler {
  readonly verb: string;
  handle(scope: TurnScope, data: Record<string, unknown>): Promise<CardActionResult>;
}

/** A product feature plugs into the bot through this: commands, card verbs and dialogs. */
export interface Feature {
  readonly commands?: readonly CommandHandler[];
  readonly cardActions?: readonly CardActionHandler[];
  readonly dialogs?: readonly Dialog[];
  /** Called when the bot is installed for a user (personal scope), after the welcome card. */
  onInstalled?(scope: Omit<TurnScope, 'dc'>): Promise<void>;
}
