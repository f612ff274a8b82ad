import { expect } from 'chai';
import type { DomainError } from '../../../domain/errors.js';
import type { Actor } from '../../../domain/partners/actor.js';
import { MembershipService } from '../../../domain/partners/membership.service.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { Role } from '../../../domain/partners/roles.js';
import {
  AUTO_EXTEND_DAYS,
  days,
  PENDING_DAYS,
} from '../../../domain/relationships/access-grant.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';
import { RelationshipService } from '../../../domain/relationships/relationship.service.js';
import { testLogger } from '../../../logging/logger.js';
import { MemoryMembershipRepository, MemoryPartnerRepository } from '../memory-repositories.js';
import { validAnswers } from '../enrollment/enrollment-world.js';
import { MemoryRelationshipRepository } from './memory-relationships.js';

const GRANT = {
  roles: ['globalReader', 'userAdministrator'],
  durationDays: 730,
  autoExtend: false,
};

/** Two approved partners in two tenants, their admins, and a clock the test moves. */
async function world() {
  let now = new Date('2026-12-01T09:00:00Z');
  const partners = new MemoryPartnerRepository();
  const rosters = new MemoryMembershipRepository();
  const relationships = new MemoryRelationshipRepository();
  const noticed: Relationship[] = [];
  const memberships = new MembershipService({
    partners,
    memberships: rosters,
    users: { get: async () => null, listByTenant: async () => [] },
    operatorIds: [],
    now: () => now,
    logger: testLogger(),
  });
  const service = new RelationshipService({
    relationships,
    partners,
    memberships,
    notices: { afterTransition: async (r) => void noticed.push(r) },
    now: () => now,
    logger: testLogger(),
  });
  let n = 0;
  async function partner(type: 'reseller' | 'provider', status: Partner['status'] = 'approved') {
    n++;
    const tenantId = `${type}-tenant-${n}`;
    const p = await partners.create({
      ...(validAnswers() as unknown as Partner),
      partnerType: type,
      partnerId: `${1000000 + n}`,
      legalName: `Contoso ${type} ${n}`,
      tenantId,
      status,
      submittedBy: { tenantId, aadObjectId: `admin-${n}` },
      submittedAt: now,
    } as never);
    const person = (role: Role, i: number): Actor => ({
      tenantId,
      aadObjectId: `${type}-${n}-${role}-${i}`,
      name: `${role} ${i} of ${type} ${n}`,
    });
    const admin = person('globalAdmin', 1);
    const agent = person('adminAgent', 2);
    const sales = person('salesAgent', 3);
    await rosters.create({
      partnerRef: p.id,
      tenantId,
      members: [admin, agent, sales].map((a, i) => ({
        aadObjectId: a.aadObjectId,
        roles: [(['globalAdmin', 'adminAgent', 'salesAgent'] as const)[i]],
        updatedAt: now,
        updatedBy: admin.aadObjectId,
      })),
    });
    return { partner: p, admin, agent, sales };
  }
  return {
    service,
    relationships,
    noticed,
    partner,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    now: () => now,
  };
}

async function refused(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('RelationshipService', () => {
  it('lets a reseller ask with consent; the provider authorizes; access runs for the duration', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    expect(asked.state).to.equal('pending');
    expect(asked.expiresAt.getTime() - w.now().getTime()).to.equal(days(PENDING_DAYS));
    w.advance(days(2));
    const { relationship, changedNow } = await w.service.authorize(provider.agent, asked.id);
    expect(changedNow).to.equal(true);
    expect(relationship.state).to.equal('active');
    expect(relationship.activeSince).to.deep.equal(w.now());
    expect(relationship.expiresAt.getTime() - w.now().getTime()).to.equal(days(730));
    expect(relationship.history.map((e) => [e.from, e.to])).to.deep.equal([
      [null, 'pending'],
      ['pending', 'active'],
    ]);
    expect(w.noticed.map((r) => r.state)).to.deep.equal(['pending', 'active']);
  });

  it("never gives a provider access without the reseller's consent, in either direction", async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    expect(
      (await refused(w.service.request(reseller.admin, provider.partner.id, GRANT, false)))
        .messageKey
    ).to.equal('relationships:errors.consentRequired');
    const invited = await w.service.invite(provider.admin, reseller.partner.id, GRANT);
    expect(
      (await refused(w.service.authorize(reseller.admin, invited.id, false))).messageKey
    ).to.equal('relationships:errors.consentRequired');
    expect((await w.relationships.get(invited.id))?.state).to.equal('pending');
    const { relationship } = await w.service.authorize(reseller.admin, invited.id, true);
    expect(relationship.state).to.equal('active');
  });

  it('refuses auto-extend with Global Administrator, durations outside 1 to 730 days and unknown roles', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const ask = (grant: unknown) =>
      refused(w.service.request(reseller.admin, provider.partner.id, grant, true));
    expect(
      (await ask({ roles: ['globalAdministrator'], durationDays: 30, autoExtend: true })).messageKey
    ).to.equal('relationships:grant.autoExtendWithGlobalAdmin');
    expect((await ask({ ...GRANT, durationDays: 731 })).messageKey).to.equal(
      'relationships:grant.durationDays'
    );
    expect((await ask({ ...GRANT, durationDays: 0 })).messageKey).to.equal(
      'relationships:grant.durationDays'
    );
    expect((await ask({ ...GRANT, roles: ['owner'] })).messageKey).to.equal(
      'relationships:grant.roles'
    );
    expect(await w.relationships.listFor(reseller.partner.id, 'reseller')).to.deep.equal([]);
  });

  it('allows one pending or active relationship per pair', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const first = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    const again = await refused(w.service.invite(provider.admin, reseller.partner.id, GRANT));
    expect(again.messageKey).to.equal('relationships:errors.alreadyConnected');
    await w.service.withdraw(reseller.admin, first.id);
    const second = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    expect(second.id).to.not.equal(first.id);
  });

  it('lets only Global admins and Admin agents of the right side act, and hides other pairs', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const stranger = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    expect((await refused(w.service.authorize(provider.sales, asked.id))).code).to.equal(
      'NotAllowed'
    );
    expect((await refused(w.service.authorize(reseller.agent, asked.id))).messageKey).to.equal(
      'relationships:errors.otherSideAuthorizes'
    );
    expect((await refused(w.service.authorize(stranger.admin, asked.id))).messageKey).to.equal(
      'relationships:errors.notFound'
    );
    expect((await refused(w.service.withdraw(provider.admin, asked.id))).messageKey).to.equal(
      'relationships:errors.onlyRequesterWithdraws'
    );
    expect((await w.relationships.get(asked.id))?.history).to.have.length(1);
  });

  it('takes part only approved partners of the right type', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const pendingProvider = await w.partner('provider', 'underReview');
    const otherReseller = await w.partner('reseller');
    expect(
      (await refused(w.service.request(reseller.admin, pendingProvider.partner.id, GRANT, true)))
        .messageKey
    ).to.equal('relationships:errors.no_provider');
    expect(
      (await refused(w.service.request(reseller.admin, otherReseller.partner.id, GRANT, true)))
        .messageKey
    ).to.equal('relationships:errors.no_provider');
    expect(
      (await refused(w.service.invite(reseller.admin, otherReseller.partner.id, GRANT))).messageKey
    ).to.equal('relationships:errors.only_provider');
  });

  it('changes a relationship once for 20 concurrent Authorize clicks, and tells the late ones', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    const clicks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.service.authorize(i % 2 ? provider.admin : provider.agent, asked.id)
      )
    );
    expect(clicks.filter((c) => c.changedNow)).to.have.length(1);
    expect(clicks.every((c) => c.relationship.state === 'active')).to.equal(true);
    expect(w.noticed.filter((r) => r.state === 'active')).to.have.length(1);
    const late = clicks.find((c) => !c.changedNow)!.relationship.history.at(-1)!;
    expect(late.to).to.equal('active');
  });

  it('declines, withdraws, ends, and lapses pending requests after 90 days', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const [p1, p2, p3, p4] = await Promise.all([
      w.partner('provider'),
      w.partner('provider'),
      w.partner('provider'),
      w.partner('provider'),
    ]);
    const a = await w.service.request(reseller.admin, p1.partner.id, GRANT, true);
    expect((await w.service.decline(p1.admin, a.id)).relationship.state).to.equal('declined');
    const b = await w.service.request(reseller.admin, p2.partner.id, GRANT, true);
    expect((await w.service.withdraw(reseller.agent, b.id)).relationship.state).to.equal(
      'withdrawn'
    );
    const c = await w.service.request(reseller.admin, p3.partner.id, GRANT, true);
    await w.service.authorize(p3.admin, c.id);
    expect((await w.service.end(reseller.admin, c.id)).relationship.state).to.equal('ended');
    const d = await w.service.request(reseller.admin, p4.partner.id, GRANT, true);
    w.advance(days(PENDING_DAYS) - 1);
    expect(await w.service.sweep()).to.equal(0);
    w.advance(2);
    expect(await w.service.sweep()).to.equal(1);
    const lapsed = await w.relationships.get(d.id);
    expect(lapsed?.state).to.equal('expired');
    expect(lapsed?.history.at(-1)?.by).to.equal('system');
  });

  it('expires active access at its end, or adds 180 days when auto-extend is on', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const [p1, p2] = await Promise.all([w.partner('provider'), w.partner('provider')]);
    const short = { ...GRANT, durationDays: 10 };
    const plain = await w.service.request(reseller.admin, p1.partner.id, short, true);
    const renewing = await w.service.request(
      reseller.admin,
      p2.partner.id,
      { ...short, autoExtend: true },
      true
    );
    await w.service.authorize(p1.admin, plain.id);
    const active = (await w.service.authorize(p2.admin, renewing.id)).relationship;
    w.advance(days(10) + 1);
    expect(await w.service.sweep()).to.equal(2);
    expect((await w.relationships.get(plain.id))?.state).to.equal('expired');
    const renewed = await w.relationships.get(renewing.id);
    expect(renewed?.state).to.equal('active');
    expect(renewed!.expiresAt.getTime() - active.expiresAt.getTime()).to.equal(
      days(AUTO_EXTEND_DAYS)
    );
    expect(renewed?.history.at(-1)?.note).to.equal('autoExtended');
  });

  it("adds days to the current end, within 730 days from today; more roles need the reseller's consent again", async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    const active = (await w.service.authorize(provider.admin, asked.id)).relationship;
    w.advance(days(100));
    // 730 days from authorization, 100 days later: 100 days of room before the limit.
    const tooLong = await refused(w.service.extend(reseller.admin, asked.id, { days: 101 }));
    expect(tooLong.messageKey).to.equal('relationships:errors.extendRange');
    expect(tooLong.values).to.include({ min: 1, max: 100 });
    const extended = await w.service.extend(reseller.admin, asked.id, { days: 100 });
    expect(extended.relationship.expiresAt.getTime() - active.expiresAt.getTime()).to.equal(
      days(100)
    );
    expect(extended.relationship.history.at(-1)).to.include({ note: 'extended' });
    expect(extended.relationship.history.at(-1)?.fromExpiresAt).to.deep.equal(active.expiresAt);
    w.advance(days(50));
    const wider = { days: 10, roles: [...GRANT.roles, 'licenseAdministrator'] };
    expect(
      (await refused(w.service.extend(reseller.admin, asked.id, wider, { consent: false })))
        .messageKey
    ).to.equal('relationships:errors.consentRequired');
    const widened = await w.service.extend(reseller.admin, asked.id, wider, { consent: true });
    expect(widened.relationship.grant.roles).to.include('licenseAdministrator');
    expect(widened.relationship.history.map((e) => e.note ?? e.to)).to.deep.equal([
      'pending',
      'active',
      'extended',
      'extended',
    ]);
  });

  it("turns the provider's extension into a change the reseller authorizes or declines", async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    const active = (await w.service.authorize(provider.admin, asked.id)).relationship;
    w.advance(days(100));
    const wider = { days: 30, roles: [...GRANT.roles, 'licenseAdministrator'] };
    const proposed = (await w.service.extend(provider.admin, asked.id, wider)).relationship;
    expect(proposed.expiresAt).to.deep.equal(active.expiresAt);
    expect(proposed.grant.roles).to.deep.equal(GRANT.roles);
    expect(proposed.pendingChange?.expiresAt.getTime()).to.equal(
      active.expiresAt.getTime() + days(30)
    );
    expect(
      (await refused(w.service.authorizeChange(provider.admin, asked.id, true))).messageKey
    ).to.equal('relationships:errors.resellerDecides');
    const declined = (await w.service.declineChange(reseller.admin, asked.id)).relationship;
    expect(declined.pendingChange).to.equal(undefined);
    expect(declined.expiresAt).to.deep.equal(active.expiresAt);
    expect(declined.grant).to.deep.equal(active.grant);

    await w.service.autoExtendOn(provider.admin, asked.id);
    const authorized = (await w.service.authorizeChange(reseller.admin, asked.id, true))
      .relationship;
    expect(authorized.grant.autoExtend).to.equal(true);
    expect(authorized.expiresAt).to.deep.equal(active.expiresAt);
    expect(authorized.history.map((e) => e.note ?? e.to)).to.deep.equal([
      'pending',
      'active',
      'changeRequested',
      'changeDeclined',
      'changeRequested',
      'changeAuthorized',
    ]);
  });
});

describe('RelationshipService: Resend', () => {
  it('sends again at most once an hour, and says in how many minutes the next works', async () => {
    const w = await world();
    const reseller = await w.partner('reseller');
    const provider = await w.partner('provider');
    const asked = await w.service.request(reseller.admin, provider.partner.id, GRANT, true);
    expect((await w.service.resend(reseller.admin, asked.id)).changedNow).to.equal(true);
    w.advance(20 * 60_000);
    const early = await refused(w.service.resend(reseller.agent, asked.id));
    expect(early.messageKey).to.equal('relationships:errors.resendTooSoon');
    expect(early.values).to.deep.equal({ count: 40 });
    w.advance(40 * 60_000);
    expect((await w.service.resend(reseller.agent, asked.id)).changedNow).to.equal(true);
    const notes = (await w.relationships.get(asked.id))!.history.map((e) => e.note ?? e.to);
    expect(notes).to.deep.equal(['pending', 'resent', 'resent']);
  });
});
