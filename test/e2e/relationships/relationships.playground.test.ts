import fs from 'node:fs';
import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { CHROMIUM_PATH, chromiumInstalled, Playground } from '../../helpers/playground.js';
import { cast, startRelationshipsWorld, type RelationshipsWorld } from './relationships-world.js';

// Heavy: a real server, the Agents Playground and headless Chromium (~20-40 s).
describe('Agents Playground: a provider authorizes a reseller on its card', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(180_000);

  let w: RelationshipsWorld;
  let playground: Playground | undefined;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await playground?.stop();
    playground = undefined;
    await w?.stop();
  });

  it('shows the request card, and Authorize turns it into the active relationship in place', async () => {
    // The provider's Global admin opens Teams (the Playground): the bot learns that chat.
    // Opened after the world's set-up: the app's clock moves on, so this chat is the newest one
    // the bot knows for the provider, the one proactive cards go to.
    w.advance(60_000);
    playground = await Playground.start({
      botUrl: w.app.url,
      persona: cast.provider,
      colleagues: [cast.providerAgent],
    });
    const p = playground;
    await p.waitForBotReply({ contains: 'Partner Connect' });

    // The reseller asks, from its own tenant (through the real server, as Teams would send it).
    await w.say(cast.reseller, 'directory');
    const directory = await w.received(cast.reseller, 'Request relationship');
    const asked = await w.click(
      cast.reseller,
      Verbs.relationshipRequest,
      {
        providerRef: w.provider.id,
        consent: 'true',
        roles: 'globalReader,helpdeskAdministrator',
        durationDays: '365',
        autoExtend: 'true',
      },
      directory
    );
    expect(asked.seen).to.include('Waiting for Fabrikam Distribution to authorize');

    // The Authorize card arrives proactively in the provider's chat, stating what it grants.
    const request = await p.waitForBotReply({ contains: 'Authorize', timeoutMs: 30_000 });
    const before = await request.innerText();
    expect(before).to.include('Contoso Reseller').and.include('Global Reader');
    expect(before).to.include('Helpdesk Administrator').and.include('365');
    const pending = await p.screenshot('relationships-authorize-request');
    expect(fs.statSync(pending).size).to.be.greaterThan(10_000);

    await p.clickCardButton('Authorize');
    const card = p.browserPage.locator('.ac-adaptiveCard').filter({ hasText: 'Authorized by' });
    await card.last().waitFor({ state: 'visible', timeout: 30_000 });
    const after = await card.last().innerText();
    expect(after).to.include(`Authorized by ${cast.provider.name}`).and.include('Active');
    // Replaced in place: the Authorize button is gone from the chat, no second card appeared.
    expect(
      await p.browserPage
        .locator('.ac-adaptiveCard')
        .getByRole('button', { name: 'Authorize', exact: true })
        .count()
    ).to.equal(0);
    const active = await p.screenshot('relationships-authorize-active');
    expect(fs.statSync(active).size).to.be.greaterThan(10_000);

    // The reseller's copy changed too, and it was told.
    await w.updatedTo(cast.reseller, 'Authorized by');
    await w.received(cast.reseller, 'Relationship authorized');
    const stored = await w.collection('relationships').findOne({});
    expect(stored?.state).to.equal('active');
  });
});
