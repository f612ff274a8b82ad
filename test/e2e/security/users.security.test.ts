import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas, type Persona } from '../../helpers/personas.js';
import {
  chat,
  enrollUnderReview,
  GENERIC_APOLOGY,
  oid,
  snapshot,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

const rolesOf = (p: Persona, roles: string) => ({
  userId: p.aadObjectId,
  [`roles-${p.aadObjectId}`]: roles,
});

/** A third user of the reseller's tenant. */
const resellerThird: Persona = {
  ...personas.resellerAgent,
  id: 'user-reseller-3',
  aadObjectId: '11111111-0000-4000-8000-000000000003',
  name: 'Lee Gu',
  givenName: 'Lee',
  surname: 'Gu',
  email: 'lee.gu@contoso-reseller.example',
  upn: 'lee.gu@contoso-reseller.example',
};

describe('security: forged role changes (users.updateRoles through the real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
    await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    await enrollUnderReview(env, personas.provider, 'provider', '7654321');
    await chat(env, personas.resellerAgent).say('hello');
  });
  afterEach(async () => env?.stop());

  it('refuses a role change from a user without the Global admin role, changing nothing', async () => {
    const before = await snapshot(env, 'memberships');
    const agent = chat(env, personas.resellerAgent);
    const self = await agent.execute(
      Verbs.usersUpdateRoles,
      rolesOf(personas.resellerAgent, 'globalAdmin')
    );
    expect(self.status).to.equal(200);
    expect(self.seen).to.include('Only a Global admin');
    const demote = await agent.click({
      verb: Verbs.usersUpdateRoles,
      ...rolesOf(personas.reseller, ''),
    });
    expect(demote.seen).to.include('Only a Global admin');
    expect(await snapshot(env, 'memberships')).to.deep.equal(before);
  });

  it("refuses another tenant's Global admin targeting this partner's users", async () => {
    const before = await snapshot(env, 'memberships');
    const foreign = chat(env, personas.provider);
    for (const target of [personas.reseller, personas.resellerAgent]) {
      const res = await foreign.execute(
        Verbs.usersUpdateRoles,
        rolesOf(target, 'globalAdmin,adminAgent')
      );
      expect(res.status).to.equal(200);
      expect(res.seen).to.include('not a known user of your organization');
      // The provider's own card: nothing of the reseller's people on it.
      expect(res.seen).to.not.include(personas.reseller.name);
      expect(res.seen).to.not.include(personas.resellerAgent.name);
    }
    expect(await snapshot(env, 'memberships')).to.deep.equal(before);
  });

  it('refuses granting a role to a user of another tenant', async () => {
    await chat(env, personas.customer).say('hello');
    const before = await snapshot(env, 'memberships');
    const admin = chat(env, personas.reseller);
    for (const stranger of [personas.customer, personas.provider, personas.operator]) {
      const res = await admin.execute(Verbs.usersUpdateRoles, rolesOf(stranger, 'adminAgent'));
      expect(res.seen, stranger.name).to.include('not a known user of your organization');
    }
    const madeUp = await admin.execute(Verbs.usersUpdateRoles, {
      userId: oid(),
      [`roles-x`]: 'globalAdmin',
    });
    expect(madeUp.seen).to.include('not a known user');
    expect(await snapshot(env, 'memberships')).to.deep.equal(before);
  });

  it('keeps the last Global admin, whatever the crafted payload', async () => {
    const before = await snapshot(env, 'memberships');
    const admin = chat(env, personas.reseller);
    const me = personas.reseller.aadObjectId;
    const payloads: Record<string, unknown>[] = [
      { userId: me },
      { userId: me, [`roles-${me}`]: '' },
      { userId: me, [`roles-${me}`]: 'adminAgent' },
      { userId: me, [`roles-${me}`]: ['globalAdmin'] },
      { userId: me, [`roles-${me}`]: 'GlobalAdmin, superAdmin' },
      { userId: me, [`roles-${me}`]: { $each: ['globalAdmin'] } },
    ];
    for (const data of payloads) {
      const res = await admin.execute(Verbs.usersUpdateRoles, data);
      expect(res.status).to.equal(200);
      expect(res.seen, JSON.stringify(data)).to.include('at least one Global admin');
    }
    expect(await snapshot(env, 'memberships')).to.deep.equal(before);
  });

  it('keeps one Global admin when two Global admins remove each other at the same moment', async () => {
    const admin = chat(env, personas.reseller);
    await chat(env, resellerThird).say('hello');
    const granted = await admin.execute(
      Verbs.usersUpdateRoles,
      rolesOf(personas.resellerAgent, 'globalAdmin')
    );
    expect(granted.seen).to.include('saved');
    const [a, b] = await Promise.all([
      admin.execute(Verbs.usersUpdateRoles, rolesOf(personas.resellerAgent, 'adminAgent')),
      chat(env, personas.resellerAgent).execute(
        Verbs.usersUpdateRoles,
        rolesOf(personas.reseller, 'adminAgent')
      ),
    ]);
    expect(a.status).to.equal(200);
    expect(b.status).to.equal(200);
    const roster = await env
      .collection('memberships')
      .findOne({ tenantId: personas.reseller.tenantId });
    const admins = (roster!.members as { roles: string[] }[]).filter((m) =>
      m.roles.includes('globalAdmin')
    );
    expect(admins).to.have.length(1);
  });

  it('refuses operator injection, wrong types and huge strings as the user id', async () => {
    const before = await snapshot(env, 'memberships');
    const admin = chat(env, personas.reseller);
    for (const userId of [
      { $gt: '' },
      { $ne: null },
      [personas.resellerAgent.aadObjectId],
      7,
      null,
      'u'.repeat(100_000),
      '',
    ]) {
      const res = await admin.execute(Verbs.usersUpdateRoles, { userId, 'roles-x': 'globalAdmin' });
      const what = JSON.stringify(userId).slice(0, 40);
      expect(res.status, what).to.equal(200);
      expect(res.seen, what).to.not.include(GENERIC_APOLOGY);
      expect(res.seen, what).to.match(/doesn't look right|not a known user/);
    }
    expect(await snapshot(env, 'memberships')).to.deep.equal(before);
  });
});

describe('security: outbox.retry (operators only, through the real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it('refuses a non-operator, and answers bogus or injected ids clearly without changing the outbox', async () => {
    const dead = await env.collection('notifications').insertOne({
      key: 'security-test/dead',
      kind: 'message',
      state: 'dead',
      to: { tenantId: personas.reseller.tenantId, aadObjectId: personas.reseller.aadObjectId },
      attempts: 5,
      dueAt: new Date(),
      deadAt: new Date(),
      lastError: 'HTTP 500',
      mail: 'none',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const id = dead.insertedId.toHexString();
    const before = await snapshot(env, 'notifications');
    for (const who of [personas.reseller, personas.customer]) {
      const res = await chat(env, who).execute(Verbs.outboxRetry, { id });
      expect(res.status).to.equal(200);
      expect(res.seen).to.include("don't have permission");
      const text = await chat(env, who).say('outbox');
      expect(text.seen).to.not.include('security-test/dead');
    }
    const op = chat(env, personas.operator);
    for (const bogus of [{ $gt: '' }, 'zzz', 'x'.repeat(100_000), null, [id]]) {
      const res = await op.execute(Verbs.outboxRetry, { id: bogus });
      expect(res.status).to.equal(200);
      expect(res.seen).to.not.include(GENERIC_APOLOGY);
      expect(res.seen).to.include("doesn't look right");
    }
    const unknown = await op.execute(Verbs.outboxRetry, { id: oid() });
    expect(unknown.seen).to.not.include(GENERIC_APOLOGY);
    expect(await snapshot(env, 'notifications')).to.deep.equal(before);
  });
});
