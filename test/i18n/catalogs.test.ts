import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { LANGUAGES, catalogKeys, t } from '../../i18n/i18n.js';

const i18nDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../i18n');

/** Every catalog file, flattened: `namespace:key` -> string value. */
function flatten(lang: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (prefix: string, node: unknown) => {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node))
        walk(prefix.endsWith(':') ? prefix + k : `${prefix}.${k}`, v);
    } else out.set(prefix, node);
  };
  for (const file of fs.readdirSync(path.join(i18nDir, lang)).filter((f) => f.endsWith('.json'))) {
    walk(
      `${file.slice(0, -5)}:`,
      JSON.parse(fs.readFileSync(path.join(i18nDir, lang, file), 'utf8'))
    );
  }
  return out;
}

const placeholders = (s: string) =>
  [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('i18n catalogs', () => {
  const catalogs = new Map(LANGUAGES.map((lang) => [lang, flatten(lang)]));
  const en = catalogs.get('en')!;

  it('have the same namespaces in every language', () => {
    const namespaces = (lang: string) =>
      fs
        .readdirSync(path.join(i18nDir, lang))
        .filter((f) => f.endsWith('.json'))
        .sort();
    for (const lang of LANGUAGES) expect(namespaces(lang), lang).to.deep.equal(namespaces('en'));
  });

  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`has exactly the same keys in ${lang} as in en`, () => {
      const other = catalogs.get(lang)!;
      const missing = [...en.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !en.has(k));
      expect({ missing, extra }).to.deep.equal({ missing: [], extra: [] });
    });

    it(`uses the same {{placeholders}} in ${lang} as in en`, () => {
      const other = catalogs.get(lang)!;
      const mismatched = [...en.entries()]
        .filter(([k, v]) => typeof v === 'string' && typeof other.get(k) === 'string')
        .filter(
          ([k, v]) =>
            placeholders(v as string).join() !== placeholders(other.get(k) as string).join()
        )
        .map(([k]) => k);
      expect(mismatched).to.deep.equal([]);
    });
  }

  it('has no empty or non-string values', () => {
    for (const [lang, catalog] of catalogs) {
      const bad = [...catalog.entries()].filter(
        ([, v]) => typeof v !== 'string' || v.trim() === ''
      );
      expect(bad.map(([k]) => `${lang} ${k}`)).to.deep.equal([]);
    }
  });

  it('loads every catalog key into t()', () => {
    expect(catalogKeys('en').sort()).to.deep.equal([...en.keys()].sort());
    expect(t('ru-RU', 'bot:help.title')).to.equal('Что я умею');
    expect(t('en-US', 'bot:help.title')).to.equal('What I can do');
  });
});
