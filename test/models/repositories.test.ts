import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MongoConversationReferenceRepository } from '../../models/notifications/conversation-reference.repository.js';
import { conversationReferenceModel } from '../../models/notifications/conversation-reference.schema.js';
import { MongoUserRepository } from '../../models/partners/user.repository.js';
import { userModel } from '../../models/partners/user.schema.js';
import { startBotHarness, type BotHarness } from '../bot/bot-harness.js';

describe('user and conversation reference repositories', () => {
  let harness: BotHarness;
  let users: MongoUserRepository;
  let refs: MongoConversationReferenceRepository;
  before(async () => {
    harness = await startBotHarness();
    users = new MongoUserRepository(harness.db.connection);
    refs = new MongoConversationReferenceRepository(harness.db.connection);
  });
  after(async () => harness?.stop());

  it('keeps what it knew about a user when a later turn brings less', async () => {
    const tenantId = randomUUID();
    const user = { tenantId, aadObjectId: randomUUID() };
    await users.recordSeen({
      ...user,
      name: 'Anna',
      email: 'anna@example.com',
      upn: 'anna@corp.example',
    });
    await users.recordSeen({ ...user, name: 'Anna Petrova' });
    const known = await users.get(user);
    expect(known).to.include({
      name: 'Anna Petrova',
      email: 'anna@example.com',
      upn: 'anna@corp.example',
    });
    expect(known?.lastSeenAt).to.be.instanceOf(Date);
  });

  it('lists the users of one tenant only, one record per user', async () => {
    const tenantId = randomUUID();
    const a = { tenantId, aadObjectId: randomUUID(), name: 'A' };
    await users.recordSeen(a);
    await users.recordSeen(a);
    await users.recordSeen({ tenantId, aadObjectId: randomUUID(), name: 'B' });
    await users.recordSeen({
      tenantId: randomUUID(),
      aadObjectId: a.aadObjectId,
      name: 'Elsewhere',
    });
    expect((await users.listByTenant(tenantId)).map((u) => u.name)).to.deep.equal(['A', 'B']);
  });

  it('has the unique indexes the repositories rely on', async () => {
    const userIndexes = await userModel(harness.db.connection).listIndexes();
    expect(userIndexes.find((i) => i.unique)?.key).to.deep.equal({ tenantId: 1, aadObjectId: 1 });
    const refIndexes = await conversationReferenceModel(harness.db.connection).listIndexes();
    expect(refIndexes.find((i) => i.unique)?.key).to.deep.equal({ conversationId: 1 });
  });

  it('finds the personal chat of a user until it is gone, and a new save brings it back', async () => {
    const user = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const conversationId = `a:${randomUUID()}`;
    const ref = {
      ...user,
      conversationId,
      conversationType: 'personal' as const,
      serviceUrl: 'https://smba.example/',
      botId: '28:bot',
      reference: { conversation: { id: conversationId }, 'odd.key': { $x: 1 } },
      gone: false,
      updatedAt: new Date(),
    };
    await refs.save(ref);
    await refs.save({
      ...ref,
      conversationId: `19:${randomUUID()}@thread.v2`,
      conversationType: 'groupChat',
      aadObjectId: undefined,
    });
    expect((await refs.findPersonal(user))?.reference).to.deep.equal(ref.reference);
    await refs.markGone(conversationId);
    expect(await refs.findPersonal(user)).to.equal(null);
    await refs.save(ref);
    expect((await refs.findPersonal(user))?.gone).to.equal(false);
  });
});
