import fs from 'node:fs';
import { expect } from 'chai';
import { withLocale } from '../../helpers/personas.js';
import { cast, startRelationshipsWorld, type RelationshipsWorld } from './relationships-world.js';

const manifest = JSON.parse(fs.readFileSync('manifest/manifest.json', 'utf8'));
const ru = JSON.parse(fs.readFileSync('manifest/ru-ru.json', 'utf8')) as Record<string, string>;
const personal = manifest.bots[0].commandLists[0].commands as { title: string }[];

// The command menu Teams shows (at most 10 a list): each entry must do something, in both
// languages, for the people it is meant for; a renamed command would leave a dead menu item.
describe("the manifest's personal command menu, typed as Teams sends it", function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  before(async () => {
    w = await startRelationshipsWorld();
  });
  after(async () => {
    await w.stop();
  });

  it('lists at most 10 commands, each understood in English and in Russian', async () => {
    expect(personal.length).to.be.at.most(10);
    const titles = personal.map((c, i) => ({
      en: c.title,
      ru: ru[`bots[0].commandLists[0].commands[${i}].title`],
    }));
    for (const { en, ru: russian } of titles) {
      expect(russian, `Russian title for ${en}`).to.be.a('string');
      for (const [text, who] of [
        [en, cast.provider],
        [russian!, withLocale(cast.provider, 'ru-RU')],
        [en, cast.reseller],
      ] as const) {
        const reply = await w.say(who, text);
        expect(reply.seen, `"${text}"`).to.not.match(/didn't understand|не понял/i);
        expect(reply.out.length, `"${text}" answered`).to.be.greaterThan(0);
        await w.say(who, 'cancel');
      }
    }
  });

  it('opens the invite forms from the two-word entries', async () => {
    expect((await w.say(cast.provider, 'invite reseller')).seen).to.include('Invite a reseller');
    expect((await w.say(cast.reseller, 'invite customer')).seen).to.include('Invite a customer');
  });
});
