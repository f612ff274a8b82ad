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
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

/** Long enough for a loaded machine, short enough that a tab that never refreshes fails soon. */
const SEEN_WITHIN_MS = 10_000;

// A change made in chat shows in the provider's tab that stays open: the reseller's request
// (a click on its card through the real bot server) once the tab is shown again, and the
// provider's Authorize on the chat card after the tab's Refresh. Headless Chromium, open mode.
describe('a change made in chat shows in the open tab (real server, real API)', function () {
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
  });
  after(async () => {
    await browser?.close();
    await w?.stop();
  });

  it('the request the reseller makes in chat appears when the tab is shown again; the Authorize clicked in chat shows as active after Refresh', async () => {
    // The provider's tab, open on its (empty) list of indirect resellers.
    await page.goto(`${w.app.url}/tab`);
    await page.getByRole('button', { name: new RegExp(cast.provider.name) }).click();
    await page.getByRole('tab', { name: 'Indirect resellers' }).click();
    await page.getByText('Nothing here matches.').waitFor();

    // In chat: the reseller asks from the directory card, as Teams sends the click.
    await w.say(cast.reseller, 'directory');
    const directoryCard = await w.received(cast.reseller, 'Request relationship');
    const asked = await w.click(
      cast.reseller,
      Verbs.relationshipRequest,
      { providerRef: w.provider.id, consent: 'true', ...GRANT },
      directoryCard
    );
    expect(asked.seen).to.include('Waiting for Fabrikam Distribution to authorize');
    const stored = await w.collection('relationships').findOne({ open: true });
    expect(stored?.state).to.equal('pending');
    // Nothing has asked the API again yet: the open table still shows what it loaded.
    expect(await page.locator('[data-row-id]').count()).to.equal(0);

    // Teams shows the tab again (the person comes back from the chat).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const row = page.locator(`[data-row-id="${String(stored!._id)}"]`);
    await row.getByRole('cell', { name: 'Pending', exact: true }).waitFor({
      timeout: SEEN_WITHIN_MS,
    });
    expect(await row.getByRole('button', { name: 'Contoso Reseller' }).count()).to.equal(1);

    // In chat: the provider authorizes on its card; the tab shows it after its Refresh.
    const authorizeCard = await w.received(cast.provider, 'Authorize');
    const ok = await w.click(
      cast.provider,
      Verbs.relationshipAuthorize,
      { relationshipRef: String(stored!._id) },
      authorizeCard
    );
    expect(ok.seen).to.include('Authorized by').and.include('Active');
    expect(await row.getByRole('cell', { name: 'Pending', exact: true }).count()).to.equal(1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor({
      timeout: SEEN_WITHIN_MS,
    });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tab-chat-to-tab.png') });
  });
});
