import type { Actor, UserRef } from './actor.js';
import type { Language } from '../../i18n/i18n.js';

/** A user the bot has seen in a turn, with what Teams told us about them. */
export interface KnownUser {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
  readonly email?: string;
  readonly upn?: string;
  /** Set by the `language` command; overrides the Teams locale. */
  readonly language?: Language;
  /** The Teams client locale of the user's last turn (`ru-RU`), for messages sent later. */
  readonly locale?: string;
  /** Unset for team members recorded from a roster who never talked to the bot. */
  readonly lastSeenAt?: Date;
}

/** A team member as the Teams roster lists them; known to the bot without a turn of their own. */
export interface RosterMember {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
  readonly email?: string;
  readonly upn?: string;
}

/** Users known to the bot, keyed by (tenantId, aadObjectId). */
export interface UserRepository {
  /** Upserts the user; fields that are undefined keep their stored value. */
  recordSeen(actor: Actor & { upn?: string; locale?: string }): Promise<void>;
  /**
   * Upserts roster members in one write, leaving `lastSeenAt` alone (they did not talk to us);
   * fields that are undefined keep their stored value.
   */
  recordRosterMembers(members: readonly RosterMember[]): Promise<void>;
  get(user: UserRef): Promise<KnownUser | null>;
  listByTenant(tenantId: string): Promise<KnownUser[]>;
  /** People who talked to the bot (any tenant), last seen first: open mode's sign-in personas. */
  listSeen(limit: number): Promise<KnownUser[]>;
  setLanguage(user: UserRef, language: Language): Promise<void>;
}
