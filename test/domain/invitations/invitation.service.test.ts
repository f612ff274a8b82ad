import { expect } from 'chai';
import type { DomainError } from '../../../domain/errors.js';
import {
  formatCode,
  normalizeCode,
  SecretHasher,
  TOKEN_BYTES,
} from '../../../domain/invitations/invitation-secrets.js';
import {
  InvitationService,
  LOCKOUT_MS,
  MAX_WRONG_CODES,
  type InvitationView,
} from '../../../domain/invitations/invitation.service.js';
import type { Invitation } from '../../../domain/invitations/invitation.js';
import type { Actor } from '../../../domain/partners/actor.js';
import { MembershipService } from '../../../domain/partners/membership.service.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { Role } from '../../../domain/partners/roles.js';
import { days } from '../../../domain/relationships/access-grant.js';
import { testLogger } from '../../../logging/logger.js';
import { validAnswers } from '../enrollment/enrollment-world.js';
import { MemoryMembershipRepository, MemoryPartnerRepository } from '../memory-repositories.js';
import { MemoryRelationshipRepository } from '../relationships/memory-relationships.js';
import {
  MemoryCodeGuessRepository,
  MemoryCustomerRepository,
  MemoryInvitationRepository,
} from './memory-invitations.js';

/** A reseller with an active provider relationship, a customer tenant, and a movable clock. */
async function world() {
  let now = new Date('2026-12-01T09:00:00Z');
  const partners = new MemoryPartnerRepository();
  const rosters = new MemoryMembershipRepository();
  const relationships = new MemoryRelationshipRepository();
  const invitations = new MemoryInvitationRepository();
  const guesses = new MemoryCodeGuessRepository();
  const hasher = new SecretHasher(Buffer.alloc(32, 7));
  const customers = new MemoryCustomerRepository();
  const memberships = new MembershipService({
    partners,
    memberships: rosters,
    users: { get: async () => null, listByTenant: async () => [] },
    operatorIds: [],
    now: () => now,
    logger: testLogger(),
  });
  const told: InvitationView[] = [];
  const mailed: { to?: string; code: string }[] = [];
  const settled: Invitation[] = [];
  const service: InvitationService = new InvitationService({
    invitations,
    guesses,
    hasher,
    customers,
    partners,
    relationships,
    memberships,
    notices: {
      afterTransition: async (inv) => {
        settled.push(inv);
        await service.settle(inv);
      },
    },
    notifier: { changed: async (v) => void told.push(v) },
    mailer: {
      invited: async (v, s) =>
        void mailed.push({ to: v.invitation.customer?.adminEmail, code: s.code }),
    },
    expiryDays: 30,
    now: () => now,
    logger: testLogger(),
  });
  let n = 0;
  async function partner(type: 'reseller' | 'provider') {
    n++;
    const tenantId = `${type}-tenant-${n}`;
    const p = await partners.create({
      ...(validAnswers() as unknown as Partner),
      partnerType: type,
      partnerId: `${1000000 + n}`,
      legalName: `Contoso ${type} ${n}`,
      tenantId,
      status: 'approved',
      submittedBy: { tenantId, aadObjectId: `admin-${n}` },
      submittedAt: now,
    } as never);
    const person = (role: Role, i: number): Actor => ({
      tenantId,
      aadObjectId: `${type}-${n}-${role}-${i}`,
      name: `${role} ${i}`,
    });
    const people = {
      admin: person('globalAdmin', 1),
      agent: person('adminAgent', 2),
      sales: person('salesAgent', 3),
      helpdesk: person('helpdeskAgent', 4),
    };
    await rosters.create({
      partnerRef: p.id,
      tenantId,
      members: Object.entries(people).map(([, a], i) => ({
        aadObjectId: a.aadObjectId,
        roles: [(['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'] as const)[i]],
        updatedAt: now,
        updatedBy: people.admin.aadObjectId,
      })),
    });
    return { partner: p, ...people };
  }
  const reseller = await partner('reseller');
  const provider = await partner('provider');
  const relationship = await relationships.create({
    providerRef: provider.partner.id,
    resellerRef: reseller.partner.id,
    state: 'active',
    initiatedBy: 'reseller',
    grant: { roles: ['globalReader'], durationDays: 730, autoExtend: false },
    requestedAt: now,
    expiresAt: new Date(now.getTime() + days(730)),
    history: [],
  });
  const customer: Actor = { tenantId: 'customer-tenant', aadObjectId: 'cust-1', name: 'Carla' };
  return {
    service,
    invitations,
    customers,
    guesses,
    hasher,
    told,
    mailed,
    settled,
    reseller,
    provider,
    relationship,
    relationships,
    customer,
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

describe('invitation secrets', () => {
  it('draws 256-bit tokens and unambiguous codes, typed in any case, with or without dashes', async () => {
    const w = await world();
    const { secrets, view } = await w.service.inviteCustomer(w.reseller.sales, {
      companyName: 'Northwind',
    });
    expect(Buffer.from(secrets.token, 'base64url').length).to.equal(TOKEN_BYTES);
    expect(secrets.code).to.match(
      /^C[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/
    );
    // Only hashes are stored.
    const stored = JSON.stringify([...w.invitations.rows.values()]);
    expect(stored).to.not.include(secrets.token).and.not.include(secrets.code.replace(/-/g, ''));
    expect(view.invitation.tokenHash).to.equal(w.hasher.hash(secrets.token));
    const typed = ` ${secrets.code.toLowerCase().replace(/-/g, ' ')} `;
    expect(normalizeCode(typed)).to.equal(secrets.code.replace(/-/g, ''));
    expect(formatCode(normalizeCode(typed)!)).to.equal(secrets.code);
    expect(normalizeCode('C0OI-LLLL-UUUU')).to.equal(undefined);
  });
});

describe('InvitationService', () => {
  it('a sales agent invites with the provider; the customer accepts by code and becomes its admin', async () => {
    const w = await world();
    const created = await w.service.inviteCustomer(w.reseller.sales, {
      companyName: '  Northwind   Traders ',
      adminEmail: 'it@northwind.example',
      note: 'As discussed',
      relationshipRef: w.relationship.id,
    });
    expect(created.mailed).to.equal('queued');
    expect(w.mailed).to.deep.equal([{ to: 'it@northwind.example', code: created.secrets.code }]);
    expect(created.view.provider?.id).to.equal(w.provider.partner.id);
    expect(created.view.invitation.customer?.companyName).to.equal('Northwind Traders');
    expect(created.view.invitation.expiresAt.getTime() - w.now().getTime()).to.equal(days(30));

    const opened = await w.service.open(w.customer, created.secrets.code.toLowerCase());
    expect(opened.state).to.equal('pending');
    const { view } = await w.service.accept(w.customer, opened.invitation.id);
    expect(view.state).to.equal('accepted');
    const customer = await w.customers.findByTenant('customer-tenant');
    expect(customer?.companyName).to.equal('Northwind Traders');
    expect(customer?.admins.map((a) => a.aadObjectId)).to.deep.equal(['cust-1']);
    expect(w.customers.links).to.have.length(1);
    expect(w.customers.links[0]).to.include({
      resellerRef: w.reseller.partner.id,
      providerRef: w.provider.partner.id,
    });
    expect(w.told.map((v) => v.state)).to.deep.equal(['accepted']);

    // Both partners' pages agree, and the customer sees both.
    const rc = await w.service.customers(w.reseller.helpdesk);
    expect(rc.rows.map((r) => r.customer.companyName)).to.deep.equal(['Northwind Traders']);
    const pc = await w.service.customers(w.provider.admin);
    expect(pc.rows.map((r) => r.reseller?.id)).to.deep.equal([w.reseller.partner.id]);
    const mine = await w.service.partnersOfCustomer(w.customer);
    expect(mine.rows[0].provider?.id).to.equal(w.provider.partner.id);

    // Twice by the same admin: a typed "already done by you", nothing changes (another admin
    // is refused with who and when: test/e2e/security/own-second-click-says-done).
    const again = await w.service.accept(w.customer, opened.invitation.id);
    expect(again.changedNow).to.equal(false);
    expect(again.view.state).to.equal('accepted');
    expect(w.told.map((v) => v.state)).to.deep.equal(['accepted']);
    expect(w.customers.links).to.have.length(1);
  });

  it('reuses the customer of a tenant invited again by another reseller', async () => {
    const w = await world();
    const other = await (async () => {
      const a = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'Northwind' });
      await w.service.accept(
        w.customer,
        (await w.service.open(w.customer, a.secrets.token)).invitation.id
      );
      const b = await w.service.inviteCustomer(w.reseller.agent, { companyName: 'Northwind Ltd' });
      const colleague = { ...w.customer, aadObjectId: 'cust-2', name: 'Dan' };
      await w.service.accept(
        colleague,
        (await w.service.open(colleague, b.secrets.code)).invitation.id
      );
      return colleague;
    })();
    expect(w.customers.customers.size).to.equal(1);
    const c = await w.customers.findByTenant('customer-tenant');
    expect(c?.companyName).to.equal('Northwind');
    expect(c?.admins.map((a) => a.aadObjectId)).to.deep.equal(['cust-1', other.aadObjectId]);
    expect(w.customers.links).to.have.length(2);
  });

  it('lets only Global admins, Admin agents and Sales agents of an approved reseller invite', async () => {
    const w = await world();
    expect(
      (await refused(w.service.inviteCustomer(w.reseller.helpdesk, { companyName: 'X Co' }))).code
    ).to.equal('NotAllowed');
    expect(
      (await refused(w.service.inviteCustomer(w.provider.admin, { companyName: 'X Co' })))
        .messageKey
    ).to.equal('invitations:errors.onlyReseller');
    expect(
      (await refused(w.service.inviteCustomer(w.customer, { companyName: 'X Co' }))).code
    ).to.equal('NotFound');
    // Bad input: a clear refusal, nothing stored.
    for (const input of [
      { companyName: ' ' },
      { companyName: 'Ok Co', adminEmail: 'not-an-address' },
      { companyName: 'Ok Co', note: 'x'.repeat(501) },
      { companyName: 'Ok Co', relationshipRef: 'r999' },
    ]) {
      await refused(w.service.inviteCustomer(w.reseller.admin, input));
    }
    expect(w.invitations.rows.size).to.equal(0);
  });

  it("refuses a provider relationship that is not the reseller's or not active", async () => {
    const w = await world();
    const other = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'Fine Co' });
    expect(other.view.provider).to.equal(undefined);
    const err = await refused(
      w.service.inviteCustomer(w.reseller.admin, { companyName: 'X Co', relationshipRef: 'r42' })
    );
    expect(err.messageKey).to.equal('invitations:errors.noRelationship');
  });

  it('refuses accepting from the inviting tenants, and Accept without having opened the code', async () => {
    const w = await world();
    const { secrets, view } = await w.service.inviteCustomer(w.reseller.admin, {
      companyName: 'Northwind',
      relationshipRef: w.relationship.id,
    });
    expect((await refused(w.service.accept(w.customer, view.invitation.id))).code).to.equal(
      'NotFound'
    );
    for (const who of [w.reseller.sales, w.provider.agent]) {
      await w.service.open(who, secrets.code);
      expect((await refused(w.service.accept(who, view.invitation.id))).messageKey).to.equal(
        'invitations:errors.ownTenant'
      );
    }
    expect((await w.invitations.get(view.invitation.id))?.state).to.equal('pending');
  });

  it('declines, revokes and expires; each is final and refused with its reason', async () => {
    const w = await world();
    const a = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'A Co' });
    const b = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'B Co' });
    const c = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'C Co' });
    await w.service.open(w.customer, a.secrets.code);
    await w.service.decline(w.customer, a.view.invitation.id);
    // The one who declined is told it stands (unchanged); another admin is refused.
    const own = await w.service.accept(w.customer, a.view.invitation.id);
    expect([own.changedNow, own.view.state]).to.deep.equal([false, 'declined']);
    const colleague = { ...w.customer, aadObjectId: 'cust-2', name: 'Dan' };
    await w.service.open(colleague, a.secrets.code);
    const theirs = await refused(w.service.accept(colleague, a.view.invitation.id));
    expect(theirs.messageKey).to.equal('invitations:errors.state_declined');
    await w.service.open(w.customer, b.secrets.code);
    await w.service.revoke(w.reseller.sales, b.view.invitation.id);
    expect((await refused(w.service.accept(w.customer, b.view.invitation.id))).messageKey).to.equal(
      'invitations:errors.state_revoked'
    );
    // Revoke is the inviting reseller's only.
    expect((await refused(w.service.revoke(w.provider.admin, c.view.invitation.id))).code).to.equal(
      'NotFound'
    );
    await w.service.open(w.customer, c.secrets.code);
    w.advance(days(30));
    expect((await refused(w.service.accept(w.customer, c.view.invitation.id))).code).to.equal(
      'Expired'
    );
    expect(await w.service.sweep()).to.equal(1);
    expect((await w.invitations.get(c.view.invitation.id))?.state).to.equal('expired');
    expect(await w.service.sweep()).to.equal(0);
    expect(w.customers.customers.size).to.equal(0);
  });

  it('resends with a new link and code; the old ones stop working', async () => {
    const w = await world();
    const first = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'A Co' });
    w.advance(days(31));
    const again = await w.service.resend(w.reseller.agent, first.view.invitation.id);
    expect(again.view.state).to.equal('pending');
    expect(again.view.invitation.expiresAt.getTime() - w.now().getTime()).to.equal(days(30));
    expect(await w.service.byToken(first.secrets.token)).to.equal(null);
    expect((await refused(w.service.open(w.customer, first.secrets.code))).code).to.equal(
      'NotFound'
    );
    const opened = await w.service.open(w.customer, again.secrets.code);
    expect(opened.invitation.id).to.equal(first.view.invitation.id);
    expect(opened.invitation.history.map((e) => e.note ?? e.to)).to.deep.equal([
      'pending',
      'resent',
    ]);
  });

  it('locks a person out after 5 wrong codes, even for the right one, but not their colleague', async () => {
    const w = await world();
    const { secrets } = await w.service.inviteCustomer(w.reseller.admin, { companyName: 'A Co' });
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      const err = await refused(w.service.open(w.customer, 'CAAA-AAAA-AAAA'));
      expect(err.messageKey).to.equal('invitations:errors.unknownCode');
      expect(err.values.count).to.equal(MAX_WRONG_CODES - i);
    }
    expect((await refused(w.service.open(w.customer, 'CAAA-AAAA-AAAB'))).messageKey).to.equal(
      'invitations:errors.locked'
    );
    expect((await refused(w.service.open(w.customer, secrets.code))).messageKey).to.equal(
      'invitations:errors.locked'
    );
    // A malformed code is not a guess and says what a code looks like.
    const colleague = { ...w.customer, aadObjectId: 'cust-2' };
    expect((await refused(w.service.open(colleague, 'hello'))).messageKey).to.equal(
      'invitations:errors.codeFormat'
    );
    expect((await w.service.open(colleague, secrets.code)).state).to.equal('pending');
    w.advance(LOCKOUT_MS + 1);
    expect((await w.service.open(w.customer, secrets.code)).state).to.equal('pending');
  });

  it('resends once an hour: the next one is refused with the minutes to wait, concurrent ones mail once', async () => {
    const w = await world();
    const { view } = await w.service.inviteCustomer(w.reseller.sales, {
      companyName: 'Northwind',
      adminEmail: 'it@northwind.example',
    });
    const id = view.invitation.id;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => w.service.resend(w.reseller.admin, id))
    );
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(w.mailed).to.have.length(2);
    w.advance(20 * 60_000);
    const early = await refused(w.service.resend(w.reseller.admin, id));
    expect(early.messageKey).to.equal('invitations:errors.resendTooSoon');
    expect(early.values.minutes).to.equal(40);
    w.advance(40 * 60_000);
    await w.service.resend(w.reseller.admin, id);
    expect(w.mailed).to.have.length(3);
  });

  it('refuses Accept once the provider relationship ended, and revokes what names it when it ends', async () => {
    const w = await world();
    const withProvider = await w.service.inviteCustomer(w.reseller.sales, {
      companyName: 'Northwind',
      relationshipRef: w.relationship.id,
    });
    const alone = await w.service.inviteCustomer(w.reseller.sales, { companyName: 'Tailspin' });
    const opened = await w.service.open(w.customer, withProvider.secrets.code);
    const ended = (await w.relationships.transition(w.relationship.id, 'active', {
      state: 'ended',
      event: { at: w.now(), by: 'system', from: 'active', to: 'ended', roles: ['globalReader'] },
    }))!;
    const refusal = await refused(w.service.accept(w.customer, opened.invitation.id));
    expect(refusal.messageKey).to.equal('invitations:errors.providerGone');
    expect(w.customers.links).to.have.length(0);

    expect(await w.service.relationshipEnded(ended)).to.equal(1);
    expect((await w.invitations.get(opened.invitation.id))?.state).to.equal('revoked');
    expect((await w.invitations.get(alone.view.invitation.id))?.state).to.equal('pending');
    // Run again (the owed notices' sweep): nothing more to revoke.
    expect(await w.service.relationshipEnded(ended)).to.equal(0);
    const again = await refused(w.service.accept(w.customer, opened.invitation.id));
    expect(again.messageKey).to.equal('invitations:errors.providerGone');
  });
});
