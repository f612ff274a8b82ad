import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MongoUserRepository } from '../../../models/partners/user.repository.js';
import { personas, type Persona } from '../../helpers/personas.js';
import { startBotHarness, type BotHarness } from '../../bot/bot-harness.js';

describe('user repository: team roster members', () => {
  let harness: BotHarness;
  let users: MongoUserRepository;
  before(async () => {
    harness = await startBotHarness();
    users = new MongoUserRepository(harness.db.connection);
  });
  after(async () => harness?.stop());

  it('records roster members without pretending they talked to the bot', async () => {
    const tenantId = randomUUID();
    const member = {
      tenantId,
      aadObjectId: randomUUID(),
      name: 'Lee Gu',
      email: 'lee@example.com',
      upn: 'lee@corp.example',
    };
    await users.recordRosterMembers([member]);
    const known = await users.get(member);
    expect(known).to.include({ name: 'Lee Gu', email: 'lee@example.com', upn: 'lee@corp.example' });
    expect(known).to.not.have.property('lastSeenAt');
    const listed = await users.listByTenant(tenantId);
    expect(listed.map((u) => u.aadObjectId)).to.deep.equal([member.aadObjectId]);
  });

  it('keeps what it knew about a user (and lastSeenAt) when the roster brings less', async () => {
    const tenantId = randomUUID();
    const anna = { tenantId, aadObjectId: randomUUID() };
    await users.recordSeen({
      ...anna,
      name: 'Anna',
      email: 'anna@example.com',
      upn: 'anna@corp.example',
      locale: 'ru-RU',
    });
    await users.setLanguage(anna, 'en');
    const before = await users.get(anna);
    await users.recordRosterMembers([{ ...anna, name: 'Anna Petrova' }]);
    const after = await users.get(anna);
    expect(after).to.deep.include({
      name: 'Anna Petrova',
      email: 'anna@example.com',
      upn: 'anna@corp.example',
      locale: 'ru-RU',
      language: 'en',
      lastSeenAt: before?.lastSeenAt,
    });
  });

  it('writes the whole roster in one bulk write, one record per member', async () => {
    const tenantId = randomUUID();
    const members = Array.from({ length: 25 }, (_, i) => ({
      tenantId,
      aadObjectId: randomUUID(),
      name: `M${i}`,
    }));
    const calls: string[] = [];
    harness.db.connection.set('debug', (collection: string, method: string) =>
      calls.push(`${collection}.${method}`)
    );
    try {
      await users.recordRosterMembers(members);
      await users.recordRosterMembers(members);
    } finally {
      harness.db.connection.set('debug', false);
    }
    expect(calls).to.deep.equal(['users.bulkWrite', 'users.bulkWrite']);
    expect(await users.listByTenant(tenantId)).to.have.length(25);
  });

  it('gives a roster member a lastSeenAt on a first turn that brings nothing new', async () => {
    const lee: Persona = {
      ...personas.resellerAgent,
      tenantId: randomUUID(),
      aadObjectId: randomUUID(),
    };
    const { tenantId, aadObjectId, name, email } = lee;
    await users.recordRosterMembers([{ tenantId, aadObjectId, name, email }]);
    // No locale either: the turn brings nothing the roster did not, yet it is the first one.
    await harness.send({ ...harness.teams.message(lee, 'help'), locale: undefined });
    expect((await users.get(lee))?.lastSeenAt).to.be.instanceOf(Date);
  });
});
