import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Verbs } from '../../../cards/verbs.js';
import { buildTab } from '../../../scripts/build-tab.js';
import {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  chromiumInstalled,
  SCREENSHOT_DIR,
} from '../../helpers/playground.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

/** WCAG relative luminance of a computed `rgb(r, g, b)`. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

// The personal tab in headless Chromium, through the real server and the real API (open mode:
// the local sign-in as a seeded person). One browser and one page for the file, its scenarios in
// order (each starts where the last left the page: run the file whole); ~20 s.
describe('the personal tab in a browser (real server, real API)', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(90_000);

  let w: RelationshipsWorld;
  let browser: Browser;
  let page: Page;
  before(async () => {
    await buildTab();
    w = await startRelationshipsWorld();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await w?.stop();
  });
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOT_DIR, `tab-${name}.png`) });

  it('signs a provider in locally, lists its reseller, and authorizes the request from the detail panel', async () => {
    await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    await page.goto(`${w.app.url}/tab`);
    await page.getByText('Local sign-in: open mode only').waitFor();
    await page.getByRole('button', { name: new RegExp(cast.provider.name) }).click();
    await page.getByText('Local sign-in (open mode)').waitFor();
    await page.getByRole('tab', { name: 'Indirect resellers' }).click();
    const row = page.getByRole('row', { name: /Contoso Reseller/ });
    await expect(await row.getByRole('cell').nth(4).innerText()).to.equal('Pending');
    await shot('resellers-light');

    // By keyboard: the row's name is a button; Escape closes the panel and focus comes back.
    await row.getByRole('button', { name: 'Contoso Reseller' }).focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Contoso Reseller' });
    await drawer.getByRole('heading', { name: 'History' }).waitFor();
    await drawer.getByRole('button', { name: 'Authorize', exact: true }).click();
    await drawer.getByRole('status').getByText('Authorize: done.').waitFor();
    await expect(await drawer.getByText('Active', { exact: true }).count()).to.equal(1);
    await shot('detail-light');
    // The same domain call as the card's: stored, and the reseller told in its chat.
    const stored = await w.collection('relationships').findOne({});
    expect(stored?.state).to.equal('active');
    await w.received(cast.reseller, 'Relationship authorized');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal(
      'Contoso Reseller'
    );
  });

  it('extends selected rows with a result per row, and exports the table as CSV for Excel', async () => {
    const row = page.getByRole('row', { name: /Contoso Reseller/ });
    await row.getByRole('checkbox', { name: 'Select Contoso Reseller' }).check();
    await page.getByRole('button', { name: 'Extend (1)' }).click();
    const ask = page.getByRole('dialog', { name: 'Extend' });
    await ask.getByRole('spinbutton').fill('30');
    await ask.getByRole('button', { name: 'Extend', exact: true }).click();
    await page.getByRole('status').getByText('1 done, 0 not done').waitFor();
    expect(await row.getByRole('cell').last().innerText()).to.equal('Done');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).to.equal('resellers.csv');
    expect(csv.charCodeAt(0), 'a UTF-8 BOM').to.equal(0xfeff);
    expect(csv).to.include('Contoso Reseller');
  });

  it('speaks Russian when Russian is chosen, from the bot’s own catalogs', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
    await page.getByRole('tab', { name: 'Косвенные торговые посредники' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('ru');
    expect(await page.getByRole('tab', { name: 'Обзор' }).count()).to.equal(1);
    // What the tab said before the switch follows it too (the bulk's summary and results).
    await page.getByRole('status').getByText('Выполнено: 1, не выполнено: 0').waitFor();
    expect(
      await page
        .getByRole('row', { name: /Contoso Reseller/ })
        .getByRole('cell')
        .last()
        .innerText()
    ).to.equal('Готово');
    await shot('resellers-ru');
    await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  });

  it('shows a reseller the new link and code of a customer invitation it resends, once', async () => {
    await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Northwind Traders',
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: new RegExp(cast.reseller.name) }).click();
    await page.getByRole('tab', { name: 'Invitations' }).click();
    await page.getByRole('button', { name: 'Northwind Traders' }).click();
    const drawer = page.getByRole('dialog', { name: 'Northwind Traders' });
    await drawer.getByRole('button', { name: 'Resend' }).click();
    const told = await drawer.getByRole('status').innerText();
    expect(told).to.match(/new link and code/);
    expect(told).to.match(/Link: \S+\/invitations\/\S+ · Code: \S+/);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: new RegExp(cast.provider.name) }).click();
    // Signed in (the session kept) before the next test reloads the page.
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
  });

  it('applies the dark theme when asked, and the light one otherwise', async () => {
    const background = () =>
      page
        .locator('[data-theme]')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    // Signed in still (this browser tab's session), whatever an earlier test left on screen.
    await page.goto(`${w.app.url}/tab`);
    await page.locator('[data-theme="default"]').getByRole('tablist').waitFor();
    const light = await background();
    await page.goto(`${w.app.url}/tab?theme=dark`);
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    expect(await page.locator('[data-theme]').first().getAttribute('data-theme')).to.equal('dark');
    const dark = await background();
    expect(luminance(light), light).to.be.greaterThan(0.9);
    expect(luminance(dark), dark).to.be.lessThan(0.05);
    await page.getByRole('heading', { name: 'Expiries in the next 12 months' }).waitFor();
    await shot('overview-dark');
  });
  it('in Teams: signs in with the SSO token, takes Teams’ language and follows its theme changes', async () => {
    // A stand-in for Teams at its own origin framing the tab (served, like the API, by the real
    // server behind an https name): it answers TeamsJS's messages as the Teams web client does.
    const signIn = await fetch(`${w.app.url}/api/v1/dev/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ aadObjectId: cast.provider.aadObjectId }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const TAB = 'https://partner-connect.example.com';
      await context.route(`${TAB}/**`, async (route) => {
        const url = new URL(route.request().url());
        const response = await route.fetch({ url: `${w.app.url}${url.pathname}${url.search}` });
        await route.fulfill({ response });
      });
      await context.route('https://teams.microsoft.com/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: fakeTeams(`${TAB}/tab?inTeams=1`, token) })
      );
      const teams = await context.newPage();
      await teams.goto('https://teams.microsoft.com/_#/apps/dashboard');
      const tab = teams.frameLocator('iframe');
      // Russian, as Teams' locale says; signed in by SSO: no local sign-in offered or marked.
      await tab.getByRole('tab', { name: 'Косвенные торговые посредники' }).waitFor();
      expect(await tab.getByText('Локальный вход (открытый режим)').count()).to.equal(0);
      expect(await tab.getByText(cast.provider.name, { exact: false }).count()).to.equal(1);
      const theme = () => tab.locator('[data-theme]').first().getAttribute('data-theme');
      expect(await theme()).to.equal('default');
      for (const next of ['dark', 'contrast', 'default']) {
        await teams.evaluate((t) => (window as any).changeTheme(t), next);
        await tab.locator(`[data-theme="${next}"]`).first().waitFor();
      }
      await teams.evaluate(() => (window as any).changeTheme('dark'));
      await tab.locator('[data-theme="dark"]').first().waitFor();
      await teams.screenshot({ path: path.join(SCREENSHOT_DIR, 'tab-in-teams-dark-ru.png') });
    } finally {
      await context.close();
    }
  });
});

/**
 * The Teams side of TeamsJS's postMessage protocol, as much as the tab uses: initialize,
 * getContext (theme default, locale ru-ru), the SSO token, and a theme change on request.
 */
function fakeTeams(tabUrl: string, token: string): string {
  const script = `
    const token = ${JSON.stringify(token)};
    const runtime = JSON.stringify({ apiVersion: 4, hostVersionsInfo: {}, isLegacyTeams: false,
      supports: { app: {}, appInstallDialog: {}, pages: { appButton: {}, tabs: {}, config: {},
      backStack: {}, fullTrust: {} }, teams: { fullTrust: {} }, dialog: { card: {}, url: {} } } });
    addEventListener('message', (e) => {
      const m = e.data;
      if (!m || typeof m.func !== 'string') return;
      const reply = (args) => e.source.postMessage({ id: m.id, uuid: m.uuid, args }, '*');
      if (m.func === 'initialize') reply(['content', 'web', runtime, '2.0.0']);
      else if (m.func === 'getContext')
        reply([{ theme: 'default', locale: 'ru-ru', frameContext: 'content', hostClientType: 'web',
          entityId: 'dashboard', appSessionId: 's', userObjectId: 'u', tid: 't' }]);
      else if (m.func === 'authentication.getAuthToken') reply([true, token]);
      else reply([]);
    });
    window.changeTheme = (theme) =>
      document.querySelector('iframe').contentWindow.postMessage({ func: 'themeChange', args: [theme] }, '*');
  `;
  return `<!doctype html><title>Teams</title><script>${script}</script><iframe src="${tabUrl}" style="width:1200px;height:760px;border:0"></iframe>`;
}
