import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MongoBotStorage } from '../../../models/bot-state/bot-state.storage.js';
import { personas } from '../../helpers/personas.js';
import { startBotHarness, visibleText, type BotHarness } from '../../bot/bot-harness.js';
import { testFeatures } from '../../bot/test-features.js';

describe('MongoBotStorage', () => {
  let bot: BotHarness;
  let storage: MongoBotStorage;
  before(async () => {
    bot = await startBotHarness();
    storage = new MongoBotStorage(bot.db.connection);
  });
  after(async () => bot?.stop());

  const key = () => `msteams/conversations/${randomUUID()}`;

  it('reads back what it wrote, with an eTag, and nothing for unknown keys', async () => {
    const k = key();
    await storage.write({ [k]: { count: 1, nested: { list: [1, 2] } } });
    const items = await storage.read([k, key()]);
    expect(Object.keys(items)).to.deep.equal([k]);
    expect(items[k]).to.deep.include({ count: 1, nested: { list: [1, 2] } });
    expect(items[k].eTag).to.be.a('string').and.not.empty;
  });

  it('keeps keys with dots and dollar signs in values', async () => {
    const k = key();
    const value = { 'a.b': { $c: 'd', 'e.$f': [{ 'g.h': 1 }] } };
    await storage.write({ [k]: value });
    const { eTag: _eTag, ...read } = (await storage.read([k]))[k];
    expect(read).to.deep.equal(value);
  });

  it('refuses a write carrying a stale eTag and accepts the current one', async () => {
    const k = key();
    await storage.write({ [k]: { v: 1 } });
    const first = (await storage.read([k]))[k];
    const second = (await storage.read([k]))[k];
    await storage.write({ [k]: { ...first, v: 2 } });
    let error: Error | undefined;
    try {
      await storage.write({ [k]: { ...second, v: 3 } });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/eTag conflict/);
    expect((await storage.read([k]))[k].v).to.equal(2);

    const current = (await storage.read([k]))[k];
    await storage.write({ [k]: { ...current, v: 4 } });
    expect((await storage.read([k]))[k].v).to.equal(4);
  });

  it('overwrites whatever is there with eTag "*" or no eTag', async () => {
    const k = key();
    await storage.write({ [k]: { v: 1 } });
    await storage.write({ [k]: { v: 2, eTag: '*' } });
    expect((await storage.read([k]))[k].v).to.equal(2);
    await storage.write({ [k]: { v: 3 } });
    expect((await storage.read([k]))[k].v).to.equal(3);
  });

  it('creates an item written with an eTag that no longer exists, as MemoryStorage does', async () => {
    const k = key();
    await storage.write({ [k]: { v: 1, eTag: 'from-a-deleted-item' } });
    expect((await storage.read([k]))[k].v).to.equal(1);
  });

  it('deletes items', async () => {
    const k = key();
    await storage.write({ [k]: { v: 1 } });
    await storage.delete([k]);
    expect(await storage.read([k])).to.deep.equal({});
  });
});

describe('bot state across a restart', () => {
  it('continues a dialog in progress after the bot and its database restart', async () => {
    const first = await startBotHarness({ features: testFeatures() });
    const anna = personas.reseller;
    let second: BotHarness | undefined;
    try {
      expect(visibleText(await first.send(first.teams.message(anna, 'ask')))).to.include(
        'your name'
      );
      expect(visibleText(await first.send(first.teams.message(anna, 'Anna')))).to.include(
        'your city'
      );
      second = await first.restart();
      const replies = await second.send(second.teams.message(anna, 'Tver'));
      expect(visibleText(replies)).to.equal('Thanks Anna from Tver');
    } finally {
      await (second ?? first).stop();
    }
  });
});
