import type { Dialog } from 'botbuilder-dialogs';
import type { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/shared/render-card.js';
import type { TurnScope } from '../dialogs/turn-scope.js';
import type { Standing } from '../domain/customers/customer-standing.js';
import type { Actor } from '../domain/partners/actor.js';
import type { Action } from '../domain/partners/roles.js';

export type { TurnScope };

/**
 * A text command as data: the words that trigger it (English first, then Russian aliases;
 * matched on the first word, case-insensitive), where it may run, who may run it and how its
 * arguments parse. No Bot Framework type, so the REST API can serve the same declaration.
 */
export interface CommandDeclaration<A = string> {
  readonly names: readonly string[];
  /** i18n key of the one-line description shown by `help`. */
  readonly descriptionKey: string;
  /**
   * 'personal': refused in group chats and channels (they may hold guests of other tenants, and
   * a command's answer is one organization's business) and not listed there.
   */
  readonly scope: 'personal' | 'any';
  /** i18n key of that refusal (default {@link PERSONAL_ONLY_KEY}). */
  readonly personalOnlyKey?: string;
  /** The role-matrix action the actor must be allowed (memberships.authorize), before `run`. */
  readonly may?: Action;
  /** Parses the text after the command's words; default: that text as it is. */
  readonly args?: z.ZodType<A, string>;
  /** i18n key of the message when `args` refuses the text (default `errors:invalid`). */
  readonly invalidKey?: string;
}

/** The general "type it in your 1:1 chat" refusal (it was enrollment's first). */
export const PERSONAL_ONLY_KEY = 'enrollment:errors.personalOnly';

/**
 * A command's declaration with its handler. The registry checks `scope`, `may` and `args`
 * before `run` is called and before `help` lists it, so the handler holds none of those checks.
 */
export interface CommandHandler<A = string> extends CommandDeclaration<A> {
  /** Beyond scope and `may`: whether `help` lists it for this actor (e.g. an approved provider). */
  visibleTo?(scope: TurnScope): Promise<boolean> | boolean;
  run(scope: TurnScope, args: A): Promise<void>;
}

/** Who may run a command that declares `may` (the partners module's MembershipService). */
export interface CommandAuthorizer {
  authorize(actor: Actor, action: Action): Promise<unknown>;
}

/** What a card is about (`{ type: 'application', id }`): every copy of it can be found again. */
export interface CardSubject {
  readonly type: string;
  readonly id: string;
}

/** What a card action returns: the card in its new state, a reply, or nothing. */
export interface CardActionResult {
  /** Replaces the clicked card (the invoke response of Action.Execute, an update for Submit). */
  readonly card?: AdaptiveCardJson;
  /** A message sent below (Action.Submit), or shown by Teams instead of a card (Execute). */
  readonly reply?: string;
  /**
   * What the returned card is about: the clicked message now shows it, so it is recorded as a
   * copy of `subject` and later changes reach it in place like every other copy.
   */
  readonly recordAs?: CardSubject;
}

/**
 * A card verb (`noun.action`, defined by the feature that owns it). The router parses `data`
 * (the submitted values minus the verb) with `schema`, refuses the click outside 1:1 chats when
 * `scope` is 'personal', calls `handle` once, and shows the new card to the clicker alone. Every
 * other copy (other operators, the other side) is owed work: the domain's notices update it
 * through the outbox, once, whether or not this turn survives.
 */
export interface CardAction<S extends z.ZodType = z.ZodType> {
  readonly verb: string;
  readonly schema: S;
  /** 'personal': the card shows what a group chat must not see (an application, a user list). */
  readonly scope: 'personal' | 'any';
  /** i18n key of the message when `schema` refuses the data (default `errors:invalid`). */
  readonly invalidKey?: string;
  handle(scope: TurnScope, data: z.infer<S>): Promise<CardActionResult>;
  /**
   * The clicked card as it stands now, for this raw data (the parse may have failed): a refused
   * or invalid click shows its reason on this card, buttons kept. Without it the reason is a
   * message under the unchanged card.
   */
  current?(scope: TurnScope, data: Record<string, unknown>): Promise<AdaptiveCardJson | undefined>;
}

/** A product feature plugs into the bot through this: commands, card verbs and dialogs. */
export interface Feature {
  // `any` in the arguments position: each command keeps its own parsed type inside `run`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly commands?: readonly CommandHandler<any>[];
  // `any` in the schema position: each action keeps its own parsed type inside its handler.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly cardActions?: readonly CardAction<any>[];
  readonly dialogs?: readonly Dialog[];
  /**
   * Renders the current state of a card this feature sends to group chats, for Teams' card
   * refresh (`refresh.userIds`): each viewer sees the truth when they open the chat.
   */
  readonly refreshers?: readonly CardRefresher[];
  /**
   * Text that is no command and no dialog's answer (a bare verification code): true when the
   * feature took it, before the bot says it did not understand.
   */
  onUnknownText?(scope: TurnScope, text: string): Promise<boolean>;
  /** Buttons the welcome card offers for this feature (`enroll`), when the command is visible. */
  readonly welcomeSteps?: readonly { readonly command: string; readonly titleKey: string }[];
  /**
   * A link of `PUBLIC_BASE_URL` pasted into a Teams chat (`composeExtension/queryLink`): the card
   * it unfurls into, with a title for the compose box's preview, or undefined when not ours.
   */
  unfurl?(
    scope: TurnScope,
    url: string
  ): Promise<{ readonly card: AdaptiveCardJson; readonly title: string } | undefined>;
  /** Called when the bot is installed for a user (personal scope), after the welcome card. */
  onInstalled?(scope: Omit<TurnScope, 'dc'>): Promise<void>;
  /**
   * Who the actor is to the product (partner, customer, newcomer): the feature that knows
   * customers answers, and the bot asks it at most once a turn (`scope.standing`).
   */
  standingOf?(actor: Actor): Promise<Standing>;
  /** This feature's part of `status` (basics.feature.ts puts the parts together). */
  readonly status?: StatusPart;
}

/** One feature's part of the `status` answer. */
export interface StatusPart {
  /** Whether `help` lists `status` for this feature's sake (it is listed if any part says so). */
  visibleTo(scope: TurnScope): Promise<boolean> | boolean;
  /**
   * The card, or undefined when the feature has nothing to say to this actor. A `fallback` card
   * (enrollment's "not enrolled yet") is shown only when no other part has a card.
   */
  render(
    scope: TurnScope
  ): Promise<{ readonly card: AdaptiveCardJson; readonly fallback?: boolean } | undefined>;
}

/** The current card for a subject, as one viewer (the refreshing user) may see it. */
export interface CardRefresher {
  readonly subjectType: string;
  render(scope: TurnScope, id: string): Promise<AdaptiveCardJson | undefined>;
}

/** Declares a card action with its data type inferred from the schema. */
export function cardAction<S extends z.ZodType>(action: CardAction<S>): CardAction<S> {
  return action;
}

/** Declares a command with its arguments' type inferred from its `args` schema. */
export function command<A = string>(declared: CommandHandler<A>): CommandHandler<A> {
  return declared;
}
