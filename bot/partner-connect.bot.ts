import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AppBasedLinkQuery,
  type MessagingExtensionResponse,
  type AdaptiveCardInvokeValue,
  type Activity,
  type ConversationState,
} from 'botbuilder';
import type { DialogSet } from 'botbuilder-dialogs';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment } from '../cards/shared/render-card.js';
import { Verbs } from '../cards/verbs.js';
import type { ConversationReferenceRepository } from '../domain/notifications/conversation-reference-repository.port.js';
import type { DomainError } from '../domain/errors.js';
import { languageOf, t } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import { noteTurn } from '../logging/turn-log.js';
import { setCommandWords, setTurnScope, turnHandedBack } from '../dialogs/turn-scope.js';
import { RetiredCards, setRetiredCards, type RetiredCard } from '../dialogs/retired-cards.js';
import { userRefOf, type ActorResolver, type ResolvedTurn } from './actor-resolver.js';
import type { UserRef } from '../domain/partners/actor.js';
import { CardActionRouter, type ClickOutcome } from './card-action-router.js';
import { CardSender, type ReplyCardRecorder } from './card-sender.js';
import { InvokeReplays, type SharedInvokeAnswers } from './invoke-replays.js';
import { domainErrorOf, domainErrorText } from './error-replies.js';
import { replaceCard } from '../dialogs/card-prompt.js';
import type { CommandHandler, TurnScope } from './feature.js';
import type { FeatureRegistry } from './feature-registry.js';
import { INTERRUPTING_COMMANDS } from './basics.feature.js';
import { checkpointDialogs, rewindDialogs } from './dialog-checkpoint.js';
import { RecentWrites } from './recent-writes.js';
import { ConversationReferenceWriter } from './reference-writer.js';
import type { TeamRoster } from './team-roster.js';
import { unknownTextReply } from './unknown-reply.js';
import { sendWelcome, usedWelcomeCard } from './welcome.js';
import { refuseWithoutTenant } from './tenant-guard.js';
import { messageResponse } from './invoke-message.js';
import { withTurnMemo } from '../models/turn-memo.js';
import type { Standing } from '../domain/customers/customer-standing.js';

export interface PartnerConnectBotDeps {
  readonly registry: FeatureRegistry;
  readonly dialogs: DialogSet;
  readonly conversationState: ConversationState;
  /**
   * Atomic once-per-key claims: Teams sends conversationUpdate and installationUpdate together
   * on install, often concurrently, and the welcome must go out once.
   */
  readonly once: { claim(key: string): Promise<boolean>; release(key: string): Promise<void> };
  readonly actors: ActorResolver;
  readonly conversationReferences: ConversationReferenceRepository;
  /** Records team members as known users on team installs and member additions. */
  readonly teamRoster?: Pick<TeamRoster, 'sync'>;
  readonly logger: Logger;
  /** Updates every other copy of a card (the outbox); unset: only the clicked copy changes. */
  readonly cardCopies?: ReplyCardRecorder;
  /** What this process last wrote per conversation; default: up to 5 minutes old. */
  readonly recentReferenceWrites?: RecentWrites;
  /** The app's clock, in ms (default wall-clock time). */
  readonly now?: () => number;
  /**
   * The Action.Execute replay guard shared by every process on one MongoDB (set when the bot
   * runs on MONGODB_URI, where several processes may run); unset: this process's memo only.
   */
  readonly invokeAnswers?: SharedInvokeAnswers<AdaptiveCardInvokeResponse>;
  /** Reads a turn's working set in one round trip before the turn starts (models/turn-reads.ts). */
  readonly turnReads?: {
    prefetch(user: UserRef, stateKeys: readonly string[]): Promise<void>;
  };
}

const RESOLVED = Symbol('partnerConnect.resolvedTurn');

/**
 * The Teams bot: resolves and records the actor, saves the conversation reference, then routes
 * the turn to features (commands, card verbs, dialogs) per bot/feature.ts. Features never see
 * activities they did not ask for, and DomainErrors become localized replies here only.
 */
export class PartnerConnectBot extends TeamsActivityHandler {
  private readonly log: Logger;
  private readonly references: ConversationReferenceWriter;
  private readonly router: CardActionRouter;
  private readonly cards: CardSender;

  private readonly invokeReplays: InvokeReplays<AdaptiveCardInvokeResponse>;
  private readonly retired: RetiredCards;

  constructor(private readonly deps: PartnerConnectBotDeps) {
    super();
    this.log = deps.logger.child({ module: 'bot' });
    this.router = new CardActionRouter(deps.registry, this.log);
    this.cards = new CardSender(deps.cardCopies, this.log);
    this.retired = new RetiredCards(
      deps.conversationState.createProperty<RetiredCard[]>('retiredCards')
    );
    const now = deps.now ?? Date.now;
    this.invokeReplays = new InvokeReplays({
      now,
      ...(deps.invokeAnswers ? { shared: deps.invokeAnswers } : {}),
    });
    this.references = new ConversationReferenceWriter(
      deps.conversationReferences,
      deps.recentReferenceWrites ?? new RecentWrites(undefined, undefined, now),
      now
    );
    this.onMessage(async (turn, next) => {
      await this.handleMessage(turn);
      await next();
    });
    this.onMembersAdded(async (turn, next) => {
      const botId = turn.activity.recipient?.id;
      if (turn.activity.membersAdded?.some((m) => m.id === botId)) await this.installed(turn);
      // The bot or a person joined a team: either way the roster has people we may not know.
      await this.deps.teamRoster?.sync(turn);
      await next();
    });
    this.onMembersRemoved(async (turn, next) => {
      if (isBotRemoval(turn.activity)) await this.forgetConversation(turn);
      await next();
    });
    this.onInstallationUpdateAdd(async (turn, next) => {
      await this.installed(turn);
      await this.deps.teamRoster?.sync(turn);
      await next();
    });
    this.onInstallationUpdateRemove(async (turn, next) => {
      await this.forgetConversation(turn);
      await next();
    });
  }

  /**
   * One turn: who is acting, remember where they are, route, save state. The messages route
   * writes the turn's one log line, with the tenant and outcome noted here (logging/turn-log.ts).
   */
  override async run(turn: TurnContext): Promise<void> {
    // Each record a turn needs is read once, whoever asks (models/turn-memo.ts).
    return withTurnMemo(() => this.runTurn(turn));
  }

  private async runTurn(turn: TurnContext): Promise<void> {
    const a = turn.activity;
    if (await refuseWithoutTenant(turn)) return;
    await this.prefetch(turn);
    const resolved = await this.deps.actors.resolve(turn);
    turn.turnState.set(RESOLVED, resolved);
    noteTurn(turn, {
      tenantId: resolved.actor.tenantId,
      conversationType: resolved.conversationType,
    });
    if (!isBotRemoval(a)) await this.references.save(turn, resolved, { force: isInstall(a) });
    await super.run(turn);
    await this.deps.conversationState.saveChanges(turn);
  }

  /** The user, state, partner, roster and draft this turn will read, fetched together. */
  private async prefetch(turn: TurnContext): Promise<void> {
    const user = userRefOf(turn);
    if (!user || !this.deps.turnReads) return;
    const stateKey = this.deps.conversationState.getStorageKey(turn);
    await this.deps.turnReads.prefetch(user, stateKey ? [stateKey] : []);
  }

  private async handleMessage(turn: TurnContext): Promise<void> {
    const resolved = this.resolved(turn);
    const value = submittedValue(turn.activity);
    // In group chats and channels the bot only speaks when spoken to; card clicks carry no mention.
    if (resolved.conversationType !== 'personal' && !value && !isBotMentioned(turn.activity)) {
      noteTurn(turn, { outcome: 'ignored' });
      return;
    }
    const text = (TurnContext.removeRecipientMention(turn.activity) ?? '').trim();
    const scope = await this.scopeFor(turn);
    await this.guard(scope, async () => {
      if (value && (await this.answerRetiredCard(scope))) return;
      const verb = typeof value?.verb === 'string' ? value.verb : undefined;
      if (verb === Verbs.commandRun) {
        await this.runButtonCommand(scope, commandOf(value));
        if (value?.welcome === true) await this.retireWelcome(scope, commandOf(value));
        return;
      }
      const action = this.router.find(verb);
      if (action && value) {
        const outcome = await this.router.run(scope, action, withoutVerb(value));
        await this.showSubmitted(scope, outcome);
        return this.afterRefusal(scope, outcome);
      }
      if (value && scope.dc.activeDialog) return void (await scope.dc.continueDialog());
      if (value && !text) {
        return void (await turn.sendActivity(this.router.unknown(scope.language).reply ?? ''));
      }
      await this.routeText(scope, text);
    });
  }

  /**
   * Typed text: interrupting commands first, then the active dialog, then any command. A dialog
   * that hands the text back (`handTurnBack`, or ending with `{ unhandled: true }`: a command
   * typed while it waits) has the text routed as if no dialog were waiting.
   */
  private async routeText(scope: TurnScope, text: string): Promise<void> {
    const matched = this.deps.registry.matchCommand(text);
    const command = matched?.command;
    const args = matched?.args ?? '';
    if (command && INTERRUPTING_COMMANDS.has(command.names[0])) {
      noteCommand(scope.turn, command);
      return this.deps.registry.runCommand(scope, command, args);
    }
    if (scope.dc.activeDialog) {
      noteTurn(scope.turn, { kind: 'dialog' });
      const result = await scope.dc.continueDialog();
      if (!turnHandedBack(scope.turn, result)) return;
      // What the dialog did before handing back stands, whatever the command does next.
      checkpointDialogs(scope.turn, scope.dc);
    }
    if (command) {
      noteCommand(scope.turn, command);
      return this.deps.registry.runCommand(scope, command, args);
    }
    // A bare @mention in a group chat: show what the bot can do there.
    const help = this.deps.registry.findCommand('help');
    if (!text && help) return this.deps.registry.runCommand(scope, help, '');
    for (const feature of this.deps.registry.features) {
      if (await feature.onUnknownText?.(scope, text)) return;
    }
    const visible = await this.deps.registry.visibleCommands(scope);
    await scope.turn.sendActivity(unknownTextReply(text, visible, scope.language));
  }

  /**
   * A `command.run` button: unlike typed text it is never an answer to a prompt, so a dialog in
   * progress is ended first (the click says what the person wants now).
   */
  private async runButtonCommand(scope: TurnScope, text: string): Promise<void> {
    const matched = this.deps.registry.matchCommand(text);
    const command = matched?.command;
    if (!command) {
      const visible = await this.deps.registry.visibleCommands(scope);
      return void (await scope.turn.sendActivity(unknownTextReply(text, visible, scope.language)));
    }
    noteCommand(scope.turn, command);
    if (scope.dc.activeDialog && !INTERRUPTING_COMMANDS.has(command.names[0])) {
      await scope.dc.cancelAllDialogs();
    }
    await this.deps.registry.runCommand(scope, command, matched.args);
  }

  /**
   * A click on a card the bot retired (a step of a cancelled dialog, a used welcome): a clear
   * answer and nothing else, so an old card cannot restart what was stopped. Clients that send
   * no replyToId cannot be told apart; their clicks go on as before.
   */
  private async answerRetiredCard(scope: TurnScope): Promise<boolean> {
    const clickedId = scope.turn.activity.replyToId;
    const retired = clickedId ? await this.retired.find(scope.turn, clickedId) : undefined;
    if (!retired) return false;
    noteTurn(scope.turn, { kind: 'retiredCard' });
    await scope.turn.sendActivity(t(scope.language, retired.replyKey));
    return true;
  }

  /** The welcome's buttons retire once one was used: the card becomes a record of the choice. */
  private async retireWelcome(scope: TurnScope, command: string): Promise<void> {
    const clickedId = scope.turn.activity.replyToId;
    // The welcome is a personal card: a forged flag cannot rewrite a card others see.
    if (!clickedId || scope.conversationType !== 'personal') return;
    const card = usedWelcomeCard(this.deps.registry, command, scope.language);
    if (!card) return;
    await replaceCard(scope.turn, clickedId, card);
    await this.retired.retire(scope.turn, clickedId, 'bot:cardAction.retired');
  }

  /** Action.Submit: the new card replaces the clicked one (Teams sends its id as replyToId). */
  private async showSubmitted(scope: TurnScope, outcome: ClickOutcome): Promise<void> {
    const { turn } = scope;
    if (outcome.card) {
      const clickedId = turn.activity.replyToId;
      const replaced = clickedId ? await replaceCard(turn, clickedId, outcome.card) : false;
      if (!replaced) await turn.sendActivity({ attachments: [cardAttachment(outcome.card)] });
      else if (outcome.recordAs) {
        await this.cards.recordShown(turn, this.resolved(turn), outcome.card, outcome.recordAs);
      }
    }
    if (outcome.reply) await turn.sendActivity(outcome.reply);
  }

  /** A refused click that left a dialog half-advanced: back on the step that asked, asked again. */
  private async afterRefusal(scope: TurnScope, outcome: ClickOutcome): Promise<void> {
    if (!outcome.refused) return;
    if (rewindDialogs(scope.turn, scope.dc) && scope.dc.activeDialog) {
      await scope.dc.repromptDialog();
    }
  }

  /** Action.Execute: the returned card is the invoke response and replaces the clicked card. */
  protected override async onAdaptiveCardInvoke(
    turn: TurnContext,
    invokeValue: AdaptiveCardInvokeValue
  ): Promise<AdaptiveCardInvokeResponse> {
    const a = turn.activity;
    // The same invoke posted again (a retry, a captured request) gets the first answer, once.
    const key = a.id ? `${a.conversation?.id}|${a.from?.aadObjectId}|${a.id}` : undefined;
    return this.invokeReplays.answer(
      key,
      () => this.answerInvoke(turn, invokeValue),
      () => messageResponse(t(languageOf(a.locale), 'common:stillWorking'))
    );
  }

  private async answerInvoke(
    turn: TurnContext,
    invokeValue: AdaptiveCardInvokeValue
  ): Promise<AdaptiveCardInvokeResponse> {
    const scope = await this.scopeFor(turn);
    const data = { ...((invokeValue.action?.data ?? {}) as Record<string, unknown>) };
    const verb =
      invokeValue.action?.verb ?? (typeof data.verb === 'string' ? data.verb : undefined);
    if (verb === Verbs.commandRun) {
      await this.guard(scope, () => this.runButtonCommand(scope, commandOf(data)));
      return messageResponse(t(scope.language, 'common:done'));
    }
    if (verb === Verbs.cardRefresh) return this.refresh(scope, data);
    const action = this.router.find(verb);
    const outcome = action
      ? await this.router.run(scope, action, withoutVerb(data))
      : this.router.unknown(scope.language);
    await this.afterRefusal(scope, outcome);
    if (outcome.card) {
      if (outcome.recordAs) {
        await this.cards.recordShown(turn, this.resolved(turn), outcome.card, outcome.recordAs);
      }
      if (outcome.reply) await turn.sendActivity(outcome.reply);
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: outcome.card };
    }
    // A message response leaves the clicked card as it was and shows the text with it.
    return messageResponse(outcome.reply ?? t(scope.language, 'common:done'));
  }

  /**
   * A link to one of our pages pasted into a chat (the manifest's link message handler): the
   * first feature that knows the link answers with its card; otherwise Teams shows the plain link.
   */
  protected override async handleTeamsAppBasedLinkQuery(
    turn: TurnContext,
    query: AppBasedLinkQuery
  ): Promise<MessagingExtensionResponse> {
    const scope = await this.scopeFor(turn);
    const url = typeof query?.url === 'string' ? query.url : '';
    for (const feature of this.deps.registry.features) {
      const found = url ? await feature.unfurl?.(scope, url) : undefined;
      if (!found) continue;
      return {
        composeExtension: {
          type: 'result',
          attachmentLayout: 'list',
          attachments: [
            {
              ...cardAttachment(found.card),
              preview: CardFactory.thumbnailCard(found.title),
            },
          ],
        },
      };
    }
    return {};
  }

  /**
   * Teams' card refresh (`refresh.userIds`): a viewer of a group chat opens a card and Teams
   * asks for its current state; a subject nobody renders any more keeps the card as it is.
   */
  private async refresh(
    scope: TurnScope,
    data: Record<string, unknown>
  ): Promise<AdaptiveCardInvokeResponse> {
    const type = typeof data.subjectType === 'string' ? data.subjectType : '';
    const id = typeof data.subjectId === 'string' ? data.subjectId : '';
    const refresher = type && id ? this.deps.registry.findRefresher(type) : undefined;
    const card = await refresher?.render(scope, id).catch((err: unknown) => {
      if (!domainErrorOf(err)) throw err;
      return undefined;
    });
    return card
      ? { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card }
      : messageResponse(t(scope.language, 'bot:cardAction.unknown'));
  }

  /**
   * Every install event (Teams sends conversationUpdate and installationUpdate, and again on a
   * reinstall whose uninstall we never saw): the welcome goes out once per conversation, but
   * features hear of each one, e.g. to release notifications held since a 403.
   */
  private async installed(turn: TurnContext): Promise<void> {
    const scope = await this.scopeFor(turn);
    await this.guard(scope, async () => {
      if (await this.deps.once.claim(welcomeKey(turn)))
        await sendWelcome(scope, this.deps.registry);
      if (scope.conversationType !== 'personal') return;
      const { dc: _dc, ...withoutDc } = scope;
      for (const feature of this.deps.registry.features) await feature.onInstalled?.(withoutDc);
    });
  }

  /** Uninstalled or removed: no proactive messages there any more, and a reinstall starts fresh. */
  private async forgetConversation(turn: TurnContext): Promise<void> {
    const conversationId = turn.activity.conversation?.id;
    if (conversationId) await this.references.markGone(conversationId);
    await this.deps.once.release(welcomeKey(turn));
    await this.deps.conversationState.delete(turn);
  }

  /**
   * The DomainError boundary for messages and install events: a localized reply, logged at
   * info. A dialog the failure left half-advanced is put back on the step that asked, and that
   * step asks again, so the person can correct their answer as in any form.
   */
  private async guard(scope: TurnScope, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const domainError = domainErrorOf(err);
      if (!domainError) throw err;
      this.noteDomainError(scope, domainError);
      await scope.turn.sendActivity(domainErrorText(domainError, scope.language));
      if (rewindDialogs(scope.turn, scope.dc) && scope.dc.activeDialog)
        await scope.dc.repromptDialog();
    }
  }

  private noteDomainError(
    scope: TurnScope,
    err: DomainError,
    extra: Record<string, unknown> = {}
  ): void {
    noteTurn(scope.turn, { outcome: 'domainError' });
    this.log.info({ errorCode: err.code, messageKey: err.messageKey, ...extra }, 'domain error');
  }

  private async scopeFor(turn: TurnContext): Promise<TurnScope> {
    const dc = await this.deps.dialogs.createContext(turn);
    const resolved = this.resolved(turn);
    const knowsCustomers = this.deps.registry.features.find((f) => f.standingOf);
    let standing: Promise<Standing> | undefined;
    const scope: TurnScope = {
      turn,
      dc,
      ...resolved,
      sendCard: (card, subject) => this.cards.send(turn, resolved, card, subject),
      // Asked by the welcome, `help` and the unknown reply only: most turns never read it.
      ...(knowsCustomers
        ? { standing: () => (standing ??= knowsCustomers.standingOf!(resolved.actor)) }
        : {}),
    };
    setTurnScope(scope);
    setRetiredCards(turn, this.retired);
    setCommandWords(turn, (word) => !!this.deps.registry.findCommand(word));
    checkpointDialogs(turn, dc);
    return scope;
  }

  private resolved(turn: TurnContext): ResolvedTurn {
    const resolved = turn.turnState.get(RESOLVED) as ResolvedTurn | undefined;
    if (!resolved) throw new Error('turn was not resolved: call bot.run(), not a handler directly');
    return resolved;
  }
}

function isInstall(activity: Activity): boolean {
  if (activity.type === 'installationUpdate') return /^add/.test(String(activity.action ?? ''));
  const botId = activity.recipient?.id;
  return (
    activity.type === 'conversationUpdate' && !!activity.membersAdded?.some((m) => m.id === botId)
  );
}

/** For the turn's metrics: the command's first name, a closed set (never the typed text). */
function noteCommand(turn: TurnContext, command: CommandHandler): void {
  noteTurn(turn, { kind: `command:${command.names[0]}` });
}

function welcomeKey(turn: TurnContext): string {
  return `welcomed/${turn.activity.channelId}/${turn.activity.conversation?.id}`;
}

/** A `command.run` button's text: a forged non-string is no command (never `[object Object]`). */
function commandOf(data: Record<string, unknown> | undefined): string {
  return typeof data?.command === 'string' ? data.command : '';
}

/** Card values submitted with a message (Action.Submit), if any. */
function submittedValue(activity: Activity): Record<string, unknown> | undefined {
  const v: unknown = activity.value;
  return v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function withoutVerb(data: Record<string, unknown>): Record<string, unknown> {
  const { verb: _verb, ...rest } = data;
  return rest;
}

function isBotMentioned(activity: Activity): boolean {
  const botId = activity.recipient?.id;
  return TurnContext.getMentions(activity).some((m) => m.mentioned?.id === botId);
}

/** Uninstall, or the bot removed from a conversation. */
function isBotRemoval(activity: Activity): boolean {
  if (activity.type === 'installationUpdate') return /^remove/.test(String(activity.action ?? ''));
  const botId = activity.recipient?.id;
  return (
    activity.type === 'conversationUpdate' && !!activity.membersRemoved?.some((m) => m.id === botId)
  );
}
