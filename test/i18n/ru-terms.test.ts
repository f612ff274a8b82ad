import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { t } from '../../i18n/i18n.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ruDir = path.join(root, 'i18n/ru');

/** Every string of every ru catalog and of the Teams manifest's Russian file, as `file key`. */
function ruStrings(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const walk = (where: string, node: unknown) => {
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(`${where}.${k}`, v);
    } else if (typeof node === 'string') out.push({ where, text: node });
  };
  for (const file of fs.readdirSync(ruDir).filter((f) => f.endsWith('.json')))
    walk(file, JSON.parse(fs.readFileSync(path.join(ruDir, file), 'utf8')));
  walk(
    'manifest/ru-ru.json',
    JSON.parse(fs.readFileSync(path.join(root, 'manifest/ru-ru.json'), 'utf8'))
  );
  return out;
}

/**
 * Words the Russian Partner Center article ("Партнерство с косвенными поставщиками в CSP") never
 * uses, with the term it uses instead. Loanwords and synonyms make a partner wonder whether the
 * bot means something else than Partner Center does.
 */
const NOT_PARTNER_CENTER: [RegExp, string][] = [
  [/ре[с]{1,2}ел+ер/i, 'торговый посредник (indirect reseller)'],
  [/провайдер/i, 'поставщик (indirect provider)'],
  [/непрям/i, 'косвенный (indirect reseller, provider, channel)'],
  [/тенант|арендатор/i, 'клиент Microsoft Entra (tenant)'],
  [/заказчик/i, 'клиент (customer)'],
  [/партнёр/i, 'партнер, as in «Центр партнеров»'],
];

describe('Russian catalogs speak Partner Center Russian', () => {
  for (const [pattern, instead] of NOT_PARTNER_CENTER) {
    it(`never write ${pattern.source}: Partner Center says ${instead}`, () => {
      const found = ruStrings()
        .filter((s) => pattern.test(s.text))
        .map((s) => `${s.where}: ${s.text.slice(0, 80)}`);
      expect(found).to.deep.equal([]);
    });
  }

  it('name the partner types as the article does', () => {
    expect(t('ru', 'enrollment:partnerTypes.reseller')).to.equal('Косвенный торговый посредник');
    expect(t('ru', 'enrollment:partnerTypes.provider')).to.equal('Косвенный поставщик');
  });
});
