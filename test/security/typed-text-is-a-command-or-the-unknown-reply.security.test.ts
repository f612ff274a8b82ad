import { expect } from 'chai';
import fc from 'fast-check';
import { createBasicsFeature } from '../../bot/basics.feature.js';
import type { Feature } from '../../bot/feature.js';
import { FeatureRegistry } from '../../bot/feature-registry.js';
import { unknownTextReply } from '../../bot/unknown-reply.js';
import { t, type Language } from '../../i18n/i18n.js';
import { cast } from '../e2e/relationships/relationships-world.js';
import { GENERIC_APOLOGY, visible } from '../e2e/security/security-world.js';
import {
  catalogTexts,
  LANGUAGES,
  LOCALES,
  startCardInputWorld,
  type CardInputWorld,
} from './card-input-world.js';

/**
 * The command parser (FeatureRegistry.matchCommand, then the unknown reply) on arbitrary text,
 * unicode tricks included: it never throws, a match is exactly a registered name typed (case
 * aside), a look-alike never runs the command it imitates, and anything else gets the
 * "didn't understand" reply, in the user's language, without the tricks echoed back.
 */

/** Characters that change how text reads without being seen: bidi controls and zero-width. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u2060\u00AD]/;
const TRICKS = ['\u202E', '\u200F', '\u200B', '\u200D', '\u2066', '\u00AD', '\u2060'];
/** Latin letters and the Cyrillic or Greek letters that look the same. */
const HOMOGLYPHS: Record<string, string> = {
  a: 'а',
  c: 'с',
  e: 'е',
  o: 'о',
  p: 'р',
  x: 'х',
  y: 'у',
  i: 'і',
  n: 'η',
};

const unknownPrefix = (language: Language) =>
  t(language, 'bot:unknown.text', { text: '\u0000' }).split('\u0000')[0]!;

describe('security: typed text is a command or the unknown reply (fast-check)', function () {
  this.timeout(120_000);
  let w: CardInputWorld;
  let registry: FeatureRegistry;
  let names: string[];
  before(async () => {
    w = await startCardInputWorld();
    const features: Feature[] = w.features;
    const basics = createBasicsFeature({ users: {} as never, registry: () => registry });
    registry = new FeatureRegistry([basics, ...features]);
    names = registry.commands.flatMap((c) => [...c.names]);
  });
  after(async () => w?.stop());

  /** Arbitrary text, near misses of every command name among it. */
  const typed = () => {
    const name = fc.constantFrom(...names);
    const trick = fc.constantFrom(...TRICKS);
    const nearMiss = fc.oneof(
      fc.tuple(name, trick, fc.nat(20)).map(([n, tr, i]) => {
        const at = i % (n.length + 1);
        return `${n.slice(0, at)}${tr}${n.slice(at)}`;
      }),
      name
        .filter((n) => [...n].some((c) => HOMOGLYPHS[c]))
        .map((n) => n.replace(/[aceopxyin]/, (c) => HOMOGLYPHS[c]!)),
      fc.tuple(name, fc.string({ maxLength: 20 })).map(([n, rest]) => `${n} ${rest}`),
      name.map((n) => `/${n.toUpperCase()}`)
    );
    return fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      nearMiss,
      fc.constantFrom('😀'.repeat(10_000), `${'x'.repeat(27_000)} help`, '\u202Ehelp', '')
    );
  };

  it('never throws, and a match is exactly a registered name with the rest as arguments', () => {
    fc.assert(
      fc.property(typed(), (text) => {
        const matched = registry.matchCommand(text);
        if (!matched) return;
        const words = text.trim().split(/\s+/);
        const first = words[0]!.replace(/^\//, '').toLowerCase();
        const pair = `${first} ${words[1] ?? ''}`.toLowerCase();
        const lower = matched.command.names.map((n) => n.toLowerCase());
        expect(registry.commands).to.include(matched.command);
        expect(lower.includes(first) || lower.includes(pair), text).to.equal(true);
        const used = lower.includes(pair) && words.length > 1 ? 2 : 1;
        expect(matched.args).to.equal(words.slice(used).join(' '));
      }),
      { numRuns: 300 }
    );
  });

  it('never runs a command for a look-alike of its name (homoglyphs, zero-width, bidi)', () => {
    for (const name of names) {
      const fakes = [
        ...TRICKS.map((tr) => `${name.slice(0, 1)}${tr}${name.slice(1)}`),
        ...TRICKS.map((tr) => `${tr}${name}`),
        name.replace(/[aceopxyin]/, (c) => HOMOGLYPHS[c]!),
      ].filter((f) => f !== name);
      for (const fake of fakes) {
        const matched = registry.matchCommand(fake);
        expect(matched?.command.names ?? [], JSON.stringify(fake)).to.not.include(name);
      }
    }
  });

  it('answers anything else with the unknown reply in the language, tricks not echoed', () => {
    fc.assert(
      fc.property(typed(), fc.constantFrom(...LANGUAGES), (text, language) => {
        fc.pre(!registry.matchCommand(text));
        const reply = unknownTextReply(text, registry.commands, language);
        expect(reply.startsWith(unknownPrefix(language)), reply).to.equal(true);
        expect(reply, JSON.stringify(text)).to.not.match(INVISIBLE);
        expect(reply.length).to.be.below(1_000);
      }),
      { numRuns: 300 }
    );
  });

  it('answers every command with hostile arguments in the language, changing nothing', async () => {
    const hostile = [
      '{"$gt": ""}',
      '{"$where": "sleep(5000) || true"}',
      'status.x $set __proto__',
      '😀'.repeat(10_000),
      '\u202Eevil\u200B\u200F',
      'сustomer',
    ];
    const catalog = { en: catalogTexts('en'), ru: catalogTexts('ru') };
    const before = await w.settled();
    const commands = registry.commands.map((c) => c.names[0]!);
    let n = 0;
    for (const command of commands) {
      for (const args of hostile) {
        const language = LANGUAGES[n % 2]!;
        const who = w.actors[Math.floor(n / 2) % w.actors.length]!;
        n++;
        const conversation = w.app.teams.conversationId(who);
        const seenBefore = w.app.connector.shown(conversation).length;
        const res = await w.app.post(
          w.app.teams.message(who, `${command} ${args}`, { locale: LOCALES[language] })
        );
        const seen = w.app.connector.shown(conversation).slice(seenBefore).map(visible).join('\n');
        const what = `${command} ${args.slice(0, 30)} (${language})`;
        expect(res.status, what).to.equal(200);
        expect(seen, what).to.not.include(GENERIC_APOLOGY).and.not.equal('');
        const own = catalog[language].some((s) =>
          s.length >= 12 ? seen.includes(s) : seen.trim() === s
        );
        expect(own, `${what}: ${seen.slice(0, 300)}`).to.equal(true);
      }
      // A command that began a form (enroll, invite customer) had the next hostile lines as
      // answers, which its prompts refused; it ends here, before the next command.
      for (const who of w.actors) await w.app.post(w.app.teams.message(who, 'cancel'));
    }
    const after = await w.snapshot();
    const changed = Object.keys(after).filter(
      (name) =>
        JSON.stringify(after[name]) !== JSON.stringify(before[name]) &&
        // The forms begun above: the person's own dialog state and enrollment draft.
        !['botstate', 'enrollmentDrafts'].includes(name)
    );
    expect(changed).to.deep.equal([]);
  });

  it('through the real server too: a 200, no apology, the unknown reply (bounded runs)', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(typed(), fc.constantFrom(...LANGUAGES), async (text, language) => {
        // Typed text goes no further than the first 28,000 characters (bot/activity-guard.ts).
        fc.pre(text.trim() !== '' && !registry.matchCommand(text) && text.length <= 28_000);
        tried++;
        const conversation = w.app.teams.conversationId(cast.reseller);
        const before = w.app.connector.shown(conversation).length;
        const res = await w.app.post(
          w.app.teams.message(cast.reseller, text, { locale: LOCALES[language] })
        );
        const seen = w.app.connector
          .shown(conversation)
          .slice(before)
          .map((a) => a.text ?? '')
          .join('\n');
        expect(res.status).to.equal(200);
        expect(seen).to.not.include(GENERIC_APOLOGY);
        expect(
          seen.startsWith(unknownPrefix(language)),
          `${JSON.stringify(text)}: ${seen}`
        ).to.equal(true);
        expect(seen).to.not.match(INVISIBLE);
      }),
      { numRuns: 40 }
    );
    expect(tried).to.be.above(20);
  });
});
