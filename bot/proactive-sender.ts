import {
  CardFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import type { NotificationContent } from '../domain/notifications/notification.js';
import { SendTimeoutError } from '../notifications/delivery-failure.js';
import type { Delivered, ProactiveSender } from '../notifications/proactive-sender.port.js';

export type { Delivered, ProactiveSender };

/**
 * The message activity for a notification: one message. With a card, the text is the activity's
 * `summary`, which Teams shows in the activity feed and the toast instead of "Card"; as `text`
 * Teams would also print it as a line above the card, the notice read twice in the chat.
 * Without a card, the text is the message.
 */
export function toActivity(content: NotificationContent): Partial<Activity> {
  if (!content.card) return { type: 'message', ...(content.text ? { text: content.text } : {}) };
  return {
    type: 'message',
    ...(content.text ? { summary: content.text } : {}),
    attachments: [CardFactory.adaptiveCard(content.card)],
  };
}

/**
 * ProactiveSender on the CloudAdapter. Errors are caught inside the turn logic and rethrown
 * outside it: otherwise the adapter's onTurnError would swallow them (and apologise to the user).
 * The SDK's own HTTP retries are removed from the connector client so that the outbox alone
 * decides when to retry, pacing and Retry-After included.
 */
export class BotProactiveSender implements ProactiveSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly timeoutMs = 15_000,
    /**
     * Why a stored serviceUrl may not be called (bot/activity-guard.ts serviceUrlProblem), or
     * undefined. References were checked when stored, but one stored by an older version, or
     * written by anything else, must not receive the bot's token.
     */
    private readonly serviceUrlProblem: (url: string) => string | undefined = () => undefined
  ) {}

  /** A refused serviceUrl fails like a 400 does: dead-lettered at once, never retried. */
  private checkServiceUrl(url: unknown): void {
    const problem = this.serviceUrlProblem(String(url ?? ''));
    if (problem) throw Object.assign(new Error(`not sent: ${problem}`), { statusCode: 400 });
  }

  async send(reference: Record<string, unknown>, content: NotificationContent): Promise<Delivered> {
    this.checkServiceUrl(reference.serviceUrl);
    return this.run(
      (logic) =>
        this.adapter.continueConversationAsync(
          this.botAppId,
          reference as Partial<ConversationReference>,
          logic
        ),
      async (ctx) => {
        const res = await ctx.sendActivity(toActivity(content));
        return delivered(ctx, res?.id);
      }
    );
  }

  async sendToNewChat(
    target: { serviceUrl: string; tenantId: string; aadObjectId: string },
    content: NotificationContent
  ): Promise<Delivered> {
    this.checkServiceUrl(target.serviceUrl);
    const params = {
      isGroup: false,
      bot: { id: `28:${this.botAppId}` },
      members: [{ id: target.aadObjectId, name: '' }],
      tenantId: target.tenantId,
      channelData: { tenant: { id: target.tenantId } },
    };
    return this.run(
      (logic) =>
        this.adapter.createConversationAsync(
          this.botAppId,
          'msteams',
          target.serviceUrl,
          '',
          params as never,
          logic
        ),
      async (ctx) => {
        const res = await ctx.sendActivity(toActivity(content));
        return delivered(ctx, res?.id);
      }
    );
  }

  async update(
    reference: Record<string, unknown>,
    activityId: string,
    content: NotificationContent
  ): Promise<void> {
    this.checkServiceUrl(reference.serviceUrl);
    await this.run(
      (logic) =>
        this.adapter.continueConversationAsync(
          this.botAppId,
          reference as Partial<ConversationReference>,
          logic
        ),
      async (ctx) => {
        await ctx.updateActivity({
          ...toActivity(content),
          id: activityId,
          conversation: ctx.activity.conversation,
        });
      }
    );
  }

  private async run<T>(
    start: (logic: (ctx: TurnContext) => Promise<void>) => Promise<void>,
    work: (ctx: TurnContext) => Promise<T>
  ): Promise<T> {
    let result: { value: T } | undefined;
    let failure: { err: unknown } | undefined;
    const logic = async (ctx: TurnContext) => {
      withoutSdkRetries(ctx);
      try {
        result = { value: await work(ctx) };
      } catch (err) {
        failure = { err };
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    try {
      await Promise.race([start(logic), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (failure) throw failure.err;
    if (!result) throw new Error('the proactive turn ended without a result');
    return result.value;
  }
}

function delivered(ctx: TurnContext, activityId: string | undefined): Delivered {
  const reference = TurnContext.getConversationReference(ctx.activity) as Record<string, unknown>;
  return {
    activityId: activityId ?? '',
    conversationId: ctx.activity.conversation.id,
    reference,
  };
}

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(opts: { phase: 'Retry' }): unknown } };
}

function withoutSdkRetries(ctx: TurnContext): void {
  const adapter = ctx.adapter as CloudAdapter & { ConnectorClientKey?: symbol };
  const key = adapter.ConnectorClientKey;
  const client = key ? (ctx.turnState.get(key) as PipelineHolder | undefined) : undefined;
  client?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}
