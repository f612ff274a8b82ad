import type { Logger } from '../../logging/logger.js';
import type { Actor, ApiKeyGrant, UserRef } from './actor.js';
import { ConflictError, NotAllowedError, NotFoundError } from '../errors.js';
import type { Member, MembershipRepository, Roster } from './membership-repository.port.js';
import { founderOf, type Partner, type PartnerRef } from './partner.js';
import type { PartnerRepository } from './partner-repository.port.js';
import { ENROLLER_ROLES, ROLES, can, isRole, type Action, type Role } from './roles.js';

/** The part of the bot's user store this service needs: who has talked to the bot. */
export interface KnownUserDirectory {
  get(user: UserRef): Promise<{ aadObjectId: string; name?: string; email?: string } | null>;
  listByTenant(tenantId: string): Promise<{ aadObjectId: string; name?: string; email?: string }[]>;
}

/** A tenant user as the `users` card shows them. */
export interface TenantUser {
  readonly aadObjectId: string;
  readonly name?: string;
  readonly email?: string;
  readonly roles: readonly Role[];
}

/** What a role change did: the roles newly given (the person is told what they allow). */
export interface RolesChange {
  readonly partner: Partner;
  readonly given: readonly Role[];
  readonly at: Date;
}

export interface MembershipServiceDeps {
  readonly memberships: MembershipRepository;
  readonly partners: PartnerRepository;
  readonly users: KnownUserDirectory;
  readonly operatorIds: readonly string[];
  readonly now: () => Date;
  readonly logger: Logger;
}

const MAX_RETRIES = 5;
/** How long Submit's own request has to write the founder's roster before the sweep does. */
export const FOUNDER_GRACE_MS = 60_000;
const FOUNDER_SWEEP_BATCH = 50;

/**
 * Partner users and roles: who may do what, and the Global admin's user management. It is also
 * notifications' RecipientDirectory (structurally: partners do not depend on notifications).
 */
export class MembershipService {
  private readonly log: Logger;

  constructor(private readonly deps: MembershipServiceDeps) {
    this.log = deps.logger.child({ module: 'membership' });
  }

  /** Operators decide enrollments; they are configured, not granted. */
  isOperator(actor: UserRef & { readonly apiKey?: ApiKeyGrant }): boolean {
    // A key acts as its partner, never as the program: not even a key an operator made.
    if (actor.apiKey) return false;
    return this.deps.operatorIds.includes(actor.aadObjectId);
  }

  /**
   * The partner of the user's tenant (if any) and the user's roles on it; an API key's roles
   * are its scope's, on its own partner only.
   */
  async rolesOf(
    user: UserRef & { readonly apiKey?: ApiKeyGrant }
  ): Promise<{ partner: Partner | null; roles: Role[] }> {
    const partner = await this.deps.partners.findByTenant(user.tenantId);
    if (!partner) return { partner: null, roles: [] };
    if (user.apiKey) {
      const own = partner.id === user.apiKey.partnerRef;
      return { partner, roles: own ? [...user.apiKey.roles] : [] };
    }
    // A founder still owed (Submit died after the partner's insert) is made on the next turn.
    const roster = partner.owedFounder
      ? await this.settledRoster(partner)
      : await this.deps.memberships.get(partner.id);
    // The roster's tenant is checked too, so a foreign user can never match by object id alone.
    if (!roster || roster.tenantId !== user.tenantId) return { partner, roles: [] };
    const member = roster.members.find((m) => m.aadObjectId === user.aadObjectId);
    return { partner, roles: member ? [...member.roles] : [] };
  }

  /** Throws unless the actor's tenant has a partner and the actor may do the action on it. */
  async authorize(actor: Actor, action: Action): Promise<{ partner: Partner; roles: Role[] }> {
    const { partner, roles } = await this.rolesOf(actor);
    if (!partner) throw new NotFoundError('enrollment:errors.noPartner');
    if (!can(action, roles, this.isOperator(actor))) {
      throw new NotAllowedError('enrollment:errors.roleRequired', {
        context: action.replace('.', '_'),
      });
    }
    return { partner, roles };
  }

  /** Makes the enrolling user Global admin + Admin agent; idempotent. */
  async addEnroller(partner: Partner, actor: Actor): Promise<void> {
    const member: Member = {
      aadObjectId: actor.aadObjectId,
      roles: [...ENROLLER_ROLES],
      name: actor.name,
      updatedAt: this.deps.now(),
      updatedBy: actor.aadObjectId,
    };
    const created = await this.deps.memberships.create({
      partnerRef: partner.id,
      tenantId: partner.tenantId,
      members: [member],
    });
    if (!created) {
      await this.update(partner.id, (members) => {
        const existing = members.find((m) => m.aadObjectId === actor.aadObjectId);
        const roles = sortRoles([...(existing?.roles ?? []), ...ENROLLER_ROLES]);
        return upsertMember(members, { ...member, roles });
      });
    }
  }

  /**
   * Gives a partner the roster its creation owes: its founder as Global admin + Admin agent when
   * it has no roster yet, then clears the owed mark. Safe to repeat and to race (Submit, the
   * applicant's next turn, verification, a decision, the sweep): the roster's unique partnerRef
   * makes the write a create-if-absent. An existing roster is left as it is: this step made it,
   * and its Global admins have had the last word since.
   */
  async settleFounder(partner: Partner): Promise<void> {
    await this.settledRoster(partner);
  }

  /**
   * Throws unless the partner has a Global admin, settling an owed founder first: an
   * application that nobody could manage never goes under review nor gets decided.
   */
  async requireGlobalAdmin(partner: Partner): Promise<void> {
    const roster = await this.settledRoster(partner);
    if (!roster?.members.some((m) => m.roles.includes('globalAdmin'))) {
      this.log.error({ partnerRef: partner.id }, 'application without a Global admin');
      throw new ConflictError('enrollment:errors.noGlobalAdmin');
    }
  }

  /** The sweep: settles founders still owed after the grace period; returns how many. */
  async settleOwedFounders(): Promise<number> {
    const before = new Date(this.deps.now().getTime() - FOUNDER_GRACE_MS);
    const owed = await this.deps.partners.listFoundersOwed(before, FOUNDER_SWEEP_BATCH);
    let settled = 0;
    for (const partner of owed) {
      try {
        await this.settleFounder(partner);
        settled++;
      } catch (err) {
        this.log.warn({ err, partnerRef: partner.id }, 'owed founder not settled; will retry');
      }
    }
    return settled;
  }

  private async settledRoster(partner: Partner): Promise<Roster | null> {
    let roster = await this.deps.memberships.get(partner.id);
    const founder = founderOf(partner);
    // Only a person of the partner's own tenant can ever be its admin.
    if (!roster && founder.tenantId === partner.tenantId) {
      const created = await this.deps.memberships.create({
        partnerRef: partner.id,
        tenantId: partner.tenantId,
        members: [
          {
            aadObjectId: founder.aadObjectId,
            roles: [...ENROLLER_ROLES],
            ...(founder.name ? { name: founder.name } : {}),
            updatedAt: this.deps.now(),
            updatedBy: founder.aadObjectId,
          },
        ],
      });
      if (created) this.log.info({ partnerRef: partner.id }, 'founder made Global admin');
      roster = await this.deps.memberships.get(partner.id);
    }
    if (roster && partner.owedFounder) {
      await this.deps.partners.clearOwedFounder(partner.id, partner.owedFounder.since);
    }
    return roster;
  }

  /** The tenant's known users with their roles (Global admin only). */
  async listUsers(actor: Actor): Promise<{ partner: Partner; users: TenantUser[] }> {
    const { partner } = await this.authorize(actor, 'users.view');
    const [roster, known] = await Promise.all([
      this.deps.memberships.get(partner.id),
      this.deps.users.listByTenant(actor.tenantId),
    ]);
    const members = roster?.members ?? [];
    const byId = new Map<string, TenantUser>();
    for (const u of known) {
      const m = members.find((x) => x.aadObjectId === u.aadObjectId);
      byId.set(u.aadObjectId, {
        aadObjectId: u.aadObjectId,
        name: u.name,
        email: u.email,
        roles: m?.roles ?? [],
      });
    }
    for (const m of members) {
      if (!byId.has(m.aadObjectId))
        byId.set(m.aadObjectId, { aadObjectId: m.aadObjectId, name: m.name, roles: m.roles });
    }
    const users = [...byId.values()].sort((a, b) =>
      (a.name ?? a.aadObjectId).localeCompare(b.name ?? b.aadObjectId)
    );
    return { partner, users };
  }

  /**
   * Sets a user's roles (Global admin only). The user must belong to the actor's tenant; the
   * last Global admin cannot lose that role.
   */
  async setRoles(
    actor: Actor,
    targetAadObjectId: string,
    roles: readonly string[]
  ): Promise<TenantUser & RolesChange> {
    const { partner } = await this.authorize(actor, 'users.updateRoles');
    let before: readonly Role[] = [];
    const wanted = sortRoles(roles.filter(isRole));
    const known = await this.deps.users.get({
      tenantId: actor.tenantId,
      aadObjectId: targetAadObjectId,
    });
    const saved = await this.update(partner.id, (members) => {
      const existing = members.find((m) => m.aadObjectId === targetAadObjectId);
      before = existing?.roles ?? [];
      if (!known && !existing) throw new NotFoundError('enrollment:errors.userUnknown');
      const next = wanted.length
        ? upsertMember(members, {
            aadObjectId: targetAadObjectId,
            roles: wanted,
            name: known?.name ?? existing?.name,
            updatedAt: this.deps.now(),
            updatedBy: actor.aadObjectId,
          })
        : members.filter((m) => m.aadObjectId !== targetAadObjectId);
      if (!next.some((m) => m.roles.includes('globalAdmin'))) {
        throw new ConflictError('enrollment:errors.lastGlobalAdmin');
      }
      return next;
    });
    this.log.info(
      { partnerRef: partner.id, target: targetAadObjectId, roles: wanted },
      'roles updated'
    );
    const member = saved.find((m) => m.aadObjectId === targetAadObjectId);
    return {
      aadObjectId: targetAadObjectId,
      name: known?.name ?? member?.name,
      email: known?.email,
      roles: member?.roles ?? [],
      partner,
      given: wanted.filter((r) => !before.includes(r)),
      at: this.deps.now(),
    };
  }

  async usersWithRoles(partnerRef: PartnerRef, roles: readonly string[]): Promise<UserRef[]> {
    const roster = await this.deps.memberships.get(partnerRef);
    if (!roster) return [];
    return roster.members
      .filter((m) => m.roles.some((r) => roles.includes(r)))
      .map((m) => ({ tenantId: roster.tenantId, aadObjectId: m.aadObjectId }));
  }

  /** Read, change, write back conditionally on the version; retried when someone else wrote first. */
  private async update(
    partnerRef: string,
    change: (members: readonly Member[]) => readonly Member[]
  ): Promise<readonly Member[]> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const roster: Roster | null = await this.deps.memberships.get(partnerRef);
      if (!roster) throw new NotFoundError('enrollment:errors.noPartner');
      const next = change(roster.members);
      if (await this.deps.memberships.replaceMembers(partnerRef, roster.version, next)) return next;
    }
    throw new ConflictError();
  }
}

function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}

function upsertMember(members: readonly Member[], member: Member): Member[] {
  const rest = members.filter((m) => m.aadObjectId !== member.aadObjectId);
  return [...rest, member];
}
