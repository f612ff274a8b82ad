import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { LANGUAGES, type Language } from '../../i18n/i18n.js';
import { literalStrings, validateCard } from './validate-card.js';

const cardsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cards');
// Feature subfolders (cards/enrollment/review.card.json...): paths relative to cards/.
const templates = (fs.readdirSync(cardsDir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.card.json'))
  .map((f) => f.split(path.sep).join('/'));

interface CardModule {
  render(data: unknown, language: Language): Record<string, unknown>;
  samples: readonly unknown[];
}

// Every card in cards/ is picked up here: a new card only needs `render` and `samples` exports.
describe('cards', () => {
  it('finds the card templates', () => {
    expect(templates).to.include.members(['basics/welcome.card.json', 'basics/help.card.json']);
  });

  for (const file of templates) {
    const name = file.slice(0, -'.card.json'.length);
    describe(`${name} card`, () => {
      it('has a template with no literal user-facing strings', () => {
        const template = JSON.parse(fs.readFileSync(path.join(cardsDir, file), 'utf8'));
        expect(
          literalStrings(template),
          'strings must come from t() via ${} bindings'
        ).to.deep.equal([]);
      });

      it('exports render(data, language) and sample data', async () => {
        const mod = await loadCard(name);
        expect(mod.render, `${name}.card.ts must export render`).to.be.a('function');
        expect(mod.samples, `${name}.card.ts must export samples`).to.be.an('array').that.is.not
          .empty;
      });

      it('renders every sample as a valid Adaptive Card 1.5 in every language', async () => {
        const mod = await loadCard(name);
        for (const [i, sample] of mod.samples.entries()) {
          const rendered = new Map<Language, string>();
          for (const language of LANGUAGES) {
            const card = mod.render(sample, language);
            expect(validateCard(card), `sample ${i} in ${language}`).to.deep.equal([]);
            rendered.set(language, JSON.stringify(card));
          }
          expect(rendered.get('ru'), `sample ${i} is localized`).to.not.equal(rendered.get('en'));
        }
      });

      // Templates are parsed once and reused (cards/shared/render-card.ts): no render may leak
      // into the next, whatever the order or what a caller does to the card it got.
      it('renders a sample the same after other samples, and after its card was changed', async () => {
        const mod = await loadCard(name);
        const first = JSON.stringify(mod.render(mod.samples[0], 'en'));
        const spoil = (node: unknown): void => {
          if (Array.isArray(node)) node.forEach(spoil);
          else if (node && typeof node === 'object') {
            for (const [k, v] of Object.entries(node)) {
              if (typeof v === 'string') (node as Record<string, unknown>)[k] = 'spoiled';
              else spoil(v);
            }
          }
        };
        for (const sample of mod.samples) spoil(mod.render(sample, 'ru'));
        expect(JSON.stringify(mod.render(mod.samples[0], 'en'))).to.equal(first);
      });
    });
  }
});

async function loadCard(name: string): Promise<CardModule> {
  const file = path.join(cardsDir, `${name}.card.ts`);
  expect(fs.existsSync(file), `${name}.card.ts exists beside the template`).to.equal(true);
  return (await import(pathToFileURL(file).href)) as CardModule;
}
