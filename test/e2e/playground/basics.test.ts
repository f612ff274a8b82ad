import fs from 'node:fs';
import { expect } from 'chai';
import { MongoUserRepository } from '../../../models/partners/user.repository.js';
import { CHROMIUM_PATH, chromiumInstalled, Playground } from '../../helpers/playground.js';
import { personas } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';

// Heavy: a real server, the Agents Playground and headless Chromium (~10-20 s in all).
describe('Agents Playground: install, welcome and help', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(120_000);

  let app: TestApp;
  let playground: Playground;
  before(async () => {
    app = await startTestApp();
    playground = await Playground.start({
      botUrl: app.url,
      persona: personas.reseller,
      colleagues: [personas.resellerAgent],
    });
  });
  after(async () => {
    await playground?.stop();
    await app?.stop();
  });

  it('shows the welcome card once when the app is installed', async () => {
    const welcome = await playground.waitForBotReply({ contains: 'Welcome to Partner Connect' });
    expect(await welcome.locator('.ac-adaptiveCard').count()).to.equal(1);
    expect(await welcome.innerText()).to.include(`Hi, ${personas.reseller.name}!`);
    for (const step of ['Enroll my organization', 'Check my status', 'Show all commands']) {
      expect(await welcome.getByRole('button', { name: step, exact: true }).count(), step).to.equal(
        1
      );
    }
  });

  it('starts the enrollment from the welcome card: the first card asks for the partner type', async () => {
    const before = await playground.botReplies().count();
    await playground.clickCardButton('Enroll my organization');
    const question = await playground.waitForBotReply({
      after: before,
      contains: 'How will your organization work in the CSP indirect channel?',
    });
    expect(await question.locator('.ac-adaptiveCard').count()).to.equal(1);
    const text = await question.innerText();
    expect(text)
      .to.include('Partner type')
      .and.include('Indirect reseller')
      .and.include('Indirect provider');
    const file = await playground.screenshot('basics-enroll-started');
    expect(fs.statSync(file).size).to.be.greaterThan(10_000);

    // The welcome's buttons retire once one was used: the card is updated in place to a record.
    const started = playground.botReplies('Started: Enroll my organization');
    await started.first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await playground.botReplies('Welcome to Partner Connect').count()).to.equal(1);
    expect(await started.first().getByRole('button').count()).to.equal(0);

    // Leave the form, so the tests below start with no dialog waiting.
    await playground.sendText('cancel');
    await playground.waitForBotReply({ contains: "I've stopped" });
  });

  it('answers help with the commands', async () => {
    await playground.sendText('help');
    const help = await playground.waitForBotReply({ contains: 'What I can do' });
    const text = await help.innerText();
    expect(text).to.include('help').and.include('cancel').and.include('language');

    // Both install events have long arrived by now: still exactly one welcome.
    expect(await playground.botReplies('Welcome to Partner Connect').count()).to.equal(1);

    const file = await playground.screenshot('basics-help');
    expect(fs.statSync(file).size).to.be.greaterThan(10_000);
  });

  it('records who is acting, with the UPN from the roster', async () => {
    const known = await new MongoUserRepository(app.app.db.connection).get(personas.reseller);
    expect(known).to.include({
      tenantId: personas.reseller.tenantId,
      name: personas.reseller.name,
    });
    expect(known?.upn).to.equal(personas.reseller.upn);
  });

  it('switches to Russian on "language ru" and answers помощь in Russian', async () => {
    await playground.sendText('language ru');
    await playground.waitForBotReply({ contains: 'по-русски' });
    await playground.sendText('помощь');
    const help = await playground.waitForBotReply({ contains: 'Что я умею' });
    expect(await help.innerText()).to.include('отмена (cancel)');
    await playground.screenshot('basics-help-ru');
    await playground.sendText('language en');
    await playground.waitForBotReply({ contains: "I'll speak English" });
  });

  it('in a group chat, answers only when mentioned', async () => {
    await playground.openChat('Group Chat');
    await playground.waitForBotReply({ contains: 'Mention me' });
    await playground.sendText('help');
    await playground.sendText('help', { mention: true });
    const help = await playground.waitForBotReply({ contains: 'What I can do' });
    expect(await help.innerText()).to.include('mention me first');
    // The unmentioned "help" was sent first; had it been answered there would be two help cards.
    expect(await playground.botReplies('What I can do').count()).to.equal(1);
    await playground.screenshot('basics-group-chat');
  });

  it('switches to a person of another tenant by restarting the Playground', async () => {
    await playground.switchPersona(personas.customer);
    const welcome = await playground.waitForBotReply({
      contains: `Hi, ${personas.customer.name}!`,
    });
    expect(await welcome.innerText()).to.include('Welcome to Partner Connect');
    const known = await new MongoUserRepository(app.app.db.connection).get(personas.customer);
    expect(known?.tenantId).to.equal(personas.customer.tenantId);
    await playground.screenshot('basics-customer-welcome');
  });
});
