import fs from 'node:fs';
import { expect } from 'chai';
import { t } from '../../../i18n/i18n.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';

const SECTIONS = {
  privacy: ['collect', 'use', 'share', 'keep', 'rights'],
  terms: ['service', 'accuracy', 'conduct', 'availability', 'changes'],
} as const;

describe('privacy and terms pages (real server)', function () {
  this.timeout(30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app?.stop());

  const get = async (path: string, acceptLanguage?: string) => {
    const res = await fetch(`${app.url}${path}`, {
      headers: acceptLanguage ? { 'Accept-Language': acceptLanguage } : {},
    });
    return { res, html: await res.text() };
  };

  for (const page of ['privacy', 'terms'] as const) {
    for (const [language, header] of [
      ['en', 'en-US,en;q=0.9'],
      ['ru', 'ru-RU,ru;q=0.9,en-US;q=0.8'],
    ] as const) {
      it(`serves /${page} in ${language} for Accept-Language "${header}"`, async () => {
        const { res, html } = await get(`/${page}`, header);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
        expect(res.headers.get('content-language')).to.equal(language);
        expect(res.headers.get('vary')).to.match(/accept-language/i);
        expect(html).to.match(/^<!doctype html>/);
        expect(html).to.include(`<html lang="${language}">`);
        expect(html.match(/<h1>/g)).to.have.length(1);
        expect(html).to.include(`<h1>${t(language, `web:${page}.title`)}</h1>`);
        for (const id of SECTIONS[page]) {
          expect(html).to.include(`<h2>${t(language, `web:${page}.${id}.heading`)}</h2>`);
        }
        expect(html).to.include('<nav aria-label=').and.include('aria-current="page"');
      });
    }
  }

  it('shows the lists of the catalog as lists and escapes its text', async () => {
    const { html } = await get('/privacy', 'en');
    expect(html).to.match(/<ul><li>Your Microsoft Entra tenant ID/);
    expect(html).to.include('your organization&#39;s enrollment details');
  });

  it('loads nothing from elsewhere: no scripts, stylesheets, images or external links', async () => {
    for (const page of ['privacy', 'terms']) {
      const { res, html } = await get(`/${page}`, 'ru');
      expect(html).to.not.match(/<script|<link|<img|src=|href="http/i);
      expect(res.headers.get('content-security-policy')).to.include("default-src 'none'");
    }
  });

  it('picks the preferred supported language, and English for anything else', async () => {
    const lang = async (header?: string) =>
      (await get('/terms', header)).res.headers.get('content-language');
    expect(await lang('de-DE,ru;q=0.8,en;q=0.5')).to.equal('ru');
    expect(await lang('en;q=0.4,ru;q=0.6')).to.equal('ru');
    expect(await lang('ru;q=0,en-GB')).to.equal('en');
    expect(await lang('fr-FR')).to.equal('en');
    expect(await lang(undefined)).to.equal('en');
  });

  it('answers the privacy and terms links of the Teams manifest', async () => {
    const manifest = JSON.parse(fs.readFileSync('manifest/manifest.json', 'utf8')) as {
      developer: { privacyUrl: string; termsOfUseUrl: string };
    };
    for (const link of [manifest.developer.privacyUrl, manifest.developer.termsOfUseUrl]) {
      const url = link.replace('${{PUBLIC_BASE_URL}}', app.url);
      expect((await fetch(url)).status, url).to.equal(200);
    }
  });
});
