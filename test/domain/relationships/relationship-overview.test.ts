import { expect } from 'chai';
import { days } from '../../../domain/relationships/access-grant.js';
import { relationshipOverview } from '../../../domain/relationships/relationship-overview.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';

const now = new Date('2026-12-15T09:00:00Z');
const person = { tenantId: 'reseller-tenant', aadObjectId: 'r-admin' };
let n = 0;

function rel(over: Partial<Relationship>): Relationship {
  n++;
  return {
    id: `rel-${n}`,
    providerRef: 'provider-1',
    resellerRef: `reseller-${n}`,
    state: 'active',
    initiatedBy: 'reseller',
    grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
    requestedAt: new Date(now.getTime() - days(n)),
    expiresAt: new Date(now.getTime() + days(200)),
    activeSince: now,
    history: [{ at: now, by: person, from: null, to: 'pending', roles: ['globalReader'] }],
    ...over,
  };
}

describe('relationshipOverview (the dashboard Overview of one side)', () => {
  const in1 = rel({ expiresAt: new Date(now.getTime() + days(0.5)) });
  const in7 = rel({ expiresAt: new Date(now.getTime() + days(6)) });
  const in30 = rel({ expiresAt: new Date(now.getTime() + days(20)) });
  const later = rel({ expiresAt: new Date(now.getTime() + days(200)) });
  const pendingFromReseller = rel({ state: 'pending', activeSince: undefined });
  // A pending request that has lapsed in all but name: not "expiring", only active access is.
  const pendingSoon = rel({
    state: 'pending',
    activeSince: undefined,
    initiatedBy: 'provider',
    expiresAt: new Date(now.getTime() + days(2)),
  });
  const ended = rel({ state: 'ended', expiresAt: new Date(now.getTime() + days(3)) });
  const all = [in1, in7, in30, later, pendingFromReseller, pendingSoon, ended];

  it('counts active access ending within 30, 7 and 1 days (nested), nothing else', () => {
    const o = relationshipOverview(all, 'provider', now);
    expect(o.expiring).to.deep.equal({ within30: 3, within7: 2, within1: 1 });
  });

  it('counts by state', () => {
    expect(relationshipOverview(all, 'provider', now).counts).to.deep.equal({
      active: 4,
      pending: 2,
      ended: 1,
    });
  });

  it('names what waits for this side: the provider decides the reseller’s request, and vice versa', () => {
    expect(relationshipOverview(all, 'provider', now).needsMe.map((r) => r.id)).to.deep.equal([
      pendingFromReseller.id,
    ]);
    expect(relationshipOverview(all, 'reseller', now).needsMe.map((r) => r.id)).to.deep.equal([
      pendingSoon.id,
    ]);
  });

  it('puts active expiries in the next 12 months, this month first', () => {
    const months = relationshipOverview(all, 'provider', now).expiriesByMonth;
    expect(months).to.have.length(12);
    expect(months[0]).to.deep.equal({ month: '2026-12', count: 2 });
    expect(months[1]).to.deep.equal({ month: '2027-01', count: 1 });
    expect(months.reduce((s, m) => s + m.count, 0)).to.equal(4);
  });
});
