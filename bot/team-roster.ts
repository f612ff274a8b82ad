import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { RosterMember, UserRepository } from '../domain/partners/user-repository.port.js';
import type { Logger } from '../logging/logger.js';
import { displayName } from '../cards/shared/user-text.js';
import { rosterEntry } from './activity-guard.js';

/** Teams' largest page of members. */
const PAGE_SIZE = 500;
/** Bounds one sync (10,000 members) so a huge or misbehaving roster cannot hold the turn. */
const MAX_PAGES = 20;

/**
 * Makes a team's members known to the bot (the `users` card lists them) without their having
 * talked to it: members of the activity's tenant with an AAD object id only, so a guest from
 * another tenant is never recorded as a user of this one. Never fails the turn: a roster Teams
 * refuses (403) or cannot serve is logged as a warning.
 */
export class TeamRoster {
  constructor(
    private readonly users: UserRepository,
    private readonly logger: Logger
  ) {}

  /** Records the team's members if the turn is in a team; does nothing elsewhere. */
  async sync(turn: TurnContext): Promise<void> {
    const a = turn.activity;
    if (!a.channelData?.team && a.conversation?.conversationType !== 'channel') return;
    const tenantId: string | undefined = a.channelData?.tenant?.id ?? a.conversation?.tenantId;
    const teamId: string | undefined = a.channelData?.team?.id ?? a.conversation?.id;
    if (!tenantId) {
      this.logger.warn({ teamId }, 'team activity without a tenant; roster not recorded');
      return;
    }
    try {
      const { members, complete } = await this.fetch(turn);
      const own = new Map<string, RosterMember>();
      for (const raw of members) {
        // The connector's answer is checked like an activity: ids reach database filters.
        const m = rosterEntry(raw);
        if (!m?.aadObjectId || (m.tenantId ?? tenantId) !== tenantId) continue;
        own.set(m.aadObjectId, {
          tenantId,
          aadObjectId: m.aadObjectId,
          ...(displayName(m.name) ? { name: displayName(m.name) } : {}),
          ...(m.email ? { email: m.email } : {}),
          ...(m.userPrincipalName ? { upn: m.userPrincipalName } : {}),
        });
      }
      await this.users.recordRosterMembers([...own.values()]);
      if (!complete) {
        this.logger.warn({ tenantId, teamId, recorded: own.size }, 'team roster truncated');
      }
    } catch (err) {
      this.logger.warn(
        { tenantId, teamId, err: (err as Error).message },
        'team roster sync failed; members not recorded'
      );
    }
  }

  private async fetch(
    turn: TurnContext
  ): Promise<{ members: TeamsChannelAccount[]; complete: boolean }> {
    const members: TeamsChannelAccount[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await TeamsInfo.getPagedMembers(turn, PAGE_SIZE, token);
      members.push(...(result.members ?? []));
      token = result.continuationToken || undefined;
      if (!token) return { members, complete: true };
    }
    return { members, complete: false };
  }
}
