import { expect } from 'chai';
import { chromium } from 'playwright-core';
import { Verbs } from '../../../cards/verbs.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumInstalled } from '../../helpers/playground.js';
import { secretsOf } from '../invitations/invitation-secrets.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

type Declarations = Record<string, string>;

/** The page's inline style as rules, light ones and those of the dark scheme apart. */
function styleOf(html: string): {
  light: [string, Declarations][];
  dark: [string, Declarations][];
} {
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const rules = (text: string) =>
    [...text.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map(([, selectors, body]) => {
      const decls: Declarations = {};
      for (const d of body!.split(';')) {
        const [k, ...v] = d.split(':');
        if (k?.trim()) decls[k.trim()] = v.join(':').trim();
      }
      return [selectors!.trim(), decls] as [string, Declarations];
    });
  const darkAt = css.indexOf('@media (prefers-color-scheme:dark){');
  expect(darkAt, 'a dark scheme').to.be.greaterThan(-1);
  const dark = css.slice(darkAt + '@media (prefers-color-scheme:dark){'.length, -1);
  return { light: rules(css.slice(0, darkAt)), dark: rules(dark) };
}

/** What the rules say for an element matching all of `selectors` (later rules win). */
function computed(rules: [string, Declarations][], selectors: string[]): Declarations {
  const out: Declarations = {};
  for (const [list, decls] of rules) {
    if (list.split(',').some((s) => selectors.includes(s.trim()))) Object.assign(out, decls);
  }
  return out;
}

/** WCAG 2 relative luminance of #rgb or #rrggbb. */
function luminance(hex: string): number {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  expect(full, `a colour: ${hex}`).to.match(/^[0-9a-f]{6}$/i);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('invitation pages: long words wrap, the Accepted banner is readable (real server)', function () {
  this.timeout(120_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    // With an app id, as deployed: the page has its Open in Teams button and app link.
    w = await startRelationshipsWorld({ PUBLIC_BASE_URL: 'http://localhost:3978' }, { auth: true });
  });
  afterEach(async () => w?.stop());

  const LONG = `Northwind${'Traders'.repeat(12)}`;

  async function acceptedInvitation(company: string) {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: company,
    });
    const { token, code } = secretsOf(created.body);
    return { token, code };
  }

  it('shows an accepted invitation as a banner with at least 4.5:1 contrast in both schemes', async () => {
    const { token, code } = await acceptedInvitation('Northwind Traders');
    await w.say(cast.customer, `accept ${code}`);
    const invitationRef = String((await w.collection('invitations').findOne())!._id);
    await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    for (const lang of ['en-US', 'ru-RU']) {
      const res = await fetch(`${w.app.url}/invitations/${token}`, {
        headers: { 'Accept-Language': lang },
      });
      expect(res.status).to.equal(410);
      const html = await res.text();
      const banner = /<p class="([^"]*)"[^>]*>([^<]*)<\/p>/.exec(html);
      expect(banner?.[1], html).to.equal('notice good');
      expect(banner?.[2]).to.equal(
        lang === 'en-US' ? 'It was already accepted.' : 'Оно уже принято.'
      );

      const { light, dark } = styleOf(html);
      const body = computed(light, ['body']);
      const good = computed(light, ['.notice', '.notice.good']);
      const goodDark = { ...good, ...computed(dark, ['.notice', '.notice.good']) };
      const bodyDark = { ...body, ...computed(dark, ['body']) };
      for (const [scheme, text, background] of [
        ['light banner', good.color, good.background],
        ['dark banner', goodDark.color, goodDark.background],
        ['light text', body.color, body.background],
        ['dark text', bodyDark.color, bodyDark.background],
        ['light link', computed(light, ['a']).color, body.background],
        ['dark link', computed(dark, ['a']).color, bodyDark.background],
      ] as const) {
        expect(text, `${scheme} colour`).to.be.a('string');
        expect(background, `${scheme} background`).to.be.a('string');
        const ratio = contrast(text!, background!);
        expect(ratio, `${scheme}: ${text} on ${background}`).to.be.at.least(4.5);
      }
    }
  });

  it('lets links and long words wrap (overflow-wrap:anywhere), never wider than a phone', async () => {
    const { token } = await acceptedInvitation(LONG);
    const html = await (await fetch(`${w.app.url}/invitations/${token}`)).text();
    expect(html).to.include(LONG).and.include('class="button"');
    const { light } = styleOf(html);
    expect(computed(light, ['a'])['overflow-wrap']).to.equal('anywhere');
    expect(computed(light, ['main'])['overflow-wrap']).to.equal('anywhere');
    expect(computed(light, ['.button'])['max-width']).to.equal('100%');
  });

  describe('rendered in Chromium at 320 px', () => {
    if (!chromiumInstalled()) {
      it.skip(
        `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
      );
      return;
    }
    it('keeps every link and paragraph inside the viewport', async () => {
      const { token } = await acceptedInvitation(LONG);
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_FLAGS,
      });
      try {
        const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
        await page.goto(`${w.app.url}/invitations/${token}`);
        const boxes = await page.$$eval('a, p, h1, li', (els) =>
          els.map((e) => ({ tag: e.tagName, right: e.getBoundingClientRect().right }))
        );
        expect(boxes.filter((b) => b.tag === 'A')).to.not.deep.equal([]);
        for (const box of boxes) expect(box.right, box.tag).to.be.at.most(320);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scroll).to.be.at.most(320);
      } finally {
        await browser.close();
      }
    });
  });
});
