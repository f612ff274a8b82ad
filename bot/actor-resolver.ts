import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Actor, UserRef } from '../domain/partners/actor.js';
import type { ConversationType } from '../domain/notifications/conversation-reference-repository.port.js';
import type { KnownUser, UserRepository } from '../domain/partners/user-repository.port.js';
import { languageOf, type Language } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import { displayName } from '../cards/shared/user-text.js';
import { tenantOf } from './tenant-guard.js';
import { rosterEntry } from './activity-guard.js';

/** Who acts in a turn, in which language and kind of conversation. */
export interface ResolvedTurn {
  readonly actor: Actor;
  readonly language: Language;
  readonly conversationType: ConversationType;
}

/**
 * The acting user's key: the tenant (tenant-guard.ts) and `from.aadObjectId`; Teams without an
 * AAD object id (rare) has the Teams-assigned channel user id stand in. Undefined without either.
 */
export function userRefOf(turn: TurnContext): UserRef | undefined {
  const a = turn.activity;
  const tenantId = tenantOf(a);
  const aadObjectId = a.from?.aadObjectId ?? a.from?.id;
  return tenantId && aadObjectId ? { tenantId, aadObjectId } : undefined;
}

/**
 * How stale `lastSeenAt` may get: within it, a turn that brings nothing new writes nothing,
 * so most turns cost one read of the user instead of a read and a write.
 */
export const LAST_SEEN_RESOLUTION_MS = 5 * 60_000;

/** After a failed roster lookup, wait this long before asking Teams about that user again. */
const ROSTER_RETRY_MS = 10 * 60_000;
const MAX_REMEMBERED_FAILURES = 10_000;

/**
 * Resolves the acting user every turn and records them: tenant from `channelData.tenant.id`
 * (else `conversation.tenantId`), on Teams only (tenant-guard.ts), `from.aadObjectId`, name, and UPN/email from the Teams
 * roster, asked only while we know neither for this user.
 */
export class ActorResolver {
  private readonly rosterFailures = new Map<string, number>();

  constructor(
    private readonly users: UserRepository,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now
  ) {}

  async resolve(turn: TurnContext): Promise<ResolvedTurn> {
    const a = turn.activity;
    const ref = userRefOf(turn);
    // The bot refuses tenantless turns before resolving (tenant-guard.ts); never share one.
    if (!ref) throw new Error('turn without a tenant or a user reached the actor resolver');
    const { tenantId, aadObjectId } = ref;
    const known = await this.users.get({ tenantId, aadObjectId });
    const roster =
      known?.email || known?.upn ? undefined : await this.lookUpRoster(turn, tenantId, aadObjectId);
    const name = displayName(a.from?.name) || displayName(roster?.name) || known?.name;
    const email = known?.email ?? known?.upn ?? roster?.email ?? roster?.upn;
    const actor: Actor = {
      tenantId,
      aadObjectId,
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
    };
    const seen = {
      tenantId,
      aadObjectId,
      ...(name ? { name } : {}),
      ...(roster?.email ? { email: roster.email } : {}),
      ...(roster?.upn ? { upn: roster.upn } : {}),
      ...(a.locale ? { locale: a.locale } : {}),
    };
    if (this.isNews(known, seen)) await this.users.recordSeen(seen);
    return {
      actor,
      language: languageFor(known, a.locale ?? clientInfoLocale(a.entities) ?? known?.locale),
      conversationType: conversationTypeOf(a.conversation?.conversationType),
    };
  }

  /** Whether recording this turn would change the stored user (lastSeenAt to the resolution). */
  private isNews(known: KnownUser | null, seen: Partial<KnownUser>): boolean {
    // A roster member (no lastSeenAt) talking for the first time is news even with nothing new.
    if (!known?.lastSeenAt) return true;
    const fields = ['name', 'email', 'upn', 'locale'] as const;
    if (fields.some((f) => seen[f] !== undefined && seen[f] !== known[f])) return true;
    return this.now() - new Date(known.lastSeenAt).getTime() >= LAST_SEEN_RESOLUTION_MS;
  }

  private async lookUpRoster(
    turn: TurnContext,
    tenantId: string,
    aadObjectId: string
  ): Promise<{ name?: string; email?: string; upn?: string } | undefined> {
    if (turn.activity.channelId !== 'msteams' || !turn.activity.from?.id) return undefined;
    const key = `${tenantId}/${aadObjectId}`;
    const failedAt = this.rosterFailures.get(key);
    if (failedAt !== undefined && this.now() - failedAt < ROSTER_RETRY_MS) return undefined;
    try {
      // Checked like an activity: these fields are stored on the user's record.
      const member = rosterEntry(await TeamsInfo.getMember(turn, turn.activity.from.id));
      this.rosterFailures.delete(key);
      if (!member) return undefined;
      return { name: member.name, email: member.email, upn: member.userPrincipalName };
    } catch (err) {
      if (this.rosterFailures.size >= MAX_REMEMBERED_FAILURES) this.rosterFailures.clear();
      this.rosterFailures.set(key, this.now());
      this.logger.warn(
        { tenantId, aadObjectId, err: (err as Error).message },
        'roster lookup failed; continuing without UPN/email'
      );
      return undefined;
    }
  }
}

/**
 * Teams leaves `locale` off some install events but tells the client's locale in a `clientInfo`
 * entity; without it a Russian-speaking person was welcomed in English.
 */
function clientInfoLocale(entities: readonly unknown[] | undefined): string | undefined {
  for (const e of entities ?? []) {
    const info = e as { type?: unknown; locale?: unknown };
    if (info.type === 'clientInfo' && typeof info.locale === 'string') return info.locale;
  }
  return undefined;
}

/** The user's own choice (`language` command) wins over the Teams client locale. */
function languageFor(known: KnownUser | null, locale: string | undefined): Language {
  return known?.language ?? languageOf(locale);
}

export function conversationTypeOf(type: string | undefined): ConversationType {
  return type === 'groupChat' || type === 'channel' ? type : 'personal';
}
