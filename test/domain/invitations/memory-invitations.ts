import type {
  Customer,
  CustomerLink,
  CustomerRepository,
} from '../../../domain/customers/customer.js';
import type {
  Invitation,
  InvitationState,
  NewInvitation,
} from '../../../domain/invitations/invitation.js';
import {
  DuplicateInvitationSecretError,
  type CodeGuessRepository,
  type GuessBudget,
  type GuessRecord,
  type InvitationChange,
  type InvitationRepository,
} from '../../../domain/invitations/invitation-repository.port.js';
import type { PersonRef } from '../../../domain/partners/partner.js';

const clone = <T>(v: T): T => structuredClone(v);

/** Invitations in memory with the storage's guarantees: unique hashes, conditional updates. */
export class MemoryInvitationRepository implements InvitationRepository {
  readonly rows = new Map<string, Invitation>();
  private seq = 0;

  async create(input: NewInvitation): Promise<Invitation> {
    for (const r of this.rows.values()) {
      if (r.tokenHash === input.tokenHash || r.codeHash === input.codeHash) {
        throw new DuplicateInvitationSecretError();
      }
    }
    const inv: Invitation = { ...clone(input), id: `i${++this.seq}` };
    this.rows.set(inv.id, inv);
    return clone(inv);
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r ? clone(r) : null;
  }
  async findByTokenHash(hash: string) {
    const r = [...this.rows.values()].find((x) => x.tokenHash === hash);
    return r ? clone(r) : null;
  }
  async findByCodeHash(hash: string) {
    const r = [...this.rows.values()].find((x) => x.codeHash === hash);
    return r ? clone(r) : null;
  }
  async transition(
    id: string,
    from: InvitationState,
    change: InvitationChange,
    guard: { readonly expiresAfter?: Date; readonly resentBefore?: Date } = {}
  ) {
    const r = this.rows.get(id);
    if (!r || r.state !== from) return null;
    if (guard.expiresAfter && !(r.expiresAt > guard.expiresAfter)) return null;
    if (guard.resentBefore && r.lastResentAt && r.lastResentAt > guard.resentBefore) return null;
    const next: Invitation = {
      ...r,
      ...clone(change.set ?? {}),
      state: change.state,
      history: [...r.history, clone(change.event)],
      noticeOwedAt: change.event.at,
      ...(change.clearOpeners ? { openedBy: [] } : {}),
    };
    this.rows.set(id, next);
    return clone(next);
  }
  async listNaming(relationshipRef: string, state: InvitationState, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.customer?.relationshipRef === relationshipRef && r.state === state)
      .slice(0, limit)
      .map(clone);
  }
  async addOpener(id: string, key: string) {
    const r = this.rows.get(id);
    if (r && !r.openedBy.includes(key)) this.rows.set(id, { ...r, openedBy: [...r.openedBy, key] });
  }
  async listExpired(before: Date, limit: number, partnerRef?: string) {
    return [...this.rows.values()]
      .filter((r) => r.state === 'pending' && r.expiresAt <= before)
      .filter((r) => !partnerRef || r.partnerRef === partnerRef)
      .slice(0, limit)
      .map(clone);
  }
  async listPage(q: {
    partnerRef: string;
    states?: readonly string[];
    companyPrefix?: string;
    skip: number;
    limit: number;
  }) {
    const prefix = q.companyPrefix?.toLowerCase();
    const all = [...this.rows.values()]
      .filter((r) => r.partnerRef === q.partnerRef)
      .filter((r) => !q.states || q.states.includes(r.state))
      .filter((r) => !prefix || (r.customer?.companyName ?? '').toLowerCase().startsWith(prefix))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return { items: all.slice(q.skip, q.skip + q.limit).map(clone), total: all.length };
  }
  async listNoticesOwed(before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.noticeOwedAt && r.noticeOwedAt < before)
      .slice(0, limit)
      .map(clone);
  }
  async clearNoticeOwed(id: string, since: Date) {
    const r = this.rows.get(id);
    if (r?.noticeOwedAt?.getTime() === since.getTime()) {
      const { noticeOwedAt: _, ...rest } = r;
      this.rows.set(id, rest);
    }
  }
}

/** The Mongo repository's rules in memory: a try is refused once the budget is counted. */
export class MemoryCodeGuessRepository implements CodeGuessRepository {
  readonly rows = new Map<string, GuessRecord>();
  async get(key: string) {
    return this.rows.get(key) ?? null;
  }
  async take(key: string, now: Date, budget: GuessBudget) {
    let r = this.rows.get(key) ?? { key, failures: 0, windowStartedAt: now };
    const stale = r.windowStartedAt.getTime() <= now.getTime() - budget.windowMs;
    if (stale && (!r.lockedUntil || r.lockedUntil <= now)) {
      r = { key, failures: 0, windowStartedAt: now };
    }
    this.rows.set(key, r);
    if (r.failures >= budget.max) return null;
    const next = { ...r, failures: r.failures + 1 };
    this.rows.set(key, next);
    return next;
  }
  async lock(key: string, until: Date, budget: GuessBudget) {
    const r = this.rows.get(key);
    if (r && r.failures >= budget.max && !r.lockedUntil)
      this.rows.set(key, { ...r, lockedUntil: until });
  }
  async giveBack(key: string) {
    const r = this.rows.get(key);
    if (r && r.failures > 0) this.rows.set(key, { ...r, failures: r.failures - 1 });
  }
}

export class MemoryCustomerRepository implements CustomerRepository {
  readonly customers = new Map<string, Customer>();
  readonly links: CustomerLink[] = [];
  private seq = 0;

  async upsertByTenant(input: {
    tenantId: string;
    companyName: string;
    admin: PersonRef;
    at: Date;
  }) {
    let c = [...this.customers.values()].find((x) => x.tenantId === input.tenantId);
    if (!c) {
      c = {
        id: `c${++this.seq}`,
        tenantId: input.tenantId,
        companyName: input.companyName,
        admins: [],
        createdAt: input.at,
      };
    }
    if (!c.admins.some((a) => a.aadObjectId === input.admin.aadObjectId)) {
      c = { ...c, admins: [...c.admins, input.admin] };
    }
    this.customers.set(c.id, c);
    return clone(c);
  }
  async get(id: string) {
    const c = this.customers.get(id);
    return c ? clone(c) : null;
  }
  async findByTenant(tenantId: string) {
    const c = [...this.customers.values()].find((x) => x.tenantId === tenantId);
    return c ? clone(c) : null;
  }
  async addLink(link: Omit<CustomerLink, 'id'>) {
    const existing = this.links.find((l) => l.invitationRef === link.invitationRef);
    if (existing) return clone(existing);
    const stored = { ...link, id: `l${this.links.length + 1}` };
    this.links.push(stored);
    return clone(stored);
  }
  async getLink(id: string) {
    const l = this.links.find((x) => x.id === id);
    return l ? clone(l) : null;
  }
  async endLink(id: string, by: PersonRef, at: Date) {
    const i = this.links.findIndex((x) => x.id === id && !x.endedAt);
    if (i < 0) return null;
    this.links[i] = { ...this.links[i], endedAt: at, endedBy: by };
    return clone(this.links[i]);
  }
  async pageLinks(by: { resellerRef?: string; providerRef?: string }, skip: number, limit: number) {
    const all = (await this.listLinks(by)).sort((a, b) =>
      'providerRef' in by ? a.resellerRef.localeCompare(b.resellerRef) : 0
    );
    return { items: all.slice(skip, skip + limit), total: all.length };
  }
  async listLinks(by: { resellerRef?: string; providerRef?: string; customerRef?: string }) {
    return this.links
      .filter((l) => !l.endedAt)
      .filter(
        (l) =>
          ('resellerRef' in by && l.resellerRef === by.resellerRef) ||
          ('providerRef' in by && l.providerRef === by.providerRef) ||
          ('customerRef' in by && l.customerRef === by.customerRef)
      )
      .map(clone)
      .reverse();
  }
}
