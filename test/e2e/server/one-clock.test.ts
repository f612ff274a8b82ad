import { expect } from 'chai';
import type { ProductModules } from '../../../app-modules.js';
import { eventually } from '../../notifications/helpers/delivery-harness.js';
import { ManualClock } from '../../notifications/helpers/manual-clock.js';
import { personas } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';

describe('one clock for the whole app (the real server)', function () {
  this.timeout(60_000);
  let app: TestApp<ProductModules> | undefined;
  afterEach(async () => {
    await app?.stop();
  });

  it('stamps a turn (its user and conversation), an outbox item and its delivery with the clock given to the app', async () => {
    const start = Date.parse('2031-03-04T05:06:07.000Z');
    const clock = new ManualClock(start);
    app = await startTestApp<ProductModules>({}, { clock });
    const who = personas.reseller;
    await app.post(app.teams.install(who));
    const users = app.app.db.connection.collection('users');
    const seen = await users.findOne({ aadObjectId: who.aadObjectId });
    expect(seen?.lastSeenAt?.toISOString()).to.equal(new Date(start).toISOString());
    const reference = await app.app.db.connection
      .collection('conversationreferences')
      .findOne({ conversationId: app.teams.conversationId(who) });
    expect(reference?.updatedAt?.toISOString()).to.equal(new Date(start).toISOString());

    clock.advance(90_000);
    await app.app.modules.notifications.service.notify({
      key: 'one-clock:1',
      to: { kind: 'user', user: { tenantId: who.tenantId, aadObjectId: who.aadObjectId } },
      content: () => ({ text: 'on the app clock' }),
    });
    const outbox = app.app.db.connection.collection('notifications');
    await eventually(
      async () => (await outbox.findOne({ key: 'one-clock:1' }))?.state === 'sent',
      20_000,
      'delivered'
    );
    const item = await outbox.findOne({ key: 'one-clock:1' });
    expect(item?.dueAt.toISOString()).to.equal(new Date(start + 90_000).toISOString());
    expect(item?.sentAt.toISOString()).to.equal(new Date(start + 90_000).toISOString());
  });
});
