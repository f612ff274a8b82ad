import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { t } from '../../i18n/i18n.js';
import {
  createNotifications,
  type Notifications,
} from '../../bot/features/notifications/notifications.module.js';
import { OPERATOR_ENV, personas } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, FAST_RETRY } from './helpers/delivery-harness.js';

describe('notifications in the running app (real server, embedded DB, fake Bot Connector)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let notifications: Notifications;

  beforeEach(async () => {
    app = await startTestApp(OPERATOR_ENV, {
      modules: (ctx) => ({
        notifications: (notifications = createNotifications(ctx, {
          worker: { retry: FAST_RETRY, pollMs: 50 },
        })),
      }),
    });
  });
  afterEach(async () => {
    await app?.stop();
  });

  const reseller = personas.reseller;
  const operator = personas.operator;
  const texts = () => app.connector.activities().map((a) => a.text);
  const counts = () => notifications.service.summary().then((s) => s.counts);

  it('holds a notification the bot cannot deliver (403) and delivers it when the user installs the app again', async () => {
    await app.post(app.teams.install(reseller));
    await app.connector.waitForActivity();
    const chat = app.teams.conversationId(reseller);
    app.connector.fail(403, { conversationId: chat, times: Infinity });
    app.connector.fail(403, { method: 'POST', path: /^\/v3\/conversations$/, times: Infinity });
    await notifications.service.notify({
      key: 'app:1:approved',
      to: { kind: 'user', user: reseller },
      content: () => ({ text: 'Your application was approved' }),
    });
    await eventually(async () => (await counts()).held === 1, 5000, 'held');

    // Teams tells the bot it was removed, then the user adds it again.
    await app.post(app.teams.installationUpdate(reseller, 'remove'));
    app.connector.reset();
    await app.post(app.teams.installationUpdate(reseller, 'add'));
    await app.post(app.teams.install(reseller));
    await eventually(
      () => texts().includes('Your application was approved'),
      5000,
      'held message delivered'
    );
    await eventually(async () => (await counts()).sent === 1, 5000, 'recorded as sent');
    expect(texts().filter((x) => x === 'Your application was approved')).to.have.length(1);
    const delivered = app.connector.calls.find(
      (c) => c.body?.text === 'Your application was approved'
    );
    expect(delivered?.conversationId).to.equal(chat);
  });

  it('shows operators the outbox with its dead letters and lets them retry one', async () => {
    await app.post(app.teams.install(reseller));
    await app.post(app.teams.install(operator));
    const chat = app.teams.conversationId(reseller);
    app.connector.fail(503, { conversationId: chat, times: FAST_RETRY.maxAttempts });
    await notifications.service.notify({
      key: 'k1',
      to: { kind: 'user', user: reseller },
      content: () => ({ text: 'hello reseller' }),
    });
    await eventually(async () => (await counts()).dead === 1, 5000, 'dead-lettered');

    app.connector.reset();
    await app.post(app.teams.message(operator, 'outbox'));
    const reply = await app.connector.waitForActivity((a) => a.attachments?.length > 0);
    const card = reply.attachments[0].content;
    const json = JSON.stringify(card);
    expect(json).to.include(t('en', 'notifications:outbox.title'));
    expect(json).to.include('k1');
    const retry = JSON.stringify(card).match(/"id":"([0-9a-f]{24})"/);
    expect(retry, 'a Retry button carrying the id').to.not.equal(null);

    const res = await app.post(
      app.teams.cardAction(operator, Verbs.outboxRetry, { id: retry![1] })
    );
    expect(res.status).to.equal(200);
    expect(JSON.stringify(res.body)).to.include(t('en', 'notifications:outbox.retried'));
    await eventually(() => texts().includes('hello reseller'), 5000, 'delivered after retry');
  });

  it('tells a non-operator that the outbox is not for them', async () => {
    await app.post(app.teams.install(reseller));
    app.connector.reset();
    await app.post(app.teams.message(reseller, 'outbox'));
    const reply = await app.connector.waitForActivity();
    expect(reply.text).to.equal(t('en', 'errors:notAllowed'));
    const res = await app.post(
      app.teams.cardAction(reseller, Verbs.outboxRetry, { id: '0123456789abcdef01234567' })
    );
    expect(JSON.stringify(res.body)).to.not.include(t('en', 'notifications:outbox.retried'));
  });

  it('adds the outbox backlog, and whether this process delivers it, to /healthz', async () => {
    const health = async () =>
      (await (await fetch(`${app.url}/healthz`)).json()) as {
        outbox?: { backlog: number; oldestDueAgeSeconds: number };
        delivery?: string;
      };
    expect((await health()).outbox).to.deep.equal({ backlog: 0, oldestDueAgeSeconds: 0 });
    // The only bot process on this database takes the delivery lease as soon as it starts.
    await eventually(async () => (await health()).delivery === 'this process', 3_000, 'lease');
  });
});
