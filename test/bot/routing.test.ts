import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { personas, withLocale, type Persona } from '../helpers/personas.js';
import {
  buttonsOf,
  cardsOf,
  startBotHarness,
  visibleText,
  type BotHarness,
} from './bot-harness.js';
import { testFeatures } from './test-features.js';

/** A fresh user in the persona's tenant, so tests never share a conversation or a user record. */
function freshUser(base: Persona): Persona {
  return { ...base, aadObjectId: randomUUID(), name: `${base.givenName} ${base.surname}` };
}

describe('bot routing', function () {
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness({ features: testFeatures() });
  });
  after(async () => bot?.stop());

  describe('install', () => {
    it('welcomes a user who installs the app in personal scope with next steps as buttons', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(bot.teams.install(anna));
      const [card] = cardsOf(replies);
      expect(card, 'a welcome card').to.exist;
      expect(visibleText(replies))
        .to.include('Welcome to Partner Connect')
        .and.include(`Hi, ${anna.name}!`);
      // enroll and help are registered, status is not: only steps that work are offered.
      expect(buttonsOf(card)).to.deep.equal([
        {
          title: 'Enroll my organization',
          data: { verb: 'command.run', command: 'enroll', welcome: true },
        },
        {
          title: 'Show all commands',
          data: { verb: 'command.run', command: 'help', welcome: true },
        },
        { title: 'По-русски', data: { verb: 'language.set', language: 'ru' } },
      ]);
    });

    it('welcomes once when Teams sends both conversationUpdate and installationUpdate', async () => {
      const anna = freshUser(personas.reseller);
      const first = await bot.send(bot.teams.install(anna));
      const second = await bot.send(bot.teams.installationUpdate(anna, 'add'));
      expect(cardsOf(first)).to.have.length(1);
      expect(second).to.deep.equal([]);
    });

    it('welcomes once when both install events arrive at the same time', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.sendTogether([
        bot.teams.install(anna),
        bot.teams.installationUpdate(anna, 'add'),
      ]);
      expect(cardsOf(replies)).to.have.length(1);
    });

    it('saves the conversation reference on install, marks it gone on uninstall, and welcomes again on reinstall', async () => {
      const anna = freshUser(personas.reseller);
      await bot.send(bot.teams.installationUpdate(anna, 'add'));
      const saved = await bot.conversationReferences.findPersonal(anna);
      expect(saved?.conversationId).to.equal(bot.teams.conversationId(anna));
      expect(saved?.serviceUrl).to.equal(bot.teams.serviceUrl);
      expect((saved?.reference as { user?: { aadObjectId?: string } }).user?.aadObjectId).to.equal(
        anna.aadObjectId
      );

      await bot.send(bot.teams.installationUpdate(anna, 'remove'));
      expect(await bot.conversationReferences.findPersonal(anna)).to.equal(null);

      const again = await bot.send(bot.teams.installationUpdate(anna, 'add'));
      expect(cardsOf(again)).to.have.length(1);
      expect(await bot.conversationReferences.findPersonal(anna)).to.not.equal(null);
    });

    it('introduces itself in one line when added to a group chat', async () => {
      const anna = freshUser(personas.reseller);
      const conversationId = `19:${randomUUID()}@thread.v2`;
      const replies = await bot.send(
        bot.teams.install(anna, { scope: 'groupChat', conversationId })
      );
      expect(cardsOf(replies)).to.have.length(0);
      expect(visibleText(replies)).to.include('Mention me');
    });

    it('welcomes in Russian when the Teams client is in Russian', async () => {
      const olga = withLocale(freshUser(personas.customer), 'ru-RU');
      const replies = await bot.send(bot.teams.install(olga));
      expect(visibleText(replies))
        .to.include('Добро пожаловать в Partner Connect')
        .and.include('Все команды');
    });
  });

  describe('who is acting', () => {
    it('records the user with tenant, name and the roster UPN, looking the roster up only once', async () => {
      const calls: string[] = [];
      const rosterBot = await startBotHarness({
        roster: async (_conversationId, userId) => {
          calls.push(userId);
          return {
            id: userId,
            name: 'Anna P.',
            email: 'anna@contoso-reseller.example',
            userPrincipalName: 'anna@contoso.example',
          };
        },
      });
      try {
        const anna = freshUser(personas.reseller);
        await rosterBot.send(rosterBot.teams.message(anna, 'help'));
        await rosterBot.send(rosterBot.teams.message(anna, 'help'));
        const known = await rosterBot.users.get(anna);
        expect(known).to.include({
          tenantId: anna.tenantId,
          aadObjectId: anna.aadObjectId,
          name: anna.name,
        });
        expect(known).to.include({
          email: 'anna@contoso-reseller.example',
          upn: 'anna@contoso.example',
        });
        expect(calls).to.have.length(1);
      } finally {
        await rosterBot.stop();
      }
    });

    it('carries on when the roster cannot be reached', async () => {
      const failingBot = await startBotHarness({
        roster: async () => Promise.reject(new Error('403 Forbidden')),
      });
      try {
        const anna = freshUser(personas.reseller);
        const replies = await failingBot.send(failingBot.teams.message(anna, 'help'));
        expect(visibleText(replies)).to.include('What I can do');
        const known = await failingBot.users.get(anna);
        expect(known?.name).to.equal(anna.name);
        expect(known?.email).to.equal(undefined);
      } finally {
        await failingBot.stop();
      }
    });
  });

  describe('help', () => {
    it('lists only the commands this user may use', async () => {
      const forReseller = visibleText(
        await bot.send(bot.teams.message(freshUser(personas.reseller), 'help'))
      );
      const forOperator = visibleText(await bot.send(bot.teams.message(personas.operator, 'help')));
      expect(forReseller).to.include('help').and.include('cancel').and.include('enroll');
      expect(forReseller).to.not.include('review');
      expect(forOperator).to.include('review');
    });

    it('answers the Russian alias in Russian with Russian command words', async () => {
      const olga = withLocale(freshUser(personas.customer), 'ru-RU');
      const text = visibleText(await bot.send(bot.teams.message(olga, 'помощь')));
      expect(text).to.include('Что я умею').and.include('отмена (cancel)');
    });

    it('runs a command from a welcome card button (Action.Submit command.run)', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(
        bot.teams.submit(anna, { verb: 'command.run', command: 'enroll' })
      );
      expect(visibleText(replies)).to.equal('enroll ran');
    });
  });

  describe('dialogs and cancel', () => {
    it('sends text to the active dialog and lets cancel end it', async () => {
      const anna = freshUser(personas.reseller);
      expect(visibleText(await bot.send(bot.teams.message(anna, 'ask')))).to.include('your name');
      // "enroll" is a command, but while the dialog asks, typed text is its answer.
      expect(visibleText(await bot.send(bot.teams.message(anna, 'enroll')))).to.include(
        'your city'
      );
      expect(visibleText(await bot.send(bot.teams.message(anna, 'cancel')))).to.include(
        "I've stopped"
      );
      expect(visibleText(await bot.send(bot.teams.message(anna, 'Moscow')))).to.include(
        "didn't understand"
      );
    });

    it('lets help interrupt a dialog without ending it', async () => {
      const anna = freshUser(personas.reseller);
      await bot.send(bot.teams.message(anna, 'ask'));
      expect(visibleText(await bot.send(bot.teams.message(anna, 'help')))).to.include(
        'What I can do'
      );
      expect(visibleText(await bot.send(bot.teams.message(anna, 'Anna')))).to.include('your city');
      expect(visibleText(await bot.send(bot.teams.message(anna, 'Kazan')))).to.equal(
        'Thanks Anna from Kazan'
      );
    });

    it('says so when there is nothing to cancel (отмена)', async () => {
      const olga = withLocale(freshUser(personas.customer), 'ru-RU');
      expect(visibleText(await bot.send(bot.teams.message(olga, 'отмена')))).to.equal(
        'Сейчас нечего отменять.'
      );
    });
  });

  describe('language', () => {
    it('follows the Teams locale until the user chooses, then keeps the choice', async () => {
      const olga = withLocale(freshUser(personas.customer), 'ru-RU');
      expect(visibleText(await bot.send(bot.teams.message(olga, 'help')))).to.include('Что я умею');
      expect(visibleText(await bot.send(bot.teams.message(olga, 'language en')))).to.include(
        "I'll speak English"
      );
      expect(visibleText(await bot.send(bot.teams.message(olga, 'help')))).to.include(
        'What I can do'
      );
      expect(visibleText(await bot.send(bot.teams.message(olga, 'язык ru')))).to.include(
        'по-русски'
      );
      expect(visibleText(await bot.send(bot.teams.message(olga, 'help')))).to.include('Что я умею');
    });

    it('offers a language card whose buttons switch the language', async () => {
      const anna = freshUser(personas.reseller);
      const [card] = cardsOf(await bot.send(bot.teams.message(anna, 'language')));
      const ru = buttonsOf(card).find((b) => b.title === 'Русский');
      expect(ru?.data).to.deep.equal({ verb: 'language.set', language: 'ru' });
      expect(visibleText(await bot.send(bot.teams.submit(anna, ru!.data)))).to.include('по-русски');
      expect((await bot.users.get(anna))?.language).to.equal('ru');
    });
  });

  describe('group chats and channels', () => {
    it('ignores messages that do not mention the bot', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(
        bot.teams.message(anna, 'help', { scope: 'groupChat', mention: false })
      );
      expect(replies).to.deep.equal([]);
    });

    it('answers when mentioned, with the mention stripped from the command', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(bot.teams.message(anna, 'help', { scope: 'channel' }));
      expect(visibleText(replies)).to.include('What I can do').and.include('mention me first');
    });
  });

  describe('card actions and errors', () => {
    it('routes an Action.Submit verb to its handler and replaces the clicked card', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(
        bot.teams.submit(anna, { verb: 'test.echo', word: 'hello' }, { replyToId: 'card-1' })
      );
      expect(visibleText(replies)).to.equal(`echo hello for ${anna.name}`);
      const updated = bot.updates.find((u) => u.id === 'card-1');
      expect(visibleText([updated!])).to.equal('updated');
    });

    it('answers an Action.Execute invoke with the handler card as the invoke response', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(bot.teams.cardAction(anna, 'test.echo', { word: 'hi' }));
      const invoke = replies.find((a) => a.type === 'invokeResponse');
      expect(invoke?.value).to.deep.include({ status: 200 });
      const body = (invoke?.value as { body: { type: string; value: unknown } }).body;
      expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(body.value)).to.include('updated');
    });

    it('turns a DomainError from a command into a localized reply', async () => {
      const olga = withLocale(freshUser(personas.customer), 'ru-RU');
      expect(visibleText(await bot.send(bot.teams.message(olga, 'review')))).to.equal(
        'У вас нет прав на это действие.'
      );
    });

    it('keeps the clicked card when an Action.Execute is refused, and says why beside it', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(bot.teams.cardAction(anna, 'test.conflict'));
      const body = (
        replies.find((a) => a.type === 'invokeResponse')?.value as {
          body: { type: string; value: unknown };
        }
      ).body;
      // A message response: Teams shows the text and leaves the card, buttons and all, in place.
      expect(body.type).to.equal('application/vnd.microsoft.activity.message');
      expect(String(body.value)).to.include('someone else changed it first');
    });

    it('explains a click on a card whose verb nobody handles', async () => {
      const anna = freshUser(personas.reseller);
      const replies = await bot.send(bot.teams.submit(anna, { verb: 'gone.away' }));
      expect(visibleText(replies)).to.include("doesn't do anything any more");
    });
  });

  describe('unknown text', () => {
    it('suggests the command a typo was probably meant to be', async () => {
      const replies = await bot.send(bot.teams.message(freshUser(personas.reseller), 'hlep'));
      expect(visibleText(replies)).to.equal(
        'Sorry, I didn\'t understand "hlep". Did you mean **help**?'
      );
    });

    it('suggests commands when nothing is close', async () => {
      const replies = await bot.send(
        bot.teams.message(freshUser(personas.reseller), 'what is the weather')
      );
      expect(visibleText(replies))
        .to.include("didn't understand")
        // What this person can do first, help last, joined as a sentence: not cancel or language.
        .and.include('Try: **ask**, **code**, **verifyish**, and **help**.');
    });
  });
});
