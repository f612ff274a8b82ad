import { expect } from 'chai';
import fc from 'fast-check';
import type { Language } from '../../i18n/i18n.js';
import { GENERIC_APOLOGY } from '../e2e/security/security-world.js';
import {
  catalogTexts,
  LANGUAGES,
  LOCALES,
  refusalTexts,
  startCardInputWorld,
  verbShapes,
  type CardInputWorld,
  type VerbShape,
} from './card-input-world.js';

/**
 * Every card verb, with data no card of ours sends (fields missing, wrongly typed, oversized,
 * shaped like query operators, unicode tricks), through the real server: never a 5xx, always
 * an answer in the clicker's language, and nothing in the database changes. Verbs come from the
 * registry, so a new verb is covered without editing this file.
 */

const EMOJI_10K = '😀'.repeat(10_000);
/** Values that are wrong for any field of ours (all are strings, ids, pages or toggles). */
const WRONG: readonly (readonly [string, unknown])[] = [
  ['a number', 42],
  ['{"$gt": ""}', { $gt: '' }],
  ['a boolean', true],
  ['null', null],
  ['an array', ['x', { $gt: '' }]],
  ['{"$where": ...}', { $where: 'sleep(5000) || true' }],
  ['a dotted key', { 'a.b': 'c', $ne: null }],
  ['100k characters', 'x'.repeat(100_000)],
  ['10k emoji', EMOJI_10K],
];

/** A real value disguised: the same string with a trick no person types on purpose. */
const TRICKS: readonly (readonly [string, (real: string) => string])[] = [
  ['an RTL override', (v) => `\u202E${v}`],
  ['a zero-width space', (v) => `${v.slice(0, 3)}\u200B${v.slice(3)}`],
  ['a Cyrillic homoglyph', (v) => v.replace(/a/, 'а').replace(/e/, 'е').replace(/0/, 'О')],
  ['fullwidth digits', (v) => v.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + +d))],
];

/** Payloads that carry no real value at all: only keys no card has. */
const EXTRA_KEYS: readonly (readonly [string, Record<string, unknown>])[] = [
  ['nothing', {}],
  [
    '$-prefixed and dotted keys',
    { $where: 'sleep(5000)', $set: { status: 'approved' }, 'status.x': 'approved' },
  ],
  [
    'prototype keys and 10k emoji',
    {
      ...JSON.parse('{"__proto__": {"isOperator": true}, "constructor": {"x": 1}}'),
      note: EMOJI_10K,
    },
  ],
];

interface Case {
  readonly name: string;
  readonly data: Record<string, unknown>;
  /** The spoiled field is one the verb declares: the click must be refused. */
  readonly mustRefuse: boolean;
}

/**
 * One field spoiled at a time, the others real: every field missing, wrongly typed and
 * operator-shaped; every other kind of wrong value once per verb, on each field in turn; every
 * unicode trick on each reference; and payloads of foreign keys only.
 */
function casesFor(shape: VerbShape, refs: Record<string, string>): Case[] {
  const real = Object.fromEntries(shape.fields.filter((f) => refs[f]).map((f) => [f, refs[f]!]));
  const out: Case[] = [];
  let tricks = 0;
  let n = 0;
  const spoil = (field: string, what: string, value: unknown) => {
    const others = { ...real };
    delete others[field];
    out.push({ name: `${field} ${what}`, data: { ...others, [field]: value }, mustRefuse: true });
  };
  for (const field of shape.fields) {
    if (real[field]) {
      const others = { ...real };
      delete others[field];
      out.push({ name: `${field} missing`, data: others, mustRefuse: true });
      const [what, trick] = TRICKS[tricks++ % TRICKS.length]!;
      spoil(field, `with ${what}`, trick(real[field]!));
    }
    const [what, value] = WRONG[n++ % 2]!;
    spoil(field, what, value);
  }
  if (shape.fields.length) {
    WRONG.slice(2).forEach(([what, value], i) => {
      spoil(shape.fields[i % shape.fields.length]!, what, value);
    });
  }
  for (const [what, data] of EXTRA_KEYS) out.push({ name: what, data, mustRefuse: false });
  return out;
}

/**
 * Whether the router's schema takes this data: such a payload is no invalid input (a page
 * number is a number) and, carrying real references, may rightly act, so it is not sent.
 */
function schemaAccepts(shape: VerbShape, data: Record<string, unknown>): boolean {
  return shape.schema ? shape.schema.safeParse(data).success : false;
}

/** Checks one answer: no 5xx, no apology, the clicker's language, a refusal when one is due. */
function expectAnswer(
  res: { status: number; seen: string },
  language: Language,
  mustRefuse: boolean,
  what: string,
  texts: { refusals: Record<Language, string[]>; catalog: Record<Language, string[]> }
) {
  expect(res.status, what).to.be.below(500);
  expect(res.status, `${what}: ${res.seen}`).to.equal(200);
  expect(res.seen, what).to.not.include(GENERIC_APOLOGY);
  // A value that is no text is never shown as JavaScript's name for it.
  expect(res.seen, what).to.not.include('object Object');
  expect(res.seen, `${what}: an answer`).to.not.equal('');
  const other: Language = language === 'en' ? 'ru' : 'en';
  const own = texts.catalog[language].some((s) =>
    s.length >= 12 ? res.seen.includes(s) : res.seen.trim() === s
  );
  expect(own, `${what}: no ${language} text in: ${res.seen.slice(0, 400)}`).to.equal(true);
  const foreign = texts.refusals[other].find(
    (s) => res.seen.includes(s) && !texts.catalog[language].includes(s)
  );
  expect(foreign, `${what}: a ${other} refusal`).to.equal(undefined);
  if (mustRefuse) {
    const refusal = texts.refusals[language].find((s) => res.seen.includes(s));
    expect(refusal, `${what}: no clear refusal in ${res.seen.slice(0, 400)}`).to.be.a('string');
  }
}

/** Documents that differ (collection, a short id), for a readable failure. */
function differences(a: Record<string, unknown[]>, b: Record<string, unknown[]>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(b)) {
    const was = new Set((a[name] ?? []).map((d) => JSON.stringify(d)));
    for (const doc of b[name]!) {
      const json = JSON.stringify(doc);
      if (!was.has(json)) out.push(`${name}: ${json.slice(0, 500)}`);
    }
    if ((a[name] ?? []).length !== b[name]!.length) out.push(`${name}: count changed`);
  }
  return out;
}

describe('security: invalid card data on every verb gets a localized refusal and changes nothing (real server)', function () {
  this.timeout(180_000);
  let w: CardInputWorld;
  let shapes: VerbShape[];
  const texts = {
    refusals: { en: refusalTexts('en'), ru: refusalTexts('ru') },
    catalog: { en: catalogTexts('en'), ru: catalogTexts('ru') },
  };
  before(async () => {
    w = await startCardInputWorld();
    shapes = verbShapes(w.features);
  });
  after(async () => w?.stop());

  it('finds every verb of the product with its fields', () => {
    const verbs = shapes.map((s) => s.verb);
    // The product's features were found, not only the verbs file.
    expect(verbs).to.include('relationship.authorize').and.include('invitation.accept');
    expect(shapes.find((s) => s.verb === 'review.reject')!.fields).to.include('partnerRef');
  });

  it('refuses each spoiled field of each verb, in the language of the click, leaving the database as it was', async () => {
    const before = await w.settled();
    let sent = 0;
    const failures: string[] = [];
    for (const shape of shapes) {
      const cases = casesFor(shape, w.refs).filter(
        (c) =>
          !(
            schemaAccepts(shape, c.data) &&
            Object.values(w.refs).some((r) => Object.values(c.data).includes(r))
          )
      );
      // Three at once, one per clicker (each in their own chat, so answers stay apart).
      for (let i = 0; i < cases.length; i += w.actors.length) {
        const batch = cases.slice(i, i + w.actors.length).map((c, j) => {
          const n = sent++;
          const language = LANGUAGES[(n + Math.floor(n / w.actors.length)) % 2]!;
          const who = w.actors[j]!;
          const submit = n % 5 === 4;
          const what = `${shape.verb} (${c.name}) by ${who.name} in ${language}${submit ? ' as Submit' : ''}`;
          const mustRefuse = c.mustRefuse && !schemaAccepts(shape, c.data);
          return { c, language, who, submit, what, mustRefuse };
        });
        await Promise.all(
          batch.map(async ({ c, language, who, submit, what, mustRefuse }) => {
            const res = await w.click(who, shape.verb, c.data, {
              locale: LOCALES[language],
              submit,
            });
            try {
              expectAnswer(res, language, mustRefuse, what, texts);
            } catch (err) {
              failures.push((err as Error).message);
            }
          })
        );
      }
      const after = await w.snapshot();
      // A form step's verb without its dialog begins the form again, as `enroll` does
      // (bot/dialog-actions.ts): the clicker's own dialog state and draft may change.
      const changed = differences(before, after).filter(
        (d) => !(shape.dialog && /^(botstate|enrollmentDrafts): /.test(d))
      );
      if (changed.length)
        failures.push(`${shape.verb} changed the database:\n${changed.join('\n')}`);
      Object.assign(before, after);
    }
    expect(failures, failures.slice(0, 15).join('\n---\n')).to.deep.equal([]);
    expect(sent).to.be.above(shapes.length * 10);
  });

  it('holds for arbitrary data on arbitrary verbs too (fast-check, bounded runs)', async () => {
    // The form the enrollment verbs began above ends first: no dialog waits for an answer, so
    // any change to anyone's dialog state below is the fuzz's doing.
    for (const who of w.actors) await w.say(who, 'cancel');
    const before = await w.settled();
    const key = fc.oneof(
      fc.constantFrom(...new Set(shapes.flatMap((s) => s.fields))),
      fc.constantFrom('$gt', '$where', '$set', 'a.b', '__proto__', 'constructor', 'verb'),
      fc.string({ maxLength: 12 })
    );
    const tricky = fc.constantFrom(
      '\u202E',
      '\u200B',
      '\u200F',
      '\uFEFF',
      'а',
      'О',
      '😀',
      '\u0000'
    );
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc
        .array(fc.oneof(fc.string({ maxLength: 4 }), tricky), { maxLength: 20 })
        .map((p) => p.join('')),
      fc
        .constantFrom(...Object.values(w.refs))
        .chain((r) =>
          fc.nat(r.length).chain((i) => tricky.map((t) => `${r.slice(0, i)}${t}${r.slice(i)}`))
        )
    );
    // At most three levels under a field: deeper card values are refused at the boundary
    // with a 400 before any turn (bot/activity-guard.ts, MAX_VALUE_DEPTH), no card nests so.
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 3 })
      ),
    })).node;
    const arb = fc.record({
      shape: fc.constantFrom(...shapes),
      data: fc.dictionary(key, value, { maxKeys: 5 }),
      who: fc.nat(w.actors.length - 1),
      language: fc.constantFrom(...LANGUAGES),
      submit: fc.boolean(),
    });
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ shape, data, who, language, submit }) => {
        // Data the schema takes is no invalid input (and with real references may rightly act).
        fc.pre(!schemaAccepts(shape, data));
        tried++;
        const res = await w.click(w.actors[who]!, shape.verb, data, {
          locale: LOCALES[language],
          submit,
        });
        expectAnswer(
          res,
          language,
          shape.schema !== undefined,
          `${shape.verb} ${JSON.stringify(data).slice(0, 200)}`,
          texts
        );
      }),
      // A new seed each run explores more; a failure prints its seed, and FUZZ_SEED replays it.
      { numRuns: 100, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) }
    );
    expect(tried).to.be.above(30);
    const changed = differences(before, await w.snapshot());
    expect(changed, changed.join('\n')).to.deep.equal([]);
  });
});
