import { TeamsInfo, TurnContext } from 'botbuilder';
import { cardAttachment, type AdaptiveCardJson } from '../cards/shared/render-card.js';
import type { Language } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { ResolvedTurn } from './actor-resolver.js';
import type { CardSubject } from './feature.js';
import { Verbs } from '../cards/verbs.js';

/** Teams refreshes a card for at most 60 listed users (Universal Actions' `refresh.userIds`). */
export const MAX_REFRESH_USERS = 60;

/** Records a card sent in a reply so the outbox's card updates reach it (NotificationService). */
export interface ReplyCardRecorder {
  recordReplyCard(input: {
    readonly subject: CardSubject;
    readonly to: { readonly tenantId: string; readonly aadObjectId: string };
    readonly language: Language;
    readonly card: Record<string, unknown>;
    readonly sent: {
      activityId: string;
      conversationId: string;
      reference: Record<string, unknown>;
    };
  }): Promise<void>;
}

/**
 * Sends a card about a subject so that every copy stays true: in a group chat Teams refreshes it
 * for its members (`refresh.userIds`), and each copy (personal, group, channel, where Teams does
 * not refresh) is recorded for in-place updates through the outbox.
 */
export class CardSender {
  constructor(
    private readonly recorder: ReplyCardRecorder | undefined,
    private readonly log: Logger
  ) {}

  async send(
    turn: TurnContext,
    resolved: Pick<ResolvedTurn, 'actor' | 'conversationType' | 'language'>,
    card: AdaptiveCardJson,
    subject?: CardSubject
  ): Promise<void> {
    const shown =
      subject && resolved.conversationType === 'groupChat'
        ? withRefresh(card, subject, await this.members(turn))
        : card;
    const sent = await turn.sendActivity({ attachments: [cardAttachment(shown)] });
    if (!subject || !sent?.id || !this.recorder) return;
    const reference = TurnContext.getConversationReference(turn.activity);
    await this.recorder.recordReplyCard({
      subject,
      to: resolved.actor,
      language: resolved.language,
      card: shown,
      sent: {
        activityId: sent.id,
        conversationId: String(turn.activity.conversation?.id ?? ''),
        reference: reference as unknown as Record<string, unknown>,
      },
    });
  }

  /**
   * Records a card that replaced a clicked message (an invoke response or an update): that
   * message is now a copy of `subject`, and the outbox keeps it true from here on.
   */
  async recordShown(
    turn: TurnContext,
    resolved: Pick<ResolvedTurn, 'actor' | 'language'>,
    card: AdaptiveCardJson,
    subject: CardSubject
  ): Promise<void> {
    const activityId = turn.activity.replyToId;
    if (!activityId || !this.recorder) return;
    const reference = TurnContext.getConversationReference(turn.activity);
    await this.recorder.recordReplyCard({
      subject,
      to: resolved.actor,
      language: resolved.language,
      card,
      sent: {
        activityId,
        conversationId: String(turn.activity.conversation?.id ?? ''),
        reference: reference as unknown as Record<string, unknown>,
      },
    });
  }

  /** Up to 60 members' ids (Teams' limit); none where the roster cannot be read. */
  private async members(turn: TurnContext): Promise<string[]> {
    try {
      const page = await TeamsInfo.getPagedMembers(turn, MAX_REFRESH_USERS);
      return page.members.map((m) => m.id).slice(0, MAX_REFRESH_USERS);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'no roster for card refresh');
      return [];
    }
  }
}

/** The card with Teams' refresh action: listed viewers get its current state when they look. */
export function withRefresh(
  card: AdaptiveCardJson,
  subject: CardSubject,
  userIds: readonly string[]
): AdaptiveCardJson {
  if (userIds.length === 0) return card;
  return {
    ...card,
    refresh: {
      action: {
        type: 'Action.Execute',
        verb: Verbs.cardRefresh,
        data: { subjectType: subject.type, subjectId: subject.id },
      },
      userIds: userIds.slice(0, MAX_REFRESH_USERS),
    },
  };
}
