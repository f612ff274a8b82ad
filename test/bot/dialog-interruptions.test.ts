import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Feature } from '../../bot/feature.js';
import { personas, type Persona } from '../helpers/personas.js';
import { cardsOf, startBotHarness, visibleText, type BotHarness } from './bot-harness.js';
import { testFeatures } from './test-features.js';

function freshUser(base: Persona): Persona {
  return { ...base, aadObjectId: randomUUID(), name: `${base.givenName} ${base.surname}` };
}

describe('bot: commands and errors while a dialog waits', function () {
  let bot: BotHarness;
  const installs: string[] = [];
  const countInstalls: Feature = {
    onInstalled: async (scope) => void installs.push(scope.actor.aadObjectId),
  };
  before(async () => {
    bot = await startBotHarness({ features: [...testFeatures(), countInstalls] });
  });
  after(async () => bot?.stop());

  const say = async (who: Persona, text: string) =>
    visibleText(await bot.send(bot.teams.message(who, text)));

  describe('typed commands are not swallowed', () => {
    it('runs a command typed while a card prompt waits, and the prompt keeps waiting', async () => {
      const anna = freshUser(personas.reseller);
      expect(await say(anna, 'code')).to.include('Enter the code');
      expect(await say(anna, 'info')).to.equal('info ran (dialog waiting)');
      expect(await say(anna, '/info')).to.equal('info ran (dialog waiting)');
      expect(await say(anna, '123456')).to.equal('Code 123456 accepted');
    });

    it('still re-asks when the text is neither an answer nor a command', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'code');
      expect(await say(anna, 'twelve')).to.equal(
        'Please fill in the card above, or type your answer.'
      );
      expect(await say(anna, '654321')).to.equal('Code 654321 accepted');
    });

    it('runs the command a dialog hands back when it ends (as the enrollment code step does)', async () => {
      const anna = freshUser(personas.reseller);
      expect(await say(anna, 'verifyish')).to.include('Enter the mailed code');
      expect(await say(anna, 'info')).to.equal(
        'Stopped waiting for the code\ninfo ran (dialog none)'
      );
    });

    it('answers handed-back text that is no command like any unknown text', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'verifyish');
      const text = await say(anna, 'hlep');
      expect(text).to.include('Stopped waiting for the code').and.include('Did you mean **help**?');
    });

    it('keeps a command word as the answer when the prompt accepts any text', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'ask');
      expect(await say(anna, 'info')).to.include('your city');
    });
  });

  describe('a DomainError inside a dialog', () => {
    it('replies with the error and asks the same step again, so the answer can be corrected', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'code');
      const updatedBefore = bot.updates.length;
      const replies = await bot.send(bot.teams.message(anna, '000000'));
      expect(visibleText(replies)).to.include("That doesn't look right");
      // The step's card is asked again in place: no second live copy below the first.
      expect(cardsOf(replies)).to.have.length(0);
      expect(visibleText(bot.updates.slice(updatedBefore))).to.include('Enter the code');
      expect(await say(anna, '123456')).to.equal('Code 123456 accepted');
      expect(await say(anna, '123456')).to.include("didn't understand");
    });

    it('does the same for an answer submitted from the card', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'code');
      const updatedBefore = bot.updates.length;
      const replies = await bot.send(bot.teams.submit(anna, { code: '000000' }));
      expect(visibleText(replies)).to.include("That doesn't look right");
      expect(visibleText(bot.updates.slice(updatedBefore))).to.include('Enter the code');
      expect(visibleText(await bot.send(bot.teams.submit(anna, { code: '222222' })))).to.equal(
        'Code 222222 accepted'
      );
    });

    it('survives a restart between the error and the correction', async () => {
      const anna = freshUser(personas.reseller);
      await say(anna, 'code');
      await say(anna, '000000');
      bot = await bot.restart();
      expect(await say(anna, '333333')).to.equal('Code 333333 accepted');
    });
  });

  describe('install events', () => {
    it('tells features of every install event, but welcomes once per conversation', async () => {
      const anna = freshUser(personas.reseller);
      const mine = () => installs.filter((id) => id === anna.aadObjectId).length;
      const first = await bot.send(bot.teams.install(anna));
      const second = await bot.send(bot.teams.installationUpdate(anna, 'add'));
      expect(cardsOf(first)).to.have.length(1);
      expect(second).to.deep.equal([]);
      expect(mine()).to.equal(2);

      // Removed while the bot never heard of it (a 403 on send), then installed again.
      const reinstall = await bot.send(bot.teams.installationUpdate(anna, 'add'));
      expect(reinstall).to.deep.equal([]);
      expect(mine()).to.equal(3);
    });

    it('calls onInstalled again after an uninstall and reinstall, with a new welcome', async () => {
      const anna = freshUser(personas.reseller);
      const mine = () => installs.filter((id) => id === anna.aadObjectId).length;
      await bot.send(bot.teams.installationUpdate(anna, 'add'));
      await bot.send(bot.teams.installationUpdate(anna, 'remove'));
      const again = await bot.send(bot.teams.installationUpdate(anna, 'add'));
      expect(cardsOf(again)).to.have.length(1);
      expect(mine()).to.equal(2);
    });

    it('does not call onInstalled for a group chat', async () => {
      const anna = freshUser(personas.reseller);
      await bot.send(
        bot.teams.install(anna, {
          scope: 'groupChat',
          conversationId: `19:${randomUUID()}@thread.v2`,
        })
      );
      expect(installs).to.not.include(anna.aadObjectId);
    });
  });
});
