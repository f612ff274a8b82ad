import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { withNotice } from '../../cards/shared/with-notice.js';
import { LANGUAGES, type Language } from '../../i18n/i18n.js';

/**
 * Coloured text on a card stays readable: WCAG AA, 4.5:1 for normal-size text, against the
 * container it sits in. The colours are the light host config the Agents Playground renders with
 * (its bundled `containerStyles`; Teams' light theme is of the same family): the issue's
 * "Accepted" banner was Good text (#028A02) on a good container (#CCFFCC), 4.0:1.
 */
const BACKGROUND: Record<string, string> = {
  default: '#FFFFFF',
  emphasis: '#FFFFFF', // #08000000: 3 % black over white, lighter than any colour below
  accent: '#C7DEF9',
  good: '#CCFFCC',
  attention: '#FFC5B2',
  warning: '#FFE2B2',
};
const FOREGROUND: Record<string, string> = {
  default: '#333333',
  dark: '#000000',
  accent: '#2E89FC',
  attention: '#CC3300',
  good: '#028A02',
  warning: '#E69500',
};

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Every TextBlock (and TextRun) whose colour is below 4.5:1 on the container it is in. */
function lowContrast(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, style: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, style));
    if (!node || typeof node !== 'object') return;
    const el = node as Record<string, unknown>;
    const inside =
      typeof el.style === 'string' &&
      el.style.toLowerCase() in BACKGROUND &&
      el.type !== 'TextBlock'
        ? el.style.toLowerCase()
        : style;
    if ((el.type === 'TextBlock' || el.type === 'TextRun') && typeof el.color === 'string') {
      const colour = el.color.toLowerCase();
      if (colour !== 'light' && colour in FOREGROUND) {
        const ratio = contrast(FOREGROUND[colour]!, BACKGROUND[inside]!);
        if (ratio < 4.5)
          found.push(`${el.color} on ${inside} (${ratio.toFixed(2)}:1): ${String(el.text)}`);
      }
    }
    for (const [k, v] of Object.entries(el)) if (k !== 'style') walk(v, inside);
  };
  walk(card, 'default');
  return found;
}

const cardsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cards');
const names = (fs.readdirSync(cardsDir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.card.json'))
  .map((f) => f.split(path.sep).join('/').slice(0, -'.card.json'.length));

interface CardModule {
  render(data: unknown, language: Language): Record<string, unknown>;
  samples: readonly unknown[];
}

describe('cards: coloured text has WCAG AA contrast on its container (Playground host colours)', () => {
  it('measures the issue case: Good text on a good container is 4.0:1', () => {
    expect(contrast('#028A02', '#CCFFCC')).to.be.within(4.0, 4.1);
  });

  it('holds for the notice a click puts on a card, done or refused', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [] };
    expect(lowContrast(withNotice(card, { text: 'Accepted' }))).to.deep.equal([]);
    expect(lowContrast(withNotice(card, { text: 'Refused', isError: true }))).to.deep.equal([]);
  });

  for (const name of names) {
    it(`holds on every sample of the ${name} card, in every language`, async () => {
      const mod = (await import(
        pathToFileURL(path.join(cardsDir, `${name}.card.ts`)).href
      )) as CardModule;
      for (const [i, sample] of mod.samples.entries()) {
        for (const language of LANGUAGES) {
          expect(
            lowContrast(mod.render(sample, language)),
            `sample ${i} (${language})`
          ).to.deep.equal([]);
        }
      }
    });
  }
});
