import { expect } from 'chai';
import { DuplicateInvitationSecretError } from '../../../domain/invitations/invitation-repository.port.js';
import type { NewInvitation } from '../../../domain/invitations/invitation.js';
import { MongoCustomerRepository } from '../../../models/customers/customer.repository.js';
import {
  MongoCodeGuessRepository,
  MongoInvitationRepository,
} from '../../../models/invitations/invitation.repository.js';
import { startBotHarness, type BotHarness } from '../../bot/bot-harness.js';

const at = new Date('2026-12-01T09:00:00Z');
let n = 0;
function invitation(over: Partial<NewInvitation> = {}): NewInvitation {
  n++;
  return {
    kind: 'customer',
    state: 'pending',
    partnerRef: 'reseller-1',
    customer: { resellerRef: 'reseller-1', companyName: 'Northwind' },
    tokenHash: `t${n}`,
    codeHash: `c${n}`,
    invitedBy: { tenantId: 't', aadObjectId: 'a' },
    createdAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    openedBy: [],
    history: [{ at, by: { tenantId: 't', aadObjectId: 'a' }, from: null, to: 'pending' }],
    ...over,
  };
}

describe('invitation and customer repositories (mongoose, embedded database)', () => {
  let harness: BotHarness;
  let invitations: MongoInvitationRepository;
  let guesses: MongoCodeGuessRepository;
  let customers: MongoCustomerRepository;
  before(async () => {
    harness = await startBotHarness();
    invitations = new MongoInvitationRepository(harness.db.connection);
    guesses = new MongoCodeGuessRepository(harness.db.connection);
    customers = new MongoCustomerRepository(harness.db.connection);
    await Promise.all([invitations.init(), guesses.init(), customers.init()]);
  });
  after(async () => harness?.stop());

  it('refuses a second invitation with a taken token or code hash', async () => {
    const first = await invitations.create(invitation());
    expect(await invitations.findByTokenHash(first.tokenHash)).to.deep.include({ id: first.id });
    expect(await invitations.findByCodeHash(first.codeHash)).to.deep.include({ id: first.id });
    for (const over of [{ tokenHash: first.tokenHash }, { codeHash: first.codeHash }]) {
      let err: unknown;
      await invitations.create(invitation(over)).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(DuplicateInvitationSecretError);
    }
  });

  it('accepts once: two concurrent transitions from pending, one wins; an expired one none', async () => {
    const inv = await invitations.create(invitation());
    const change = {
      state: 'accepted' as const,
      event: { at, by: 'system' as const, from: 'pending' as const, to: 'accepted' as const },
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        invitations.transition(inv.id, 'pending', change, { expiresAfter: at })
      )
    );
    expect(results.filter(Boolean)).to.have.length(1);
    const stored = await invitations.get(inv.id);
    expect(stored?.state).to.equal('accepted');
    expect(stored?.history).to.have.length(2);
    expect(stored?.noticeOwedAt).to.deep.equal(at);
    const late = await invitations.create(invitation());
    expect(
      await invitations.transition(late.id, 'pending', change, {
        expiresAfter: late.expiresAt,
      })
    ).to.equal(null);
    expect((await invitations.listExpired(late.expiresAt, 10)).map((i) => i.id)).to.include(
      late.id
    );
  });

  it('takes tries atomically up to the budget, locks without stretching, restarts an old window', async () => {
    const key = 'tenant/person';
    const budget = { max: 5, windowMs: 1000, lockoutMs: 3_600_000 };
    const taken = await Promise.all(Array.from({ length: 8 }, () => guesses.take(key, at, budget)));
    expect(taken.map((c) => c?.failures ?? 0).sort()).to.deep.equal([0, 0, 0, 1, 2, 3, 4, 5]);
    const until = new Date(at.getTime() + budget.lockoutMs);
    await guesses.lock(key, until, budget);
    await guesses.lock(key, new Date(until.getTime() + 60_000), budget);
    expect((await guesses.get(key))?.lockedUntil).to.deep.equal(until);
    // The window is over but the lock holds: still refused.
    expect(await guesses.take(key, new Date(at.getTime() + 5000), budget)).to.equal(null);
    const later = new Date(until.getTime() + 1);
    const fresh = await guesses.take(key, later, budget);
    expect(fresh?.failures).to.equal(1);
    expect(fresh?.lockedUntil).to.equal(undefined);
    await guesses.giveBack(key);
    await guesses.giveBack(key);
    expect((await guesses.get(key))?.failures).to.equal(0);
  });

  it('keeps one customer per tenant and one link per invitation, however often settled', async () => {
    const admin = { tenantId: 'cust-t', aadObjectId: 'u1', name: 'Carla' };
    const [a, b] = await Promise.all([
      customers.upsertByTenant({ tenantId: 'cust-t', companyName: 'Northwind', admin, at }),
      customers.upsertByTenant({ tenantId: 'cust-t', companyName: 'Other', admin, at }),
    ]);
    expect(a.id).to.equal(b.id);
    const c = await customers.upsertByTenant({
      tenantId: 'cust-t',
      companyName: 'Ignored',
      admin: { ...admin, aadObjectId: 'u2' },
      at,
    });
    expect(c.admins.map((x) => x.aadObjectId)).to.deep.equal(['u1', 'u2']);
    const link = {
      customerRef: a.id,
      resellerRef: 'r1',
      providerRef: 'p1',
      invitationRef: 'inv1',
      since: at,
    };
    await Promise.all([customers.addLink(link), customers.addLink(link)]);
    expect(await customers.listLinks({ providerRef: 'p1' })).to.have.length(1);
    expect((await customers.listLinks({ customerRef: a.id }))[0]).to.include({ resellerRef: 'r1' });
  });
});
