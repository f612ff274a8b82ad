import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

/** Who acts: the fields Teams puts on an activity (personas.ts satisfies this). */
export interface TeamsPersona {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly email: string;
  readonly locale: string;
  /** Sign-in name; defaults to `email`. */
  readonly upn?: string;
}

export type ConversationScope = 'personal' | 'groupChat' | 'channel';

export interface ConversationOptions {
  /** Default 'personal'. */
  readonly scope?: ConversationScope;
  /** Default: a stable id per persona (personal) or per tenant (group chat, channel). */
  readonly conversationId?: string;
  /** Overrides the persona's locale for this activity. */
  readonly locale?: string;
  readonly replyToId?: string;
}

export interface MessageOptions extends ConversationOptions {
  /** @mention the bot (prefixes `<at>Bot</at>` and adds the mention entity); default: group/channel only. */
  readonly mention?: boolean;
  /** Action.Submit data arrives as `value` on a message. */
  readonly value?: Record<string, unknown>;
}

/** Teams' ids: users are `29:...`, bots `28:<app id>`. */
export const teamsUserId = (p: TeamsPersona) => `29:${p.aadObjectId}`;

/** The roster entry Teams returns for a persona (TeamsInfo.getMember / pagedmembers). */
export function teamsMember(p: TeamsPersona) {
  return {
    id: teamsUserId(p),
    name: p.name,
    aadObjectId: p.aadObjectId,
    email: p.email,
    userPrincipalName: p.upn ?? p.email,
    tenantId: p.tenantId,
    userRole: 'user',
  };
}

/**
 * Builds the activities Teams sends to a bot, for a persona, addressed to a fake connector.
 * `const teams = new TeamsActivities({ serviceUrl: connector.url })`.
 */
export class TeamsActivities {
  readonly serviceUrl: string;
  readonly botId: string;
  readonly botName: string;

  constructor(opts: { serviceUrl: string; botAppId?: string; botName?: string }) {
    this.serviceUrl = opts.serviceUrl.endsWith('/') ? opts.serviceUrl : `${opts.serviceUrl}/`;
    this.botId = `28:${opts.botAppId ?? '00000000-0000-0000-0000-00000000b075'}`;
    this.botName = opts.botName ?? 'Partner Connect';
  }

  /** The conversation id Teams would use for this persona in this scope. */
  conversationId(p: TeamsPersona, scope: ConversationScope = 'personal'): string {
    if (scope === 'personal') return `a:personal-${p.tenantId}-${p.aadObjectId}`;
    if (scope === 'groupChat') return `19:groupchat-${p.tenantId}@thread.v2`;
    return `19:channel-${p.tenantId}@thread.tacv2`;
  }

  /** A text message (with a bot @mention in group chats and channels unless `mention: false`). */
  message(p: TeamsPersona, text: string, opts: MessageOptions = {}): Partial<Activity> {
    const scope = opts.scope ?? 'personal';
    const mention = opts.mention ?? scope !== 'personal';
    const at = `<at>${this.botName}</at>`;
    const base = this.base(p, 'message', opts);
    return {
      ...base,
      text: mention ? `${at} ${text}` : text,
      textFormat: 'plain',
      value: opts.value,
      entities: [
        ...(base.entities ?? []),
        ...(mention
          ? [{ type: 'mention', text: at, mentioned: { id: this.botId, name: this.botName } }]
          : []),
      ],
    };
  }

  /** What an Action.Submit button sends: a message with no text and the card's data as `value`. */
  submit(
    p: TeamsPersona,
    data: Record<string, unknown>,
    opts: ConversationOptions = {}
  ): Partial<Activity> {
    return { ...this.base(p, 'message', opts), value: data };
  }

  /** What an Action.Execute button sends: an `adaptiveCard/action` invoke. */
  cardAction(
    p: TeamsPersona,
    verb: string,
    data: Record<string, unknown> = {},
    opts: ConversationOptions = {}
  ): Partial<Activity> {
    return {
      ...this.base(p, 'invoke', opts),
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb, data: { ...data, verb } },
        trigger: 'manual',
      },
    };
  }

  /** The conversationUpdate Teams sends when the app is installed (bot added to the conversation). */
  install(p: TeamsPersona, opts: ConversationOptions = {}): Partial<Activity> {
    return {
      ...this.base(p, 'conversationUpdate', opts),
      membersAdded: [{ id: this.botId, name: this.botName }],
      channelData: {
        ...this.channelData(p, opts.scope ?? 'personal'),
        eventType: 'teamMemberAdded',
      },
    };
  }

  /** installationUpdate add/remove (sent alongside install, and alone on uninstall). */
  installationUpdate(
    p: TeamsPersona,
    action: 'add' | 'remove',
    opts: ConversationOptions = {}
  ): Partial<Activity> {
    return { ...this.base(p, 'installationUpdate', opts), action };
  }

  private channelData(p: TeamsPersona, scope: ConversationScope): Record<string, unknown> {
    const data: Record<string, unknown> = { tenant: { id: p.tenantId } };
    if (scope === 'channel') {
      const conversationId = this.conversationId(p, 'channel');
      data.team = { id: conversationId, name: 'Sales Team', aadGroupId: p.tenantId };
      data.channel = { id: conversationId, name: 'General' };
    }
    return data;
  }

  private base(p: TeamsPersona, type: string, opts: ConversationOptions): Partial<Activity> {
    const scope = opts.scope ?? 'personal';
    const locale = opts.locale ?? p.locale;
    return {
      type,
      id: `f:${randomUUID()}`,
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date(),
      localTimestamp: new Date(),
      locale,
      from: { id: teamsUserId(p), name: p.name, aadObjectId: p.aadObjectId },
      recipient: { id: this.botId, name: this.botName },
      conversation: {
        id: opts.conversationId ?? this.conversationId(p, scope),
        conversationType: scope,
        tenantId: p.tenantId,
        isGroup: scope !== 'personal',
      } as Activity['conversation'],
      replyToId: opts.replyToId,
      channelData: this.channelData(p, scope),
      entities: [
        { type: 'clientInfo', locale, country: locale.split('-')[1] ?? 'US', platform: 'Web' },
      ],
    };
  }
}

export interface PostResult {
  readonly status: number;
  /** Parsed JSON when the response is JSON, else the text ('' when empty). */
  readonly body: unknown;
}

/** POSTs an activity (or any body) to `<url>/api/messages` as the channel would. */
export async function postActivity(
  url: string,
  activity: Partial<Activity> | string,
  token?: string
): Promise<PostResult> {
  const target = url.endsWith('/api/messages') ? url : `${url.replace(/\/$/, '')}/api/messages`;
  const res = await fetch(target, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body };
}
