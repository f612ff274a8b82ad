import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { Verbs } from '../../../cards/verbs.js';
import {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  chromiumInstalled,
  Playground,
  SCREENSHOT_DIR,
} from '../../helpers/playground.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from './invitation-secrets.js';

// Heavy: a real server, headless Chromium and the Agents Playground (~30-60 s).
describe('customer invitations in a browser and in the Agents Playground', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(240_000);

  let w: RelationshipsWorld;
  let browser: Browser | undefined;
  let playground: Playground | undefined;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  });
  afterEach(async () => {
    await playground?.stop();
    playground = undefined;
    await browser?.close();
    await w?.stop();
  });

  /** Opens the invitation page as a browser in `locale` would; returns status, text, screenshot. */
  async function visit(token: string, locale: 'en-US' | 'ru-RU', shot: string) {
    const context = await browser!.newContext({
      locale,
      extraHTTPHeaders: { 'Accept-Language': `${locale},${locale.slice(0, 2)};q=0.9` },
    });
    try {
      const page = await context.newPage();
      const res = await page.goto(`${w.app.url}/invitations/${token}`);
      const text = await page.locator('body').innerText();
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `invitation-page-${shot}-${locale}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size).to.be.greaterThan(5_000);
      return { status: res?.status(), text };
    } finally {
      await context.close();
    }
  }

  async function invite(companyName: string) {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName,
    });
    return secretsOf(created.body);
  }

  it('shows each state of the page in en and ru, and the customer accepts in the Playground', async () => {
    const first = await invite('Northwind Traders');
    const pending = await visit(first.token, 'en-US', 'pending');
    expect(pending.status).to.equal(200);
    // No app id here: the page says whom to ask instead of a chat link to nobody.
    expect(pending.text).to.include('Contoso Reseller').and.include('not yet published to Teams');
    const pendingRu = await visit(first.token, 'ru-RU', 'pending');
    expect(pendingRu.text).to.include('ещё не опубликован в Teams');
    for (const locale of ['en-US', 'ru-RU'] as const) {
      const unknown = await visit('A'.repeat(43), locale, 'unknown');
      expect(unknown.status).to.equal(404);
    }

    // The customer's admin accepts in a Teams-like client: types the code, clicks Accept.
    playground = await Playground.start({ botUrl: w.app.url, persona: cast.customer });
    const p = playground;
    await p.waitForBotReply({ contains: 'Partner Connect' });
    await p.sendText(`accept ${first.code}`);
    const card = await p.waitForBotReply({ contains: 'Decline' });
    expect(await card.innerText())
      .to.include('Contoso Reseller')
      .and.include('Northwind Traders');
    await p.screenshot('invitation-accept-card');
    await p.clickCardButton('Accept');
    const accepted = p.browserPage
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'You are its admin' });
    await accepted.last().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await accepted.last().innerText()).to.include('Accepted');
    await p.screenshot('invitation-accepted');
    await w.received(cast.reseller, 'accepted the invitation');

    for (const locale of ['en-US', 'ru-RU'] as const) {
      const used = await visit(first.token, locale, 'accepted');
      expect(used.status).to.equal(410);
    }

    // Revoked, then expired: each page says so.
    const second = await invite('Tailspin Toys');
    const ref = String(
      (await w.collection('invitations').findOne({ 'customer.companyName': 'Tailspin Toys' }))!._id
    );
    await w.click(cast.reseller, Verbs.invitationRevoke, {
      invitationRef: ref,
      page: 0,
      confirmed: 'yes',
    });
    const revoked = await visit(second.token, 'en-US', 'revoked');
    expect(revoked.status).to.equal(410);
    expect(revoked.text.toLowerCase()).to.include('revoked');
    expect((await visit(second.token, 'ru-RU', 'revoked')).status).to.equal(410);
    // Declined by the customer (who opened it with its code first).
    const declinedOne = await invite('Fourth Coffee');
    await w.say(cast.customer, `accept ${declinedOne.code}`);
    const declinedRef = String(
      (await w.collection('invitations').findOne({ 'customer.companyName': 'Fourth Coffee' }))!._id
    );
    await w.click(cast.customer, Verbs.invitationDecline, { invitationRef: declinedRef });
    for (const locale of ['en-US', 'ru-RU'] as const) {
      expect((await visit(declinedOne.token, locale, 'declined')).status).to.equal(410);
    }
    const third = await invite('Wide World Importers');
    w.advanceDays(31);
    for (const locale of ['en-US', 'ru-RU'] as const) {
      const expired = await visit(third.token, locale, 'expired');
      expect(expired.status).to.equal(410);
    }
  });
});
