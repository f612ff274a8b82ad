import type { PartnerRef } from '../../../domain/partners/partner.js';
import {
  OPEN_STATES,
  type NewRelationship,
  type Relationship,
  type RelationshipState,
} from '../../../domain/relationships/relationship.js';
import {
  DuplicateRelationshipError,
  type RelationshipChange,
  type RelationshipGuard,
  type RelationshipPageQuery,
  type RelationshipRepository,
} from '../../../domain/relationships/relationship-repository.port.js';

/** Relationships in memory with the storage's guarantees: one open per pair, conditional updates. */
export class MemoryRelationshipRepository implements RelationshipRepository {
  private readonly rows = new Map<string, Relationship>();
  private seq = 0;

  async create(input: NewRelationship): Promise<Relationship> {
    if (await this.findOpen(input.providerRef, input.resellerRef)) {
      throw new DuplicateRelationshipError();
    }
    const r: Relationship = { ...input, id: `r${++this.seq}` };
    this.rows.set(r.id, structuredClone(r));
    return structuredClone(r);
  }

  async get(id: string) {
    const r = this.rows.get(id);
    return r ? structuredClone(r) : null;
  }

  async findOpen(providerRef: PartnerRef, resellerRef: PartnerRef) {
    const r = [...this.rows.values()].find(
      (x) =>
        x.providerRef === providerRef &&
        x.resellerRef === resellerRef &&
        OPEN_STATES.includes(x.state)
    );
    return r ? structuredClone(r) : null;
  }

  async transition(
    id: string,
    from: RelationshipState,
    change: RelationshipChange,
    guard: RelationshipGuard = {}
  ) {
    const r = this.rows.get(id);
    if (!r || r.state !== from) return null;
    if (guard.expiresAt && r.expiresAt.getTime() !== guard.expiresAt.getTime()) return null;
    if (guard.pendingChangeAt === null && r.pendingChange) return null;
    if (guard.pendingChangeAt && r.pendingChange?.at.getTime() !== guard.pendingChangeAt.getTime())
      return null;
    if (guard.resentBefore && r.lastResentAt && r.lastResentAt > guard.resentBefore) return null;
    const { pendingChange: _pending, ...kept } = r;
    const next: Relationship = {
      ...(change.clearPendingChange ? kept : r),
      ...change.set,
      state: change.state,
      history: [...r.history, change.event],
      noticeOwedAt: change.event.at,
      ...(change.set?.expiresAt ? { remindedDays: [] } : {}),
    };
    this.rows.set(id, structuredClone(next));
    return structuredClone(next);
  }

  async listExpiring(before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => OPEN_STATES.includes(r.state) && r.expiresAt < before)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listFor(partnerRef: PartnerRef, side: 'provider' | 'reseller') {
    return [...this.rows.values()]
      .filter((r) => (side === 'provider' ? r.providerRef : r.resellerRef) === partnerRef)
      .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime())
      .map((r) => structuredClone(r));
  }

  async listPage(q: RelationshipPageQuery) {
    let rows = await this.listFor(q.partnerRef, q.side);
    if (q.expiringBefore) {
      const before = q.expiringBefore;
      rows = rows
        .filter((r) => r.state === 'active' && r.expiresAt < before)
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
    } else if (q.states?.length) {
      const states = q.states;
      rows = rows.filter((r) => states.includes(r.state));
    }
    if (q.otherRefs) {
      const refs = q.otherRefs;
      rows = rows.filter((r) =>
        refs.includes(q.side === 'provider' ? r.resellerRef : r.providerRef)
      );
    }
    if (q.activeFirst && !q.expiringBefore) {
      const rank = (r: { state: string }) =>
        r.state === 'active' ? 0 : r.state === 'pending' ? 1 : 2;
      rows = [...rows].sort((a, b) => rank(a) - rank(b));
    }
    return { items: rows.slice(q.skip, q.skip + q.limit), total: rows.length };
  }

  async listReminderDue(threshold: number, before: Date, limit: number) {
    return [...this.rows.values()]
      .filter(
        (r) =>
          r.state === 'active' &&
          r.expiresAt < before &&
          !(r.remindedDays ?? []).includes(threshold)
      )
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async claimReminder(id: string, expiresAt: Date, thresholds: readonly number[], owedAt: Date) {
    const r = this.rows.get(id);
    if (!r || r.state !== 'active' || r.expiresAt.getTime() !== expiresAt.getTime()) return null;
    if ((r.remindedDays ?? []).includes(thresholds[0])) return null;
    const next: Relationship = {
      ...r,
      remindedDays: [...new Set([...(r.remindedDays ?? []), ...thresholds])],
      noticeOwedAt: owedAt,
    };
    this.rows.set(id, structuredClone(next));
    return structuredClone(next);
  }

  async listNoticesOwed(before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.noticeOwedAt && r.noticeOwedAt < before)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async clearNoticeOwed(id: string, since: Date) {
    const r = this.rows.get(id);
    if (r?.noticeOwedAt?.getTime() === since.getTime()) {
      const { noticeOwedAt: _owed, ...rest } = r;
      this.rows.set(id, rest);
    }
  }
}
