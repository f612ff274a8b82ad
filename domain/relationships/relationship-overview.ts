import { days, REMINDER_DAYS } from './access-grant.js';
import { actsNext, isActive, type Relationship, type Side } from './relationship.js';

/** What a partner's relationships add up to on the dashboard's Overview. */
export interface RelationshipOverview {
  /** Waiting for this side's answer (a request, or the provider's change), oldest first. */
  readonly needsMe: readonly Relationship[];
  /** Active access ending within 30, 7 and 1 days (the reminders' thresholds). */
  readonly expiring: {
    readonly within30: number;
    readonly within7: number;
    readonly within1: number;
  };
  readonly counts: Readonly<Record<string, number>>;
  /** Active access ending in each of the next 12 months (`YYYY-MM`, UTC), this one first. */
  readonly expiriesByMonth: readonly { readonly month: string; readonly count: number }[];
}

/**
 * The Overview of one side's relationships as of `now`. Who must act is `actsNext`, the rule
 * the cards follow; "expiring" counts active access only (a pending request lapses, it does
 * not expire), at the reminder thresholds.
 */
export function relationshipOverview(
  relationships: readonly Relationship[],
  side: Side,
  now: Date
): RelationshipOverview {
  const [d30, d7, d1] = REMINDER_DAYS;
  const t = now.getTime();
  const active = relationships.filter(isActive);
  const within = (n: number) =>
    active.filter((r) => r.expiresAt.getTime() > t && r.expiresAt.getTime() <= t + days(n)).length;
  const counts: Record<string, number> = {};
  for (const r of relationships) counts[r.state] = (counts[r.state] ?? 0) + 1;
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  const byMonth = new Map(months.map((m) => [m, 0]));
  for (const r of active) {
    const m = r.expiresAt.toISOString().slice(0, 7);
    if (r.expiresAt.getTime() > t && byMonth.has(m)) byMonth.set(m, byMonth.get(m)! + 1);
  }
  return {
    needsMe: relationships
      .filter((r) => actsNext(r) === side)
      .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime()),
    expiring: { within30: within(d30), within7: within(d7), within1: within(d1) },
    counts,
    expiriesByMonth: months.map((month) => ({ month, count: byMonth.get(month)! })),
  };
}
