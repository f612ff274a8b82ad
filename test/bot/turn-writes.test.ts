import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { RecentWrites } from '../../bot/recent-writes.js';
import { MongoConversationReferenceRepository } from '../../models/notifications/conversation-reference.repository.js';
import { conversationReferenceModel } from '../../models/notifications/conversation-reference.schema.js';
import { userModel } from '../../models/partners/user.schema.js';
import { personas, withLocale, type Persona } from '../helpers/personas.js';
import { startBotHarness, visibleText, type BotHarness } from './bot-harness.js';

function freshUser(base: Persona): Persona {
  return { ...base, aadObjectId: randomUUID(), name: `${base.givenName} ${base.surname}` };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('bot: what each turn writes', function () {
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness();
  });
  after(async () => bot?.stop());

  /** When the user and reference documents were last written. */
  async function writtenAt(p: Persona, conversationId = bot.teams.conversationId(p)) {
    const user = await userModel(bot.db.connection)
      .findOne({ tenantId: p.tenantId, aadObjectId: p.aadObjectId })
      .lean<{ updatedAt: Date; lastSeenAt: Date }>();
    const ref = await conversationReferenceModel(bot.db.connection)
      .findOne({ conversationId })
      .lean();
    return { user: user?.updatedAt.getTime(), ref: ref?.updatedAt.getTime() };
  }

  it("remembers the Teams locale of the user's last turn", async () => {
    const olga = withLocale(freshUser(personas.customer), 'ru-RU');
    await bot.send(bot.teams.message(olga, 'help'));
    expect((await bot.users.get(olga))?.locale).to.equal('ru-RU');
    await bot.send(bot.teams.message(olga, 'help', { locale: 'en-GB' }));
    expect((await bot.users.get(olga))?.locale).to.equal('en-GB');
  });

  it('writes neither the user nor the reference for a turn that brings nothing new', async () => {
    const anna = freshUser(personas.reseller);
    await bot.send(bot.teams.message(anna, 'help'));
    const first = await writtenAt(anna);
    expect(first.user).to.be.a('number');
    expect(first.ref).to.be.a('number');
    await tick();
    expect(visibleText(await bot.send(bot.teams.message(anna, 'help')))).to.include(
      'What I can do'
    );
    expect(await writtenAt(anna)).to.deep.equal(first);
  });

  it('writes again when the turn brings something new (another Teams locale)', async () => {
    const anna = freshUser(personas.reseller);
    await bot.send(bot.teams.message(anna, 'help'));
    const first = await writtenAt(anna);
    await tick();
    await bot.send(bot.teams.message(anna, 'help', { locale: 'ru-RU' }));
    const second = await writtenAt(anna);
    expect(second.user).to.be.greaterThan(first.user!);
    expect(second.ref).to.be.greaterThan(first.ref!);
    const saved = await bot.conversationReferences.findPersonal(anna);
    expect((saved?.reference as { locale?: string }).locale).to.equal('ru-RU');
  });

  it('writes the reference of a group chat once for messages it ignores', async () => {
    const anna = freshUser(personas.reseller);
    const boris = freshUser(personas.reseller);
    const conversationId = `19:${randomUUID()}@thread.v2`;
    const opts = { scope: 'groupChat' as const, conversationId, mention: false };
    expect(await bot.send(bot.teams.message(anna, 'hello all', opts))).to.deep.equal([]);
    const first = await writtenAt(anna, conversationId);
    await tick();
    await bot.send(bot.teams.message(anna, 'lunch?', opts));
    await bot.send(bot.teams.message(boris, 'yes', opts));
    expect((await writtenAt(anna, conversationId)).ref).to.equal(first.ref);
  });

  it('clears gone on reinstall even when this process wrote the same reference just before', async () => {
    const anna = freshUser(personas.reseller);
    await bot.send(bot.teams.message(anna, 'help'));
    // The delivery worker marks it gone after a 403, through its own repository.
    await new MongoConversationReferenceRepository(bot.db.connection).markGone(
      bot.teams.conversationId(anna)
    );
    expect(await bot.conversationReferences.findPersonal(anna)).to.equal(null);
    await bot.send(bot.teams.installationUpdate(anna, 'add'));
    expect(await bot.conversationReferences.findPersonal(anna)).to.not.equal(null);
  });

  describe('RecentWrites', () => {
    it('forgets what it wrote after maxAge, after forget(), and its least recently used entries', () => {
      let now = 0;
      const recent = new RecentWrites(2, 1000, () => now);
      recent.remember('a', 'x');
      expect(recent.isUnchanged('a', 'x')).to.equal(true);
      expect(recent.isUnchanged('a', 'y')).to.equal(false);
      recent.remember('a', 'x');
      now = 1000;
      expect(recent.isUnchanged('a', 'x')).to.equal(false);
      recent.remember('a', 'x');
      recent.remember('b', 'x');
      expect(recent.isUnchanged('a', 'x')).to.equal(true); // a is now the most recently used
      recent.remember('c', 'x');
      expect(recent.isUnchanged('b', 'x')).to.equal(false);
      expect(recent.isUnchanged('a', 'x')).to.equal(true);
      recent.forget('a');
      expect(recent.isUnchanged('a', 'x')).to.equal(false);
    });
  });
});
