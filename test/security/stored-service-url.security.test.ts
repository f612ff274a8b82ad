import { expect } from 'chai';
import {
  createNotifications,
  type Notifications,
} from '../../bot/features/notifications/notifications.module.js';
import { personas } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, FAST_RETRY } from '../notifications/helpers/delivery-harness.js';

/**
 * Notifications follow stored conversation references. One stored before the boundary checked
 * hosts (or written to the database by anything else) must not make the bot send its token and
 * a notice to an untrusted host: the delivery checks the serviceUrl again, and gives the notice
 * up at once (dead letter, mail fallback) instead of retrying it.
 */
describe('rule: notifications go only to trusted service hosts, whatever a stored reference says (real server)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let notifications: Notifications;
  before(async () => {
    app = await startTestApp(
      {},
      {
        modules: (ctx) => ({
          notifications: (notifications = createNotifications(ctx, {
            worker: { retry: FAST_RETRY, pollMs: 50 },
          })),
        }),
      }
    );
  });
  after(async () => app?.stop());

  it('dead-letters a notice whose stored reference names an untrusted host, without calling it', async () => {
    const reseller = personas.reseller;
    await app.post(app.teams.install(reseller));
    const evil = 'https://attacker.invalid/';
    const refs = app.app.db.connection.collection('conversationreferences');
    const stored = (await refs.findOne({ conversationId: app.teams.conversationId(reseller) }))!;
    const reference = { ...JSON.parse(stored.reference as string), serviceUrl: evil };
    await refs.updateOne(
      { _id: stored._id },
      { $set: { serviceUrl: evil, reference: JSON.stringify(reference) } }
    );
    await notifications.service.notify({
      key: 'k-stored-url',
      to: { kind: 'user', user: reseller },
      content: () => ({ text: 'hello reseller' }),
    });
    await eventually(
      async () => (await notifications.service.summary()).counts.dead === 1,
      5000,
      'dead-lettered at once'
    );
    const [dead] = (await notifications.service.summary()).deadLetters;
    expect(dead.lastError).to.match(/serviceUrl/);
  });
});
