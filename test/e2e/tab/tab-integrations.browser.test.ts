import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_EVENTS } from '../../../domain/webhooks/webhook.js';
import { buildTab } from '../../../scripts/build-tab.js';
import { TAB_WEBHOOK_EVENTS } from '../../../tab/webhook-events.js';
import {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  chromiumInstalled,
  SCREENSHOT_DIR,
} from '../../helpers/playground.js';
import { startReceiver } from '../api/webhook-receiver.js';
import {
  cast,
  eventually,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };
const GRAPH_CLIENT_ID = '3f1c9a52-7d0e-4b8a-9c61-2e5f40d7a8b3';

// The Global admin's Integrations page in headless Chromium, through the real server and API
// (open mode, local sign-in), with a webhook receiver on 127.0.0.1. One browser and one page
// for the file, its scenarios in order (each starts where the last left the page).
describe('the tab’s Integrations page in a browser (API keys, webhooks, Microsoft Graph)', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(90_000);

  let w: RelationshipsWorld;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let page: Page;
  before(async () => {
    await buildTab();
    w = await startRelationshipsWorld({
      WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      GRAPH_CLIENT_ID,
    });
    receiver = await startReceiver();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    // The consent page is Microsoft's: never reached from a test, a stand-in answers.
    await page
      .context()
      .route('https://login.microsoftonline.com/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<title>Microsoft</title>' })
      );
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await w?.stop();
  });
  const shot = (name: string) =>
    page.screenshot({
      path: path.join(SCREENSHOT_DIR, `tab-integrations-${name}.png`),
      fullPage: true,
    });
  const api = (token: string, p: string) =>
    fetch(`${w.app.url}/api/v1${p}`, { headers: { Authorization: `Bearer ${token}` } });
  const signInAs = async (name: string) => {
    if (await page.getByRole('button', { name: 'Sign out' }).count())
      await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: new RegExp(name) }).click();
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
  };

  it('keeps the tab’s list of webhook events the domain’s', () => {
    expect([...TAB_WEBHOOK_EVENTS]).to.deep.equal([...WEBHOOK_EVENTS]);
  });

  it('offers Integrations to a Global admin only (the API refuses the others too)', async () => {
    await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    await page.goto(`${w.app.url}/tab`);
    await signInAs(cast.providerAgent.name);
    expect(await page.getByRole('tab', { name: 'Indirect resellers' }).count()).to.equal(1);
    expect(await page.getByRole('tab', { name: 'Integrations' }).count()).to.equal(0);

    // The server decides, whatever the page offers: the Admin agent is refused there too.
    const signIn = await fetch(`${w.app.url}/api/v1/dev/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ aadObjectId: cast.providerAgent.aadObjectId }),
    });
    const { token } = (await signIn.json()) as { token: string };
    expect((await api(token, '/api-keys')).status).to.equal(403);
    expect((await api(token, '/webhooks')).status).to.equal(403);
    const link = await fetch(`${w.app.url}/api/v1/graph/connection/consent-link`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(link.status).to.equal(403);

    await signInAs(cast.provider.name);
    await page.getByRole('tab', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
  });

  it('creates an API key shown once, which reads relationships until it is revoked', async () => {
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByRole('textbox', { name: /Name/ }).fill('PSA sync');
    await form.getByRole('radio', { name: 'Read', exact: true }).check();
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('textbox', { name: 'New API key “PSA sync”' });
    await secret.waitFor();
    await page.getByText('it is shown only once').waitFor();
    const key = await secret.inputValue();
    expect(key).to.have.length.greaterThan(20);
    // Focus lands on it (selected, to copy by keyboard).
    expect(
      await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)
    ).to.equal(key);
    expect(await form.getByRole('textbox', { name: /Name/ }).inputValue()).to.equal('');
    const row = page.getByRole('row', { name: /PSA sync/ });
    expect(await row.getByRole('cell').nth(1).innerText()).to.equal('Read');
    expect(await row.getByRole('cell').nth(5).innerText()).to.equal('Active');
    await shot('key-created');

    // The key works as its partner: the provider's relationships, read with it alone.
    const read = await api(key, '/relationships');
    expect(read.status).to.equal(200);
    expect(JSON.stringify(await read.json())).to.include('Contoso Reseller');
    // Shown once: gone from the page when dismissed, and never in the list.
    await page.getByRole('button', { name: 'Hide' }).click();
    await secret.waitFor({ state: 'detached' });
    expect(await page.content()).to.not.include(key);

    // Revoked after a confirmation (by keyboard), and refused at once.
    await page.getByRole('button', { name: 'Revoke PSA sync' }).focus();
    await page.keyboard.press('Enter');
    const ask = page.getByRole('dialog', { name: 'Revoke this API key?' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await api(key, '/relationships')).status).to.equal(200);
    await page.getByRole('button', { name: 'Revoke PSA sync' }).click();
    await ask.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('status').getByText('The key “PSA sync” was revoked.').waitFor();
    await row.getByText(/^Revoked on/).waitFor();
    expect(await page.getByRole('button', { name: 'Revoke PSA sync' }).count()).to.equal(0);
    const refused = await api(key, '/relationships');
    expect(refused.status).to.equal(401);
  });

  it('shows a refused webhook URL inline and keeps what was typed and ticked', async () => {
    const form = page.getByRole('form', { name: 'New subscription' });
    await form.getByRole('textbox', { name: /URL/ }).fill('http://hooks.example.com/partner');
    await form.getByRole('checkbox', { name: /\(relationship\.ended\)/ }).check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    // Beside the field it is about (the form's own alert), once.
    await form.getByRole('alert').getByText('Webhook URLs must use https://.').waitFor();
    expect(await page.getByText(/Webhook URLs must use/).count()).to.equal(1);
    expect(await form.getByRole('textbox', { name: /URL/ }).inputValue()).to.equal(
      'http://hooks.example.com/partner'
    );
    expect(
      await form.getByRole('checkbox', { name: /\(relationship\.ended\)/ }).isChecked()
    ).to.equal(true);
    expect(await page.getByText('No webhook subscriptions yet.').count()).to.equal(1);
  });

  it('subscribes a local receiver, sends it a signed test event, and shows the delivery', async () => {
    const form = page.getByRole('form', { name: 'New subscription' });
    await form.getByRole('textbox', { name: /URL/ }).fill(receiver.url);
    await form.getByRole('button', { name: 'Subscribe' }).click();
    const secretBox = page.getByRole('textbox', { name: `Signing secret for ${receiver.url}` });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).to.match(/^whsec_/);
    const row = page.getByRole('row', { name: new RegExp(receiver.url) });
    expect(await row.getByRole('cell').nth(1).innerText()).to.equal('Relationship ended');
    expect(await row.getByRole('cell').nth(2).innerText()).to.equal('Active');

    await row.getByRole('button', { name: `Send test event to ${receiver.url}` }).click();
    await page
      .getByRole('status')
      .getByText(/Test event queued/)
      .waitFor();
    const [got] = await eventually(
      () => receiver.of('webhook.test').length > 0 && receiver.of('webhook.test'),
      'the test event at the receiver'
    );
    const event = new Webhook(secret).verify(got!.body, got!.headers) as { type: string };
    expect(event.type).to.equal('webhook.test');

    // The deliveries panel opened by itself and follows the delivery until it is sent.
    const panel = page.getByRole('region', { name: `Last deliveries to ${receiver.url}` });
    const delivery = panel.getByRole('row', { name: /Test event/ });
    await delivery.getByText('Delivered').waitFor({ timeout: 20_000 });
    expect(await delivery.getByRole('cell').nth(4).innerText()).to.equal('200');
    expect(await delivery.getByRole('cell').nth(0).getAttribute('title')).to.equal(
      got!.headers['webhook-id']
    );
    await shot('webhook-delivered');

    await page.getByRole('button', { name: `Delete the subscription of ${receiver.url}` }).click();
    const ask = page.getByRole('dialog', { name: 'Delete this subscription?' });
    await ask.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhook subscriptions yet.').waitFor();
    expect(await w.collection('webhook_subscriptions').countDocuments()).to.equal(0);
  });

  it('opens the admin-consent link for the partner’s tenant, then shows the connection and disconnects', async () => {
    const section = page.getByRole('region', { name: 'Microsoft Graph (GDAP)' });
    await section.getByText('Not connected').waitFor();
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      section.getByRole('button', { name: 'Connect Microsoft' }).click(),
    ]);
    await popup.waitForLoadState();
    const consent = new URL(popup.url());
    await popup.close();
    expect(consent.origin + consent.pathname).to.equal(
      `https://login.microsoftonline.com/${cast.provider.tenantId}/adminconsent`
    );
    expect(consent.searchParams.get('client_id')).to.equal(GRAPH_CLIENT_ID);
    expect(consent.searchParams.get('redirect_uri')).to.equal(
      `${w.app.config.publicBaseUrl}/connect/callback`
    );
    const state = consent.searchParams.get('state');
    expect(state).to.have.length.greaterThan(20);
    expect(
      await section.getByRole('link', { name: 'Open the consent page' }).getAttribute('href')
    ).to.equal(consent.href);

    // Microsoft's redirect after the consent (not followed from the page: the server's callback).
    const back = await fetch(
      `${w.app.url}/connect/callback?${new URLSearchParams({ tenant: cast.provider.tenantId, admin_consent: 'True', state: state! })}`
    );
    expect(back.status).to.equal(200);
    await section.getByRole('button', { name: 'Check the connection' }).click();
    await section.getByText(/^Connected since/).waitFor();
    await shot('graph-connected');

    await section.getByRole('button', { name: 'Disconnect' }).click();
    const ask = page.getByRole('dialog', { name: 'Disconnect from Microsoft Graph?' });
    await ask.getByRole('button', { name: 'Disconnect' }).click();
    await section.getByText('Not connected').waitFor();
    expect(await w.collection('graphConnections').countDocuments()).to.equal(0);
  });

  it('speaks Russian on the page, in Partner Center’s words', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
    await page.getByRole('heading', { name: 'Ключи API' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Веб-перехватчики' }).count()).to.equal(1);
    expect(await page.getByRole('tab', { name: 'Интеграции' }).count()).to.equal(1);
    await page.getByRole('button', { name: 'Подключить Microsoft' }).waitFor();
    // What the page said before the switch follows it too.
    await page.getByRole('status').getByText('Отключено от Microsoft Graph.').waitFor();
    await shot('ru');
    await page.getByRole('combobox', { name: 'Язык' }).selectOption('en');
  });
});
