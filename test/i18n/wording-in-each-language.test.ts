import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { render as renderHelp } from '../../cards/basics/help.card.js';
import { render as renderSection } from '../../cards/enrollment/enrollment-section.card.js';
import { render as renderDirectory } from '../../cards/relationships/directory.card.js';
import { samples as directorySamples } from '../../cards/relationships/directory.card.js';
import { render as renderRelationship } from '../../cards/relationships/relationship.card.js';
import { samples as relationshipSamples } from '../../cards/relationships/relationship.card.js';
import { render as renderRequest } from '../../cards/relationships/request.card.js';
import { samples as requestSamples } from '../../cards/relationships/request.card.js';
import { render as renderInvitation } from '../../cards/relationships/sent-invitation.card.js';
import { samples as invitationSamples } from '../../cards/relationships/sent-invitation.card.js';
import { dayText, rolesText } from '../../cards/relationships/relationship-text.js';
import { RELATIONSHIP_STATES } from '../../domain/relationships/relationship.js';
import { formatList, t } from '../../i18n/i18n.js';
import { personas, withLocale } from '../helpers/personas.js';
import { buttonsOf, cardsOf, startBotHarness, visibleText } from '../bot/bot-harness.js';
import { testFeatures } from '../bot/test-features.js';
import { cardText } from './shown-text.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every string of the ru catalogs and the Russian manifest, as `where: text`. */
function ruStrings(): string[] {
  const out: string[] = [];
  const walk = (where: string, node: unknown) => {
    if (typeof node === 'string') out.push(`${where}: ${node}`);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(`${where}.${k}`, v);
  };
  const dir = path.join(root, 'i18n/ru');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')))
    walk(file, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  walk(
    'manifest/ru-ru.json',
    JSON.parse(fs.readFileSync(path.join(root, 'manifest/ru-ru.json'), 'utf8'))
  );
  return out;
}

/** A whole word (Cyrillic has no \b in JavaScript). */
const word = (w: string) => new RegExp(`(?<![\\p{L}])${w}(?![\\p{L}])`, 'u');

/**
 * Words the catalogs spell with ё, so they must not appear without it: a text that writes
 * «ещё» in one sentence and «еще» in the next reads as careless. («Все» the plural stays.)
 */
const WITH_YO: [string, string][] = [
  ['еще', 'ещё'],
  ['все еще', 'всё ещё'],
  ['Все готово', 'Всё готово'],
  ['все останется', 'всё останется'],
  ['ее', 'её'],
  ['Ее', 'Её'],
  ['нее', 'неё'],
  ['истек', 'истёк'],
  ['отклонен', 'отклонён'],
  ['подтвержден', 'подтверждён'],
  ['дает', 'даёт'],
  ['ждет', 'ждёт'],
  ['придет', 'придёт'],
  ['введет', 'введёт'],
  ['нажмет', 'нажмёт'],
  ['займет', 'займёт'],
];

describe('wording in each language', () => {
  describe('Russian', () => {
    it('never shows "г.." where a sentence ends with a date (cards, page, mail)', () => {
      const date = new Date('2027-03-01T00:00:00Z');
      expect(dayText('ru', date)).not.to.match(/г\.$/);
      const shown = [
        ...relationshipSamples.map((s) => cardText(renderRelationship(s, 'ru'))),
        ...invitationSamples.map((s) => JSON.stringify(renderInvitation(s, 'ru'))),
        decodeURIComponent(JSON.stringify(renderInvitation(invitationSamples[0], 'ru'))),
        t('ru', 'relationships:invitationPage.until', { date: dayText('ru', date) }),
        t('ru', 'mail:resellerInvitation.text', { expiresAt: dayText('ru', date) }),
      ];
      for (const text of shown) expect(text).not.to.include('г..');
    });

    it('names relationship states as states, not as a plural sentence ("Отклонены")', () => {
      const states = RELATIONSHIP_STATES.map((s) => t('ru', `relationships:states.${s}`));
      for (const state of states) expect(state, state).not.to.match(/(ы|и)$/u);
      expect(t('ru', 'relationships:states.declined')).to.equal('Отклонено');
      expect(t('ru', 'relationships:states.expired')).to.equal('Срок истёк');
    });

    it('tells finished actions in the past tense', () => {
      const values = { name: 'Анна', company: 'Contoso', reseller: 'Northwind', withProvider: '' };
      expect(t('ru', 'invitations:notices.message_accepted', values)).to.include(
        'Анна принял(а) приглашение'
      );
      expect(t('ru', 'invitations:notices.message_declined', values)).to.include('отклонил(а)');
      expect(t('ru', 'invitations:notices.message_ended', values)).to.include('завершил(а)');
    });

    for (const [without, withYo] of WITH_YO) {
      it(`spells «${withYo}» with ё everywhere, never «${without}»`, () => {
        expect(ruStrings().filter((s) => word(without).test(s))).to.deep.equal([]);
      });
    }

    it('names the tenant «клиент Microsoft Entra» in full, never «клиент Entra»', () => {
      expect(ruStrings().filter((s) => /клиент\p{L}* Entra/iu.test(s))).to.deep.equal([]);
    });

    it('never calls the tenant «клиент» on a card that also speaks of customers', () => {
      const tenantAsClient = /клиент\p{L}* Microsoft Entra|клиент\p{L}* Entra/u;
      const cards = [
        ...relationshipSamples.map((s) => renderRelationship(s, 'ru')),
        ...requestSamples.map((s) => renderRequest(s, 'ru')),
      ];
      for (const card of cards) {
        const text = cardText(card);
        const customers = text.replace(new RegExp(tenantAsClient, 'gu'), '');
        if (/клиент/u.test(customers)) expect(text).not.to.match(tenantAsClient);
      }
      const page = t('ru', 'relationships:invitationPage.grants', { provider: 'P', roles: 'R' });
      expect(page).to.include('ваших клиентов');
      expect(page).not.to.match(tenantAsClient);
    });
  });

  describe("examples of the partner's own country", () => {
    it('shows a Kazakh phone and domain on a Kazakh form, in both languages', () => {
      for (const language of ['ru', 'en'] as const) {
        const card = renderSection(
          { section: 'contact', answers: { tenantCountry: 'KZ', locationCountry: 'KZ' } },
          language
        );
        const inputs = JSON.stringify(card);
        expect(inputs).not.to.include('+7 495');
        expect(inputs).not.to.include('.ru"');
        expect(inputs).to.match(/\+7 7\d\d/);
        expect(inputs).to.include('@company.kz');
      }
    });

    it('asks for the country code before the country is known', () => {
      const card = renderSection({ section: 'contact', answers: {} }, 'ru');
      expect(JSON.stringify(card)).to.include(t('ru', 'enrollment:placeholders.phoneAny'));
    });

    it('formats directory phone numbers as every other card does', () => {
      const sample = directorySamples[0];
      const entry = sample.page.items[0]!;
      const provider = { ...entry.provider, supportPhone: '+77012345678' };
      const text = cardText(
        renderDirectory({ ...sample, page: { ...sample.page, items: [{ provider }] } }, 'en')
      );
      expect(text).to.include('+7 701 234 5678');
      expect(text).not.to.include('+77012345678');
    });
  });

  describe('English and lists', () => {
    it('shows "accept <code>" in help: the placeholder no longer vanishes in Teams markdown', () => {
      const help = (language: 'en' | 'ru') =>
        cardText(
          renderHelp(
            {
              commands: [
                { names: ['accept', 'принять'], descriptionKey: 'invitations:commands.accept' },
              ],
              inGroup: false,
            },
            language
          )
        );
      expect(help('en')).to.include('accept <code>');
      expect(help('ru')).to.include('принять <код>');
    });

    it('joins names with "and" / «и»', () => {
      expect(formatList('en', ['Northwind', 'Fabrikam'])).to.equal('Northwind and Fabrikam');
      expect(formatList('ru', ['Northwind', 'Fabrikam'])).to.equal('Northwind и Fabrikam');
      expect(rolesText('en', ['globalReader', 'userAdministrator'])).to.equal(
        'Global Reader and User Administrator'
      );
      expect(rolesText('ru', ['globalReader', 'userAdministrator'])).to.equal(
        'Глобальный читатель и Администратор пользователей'
      );
    });
  });

  describe('the first welcome', function () {
    this.timeout(20_000);

    it('is in Russian for a Teams client in ru-RU, told only in clientInfo, and offers English', async () => {
      const bot = await startBotHarness({ features: testFeatures() });
      try {
        const olga = withLocale({ ...personas.customer, aadObjectId: randomUUID() }, 'ru-RU');
        // Teams leaves `locale` off install events; the client's locale is in clientInfo.
        const install = { ...bot.teams.install(olga), locale: undefined };
        const replies = await bot.send(install);
        expect(visibleText(replies)).to.include('Добро пожаловать в Partner Connect');
        expect(buttonsOf(cardsOf(replies)[0])).to.deep.include({
          title: 'In English',
          data: { verb: 'language.set', language: 'en' },
        });
      } finally {
        await bot.stop();
      }
    });

    it('in English offers Russian', async () => {
      const bot = await startBotHarness({ features: testFeatures() });
      try {
        const anna = { ...personas.reseller, aadObjectId: randomUUID() };
        const replies = await bot.send(bot.teams.install(anna));
        expect(buttonsOf(cardsOf(replies)[0])).to.deep.include({
          title: 'По-русски',
          data: { verb: 'language.set', language: 'ru' },
        });
      } finally {
        await bot.stop();
      }
    });
  });
});
