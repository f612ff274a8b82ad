import { expect } from 'chai';
import { conversationIdOf, eventually, startDeliveryHarness } from './helpers/delivery-harness.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const user = (n: number, extra: { email?: string; locale?: string } = {}) => ({
  tenantId: T1,
  aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ...extra,
});

describe('DeliveryWorker (embedded DB, real adapter, fake Bot Connector)', function () {
  this.timeout(30_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('delivers a notification to the user personal chat in their language and records the activity id', async () => {
    h = await startDeliveryHarness();
    const olga = user(1, { locale: 'ru-RU' });
    await h.addUser(olga);
    h.worker();
    await h.service.notify({
      key: 'app:1:approved',
      to: { kind: 'user', user: olga },
      content: (lang) => ({ text: lang === 'ru' ? 'Заявка одобрена' : 'Application approved' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'sent');
    const [post] = h.posts();
    expect(post.conversationId).to.equal(conversationIdOf(olga));
    expect(post.body.text).to.equal('Заявка одобрена');
    const [sent] = await h.db.outbox
      .messagesAbout({ type: 'x', id: 'y' })
      .then(() => h.db.conn.collection('notifications').find().toArray());
    expect(sent.activityId).to.match(/^activity-/);
    expect(sent.state).to.equal('sent');
  });
});

describe('DeliveryWorker failures', function () {
  this.timeout(30_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('ends every notification delivered exactly once, or dead-lettered and mailed, through 429, 5xx, slow answers and timeouts', async () => {
    h = await startDeliveryHarness({ sendTimeoutMs: 800 });
    const people = [1, 2, 3, 4, 5].map((n) => user(n, { email: `user${n}@contoso.com` }));
    const [throttled, flaky, slow, broken, timingOut] = people;
    for (const p of people) await h.addUser(p);
    h.connector
      .script({
        conversationId: conversationIdOf(throttled),
        status: 429,
        retryAfterSeconds: 1,
        times: 2,
      })
      .script({ conversationId: conversationIdOf(flaky), status: 500, times: 1 })
      .script({ conversationId: conversationIdOf(flaky), status: 503, times: 1 })
      .script({ conversationId: conversationIdOf(flaky), status: 412, times: 1 })
      .script({ conversationId: conversationIdOf(slow), delayMs: 300, times: Infinity })
      .script({ conversationId: conversationIdOf(broken), status: 502, times: Infinity })
      // Answered after the client gave up, and not delivered: the timeout path.
      .script({
        conversationId: conversationIdOf(timingOut),
        delayMs: 1200,
        status: 504,
        times: 2,
      });
    for (const p of people) {
      for (let i = 0; i < 4; i++) {
        await h.service.notify({
          key: `n:${p.aadObjectId}:${i}`,
          to: { kind: 'user', user: p },
          content: () => ({ text: `msg ${p.aadObjectId} ${i}` }),
        });
      }
    }
    h.worker();
    await eventually(
      async () => {
        const c = await h.db.outbox.countsByState();
        return (c.sent ?? 0) + (c.dead ?? 0) === 20 && h.mails.length === 4;
      },
      20_000,
      'all notifications settled'
    );

    const docs = await h.db.conn.collection('notifications').find().toArray();
    const delivered = h.deliveredCounts();
    for (const doc of docs) {
      if (doc.state === 'sent') {
        expect(delivered.get(doc.text), doc.text).to.equal(1);
      } else {
        expect(doc.state).to.equal('dead');
        expect(doc.to.aadObjectId).to.equal(broken.aadObjectId);
        expect(doc.mail).to.equal('sent');
        expect(doc.attempts).to.equal(3);
        const mailed = h.mails.filter((m) => m.values.text === doc.text);
        expect(mailed).to.have.length(1);
        expect(mailed[0]).to.include({
          to: broken.email,
          templateKey: 'notificationFallback',
          language: 'en',
        });
      }
    }
    expect(docs.filter((d) => d.state === 'sent')).to.have.length(16);

    // Retry-After was honoured: nothing went to the throttled chat within a second of a 429.
    const calls = h.connector.calls.filter((c) => c.conversationId === conversationIdOf(throttled));
    const firstThrottle = calls.findIndex((c) => c.status === 429);
    const after = calls[firstThrottle + 1];
    expect(after.at.getTime() - calls[firstThrottle].at.getTime()).to.be.at.least(950);
  });

  it('never sends twice what it delivered while the database could not record it, however long that takes', async () => {
    h = await startDeliveryHarness();
    const anna = user(7);
    await h.addUser(anna);
    // The database goes away between the send and its record, for longer than the item's lease.
    let failing = 3;
    const outbox = Object.create(h.db.outbox) as typeof h.db.outbox;
    outbox.markSent = async (...args) => {
      if (failing > 0) {
        failing--;
        await new Promise((r) => setTimeout(r, 150));
        throw Object.assign(new Error('connection 5 to 127.0.0.1:27017 closed'), {
          name: 'MongoNetworkError',
        });
      }
      return h.db.outbox.markSent(...args);
    };
    h.worker({ outbox, leaseMs: 100 });
    await h.service.notify({
      key: 'once:1',
      to: { kind: 'user', user: anna },
      content: () => ({ text: 'Relationship authorized' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 8000, 'recorded');
    // Well past several leases: nothing claims it again.
    await new Promise((r) => setTimeout(r, 600));
    expect(failing).to.equal(0);
    expect(h.posts().filter((p) => p.body.text === 'Relationship authorized')).to.have.length(1);
    const [doc] = await h.db.conn.collection('notifications').find({ key: 'once:1' }).toArray();
    expect(doc.state).to.equal('sent');
    expect(doc.activityId).to.match(/^activity-/);
  });

  it('holds a notification after 403, marks the chat gone, and delivers what was held when the user installs again', async () => {
    h = await startDeliveryHarness();
    const anna = user(7, { email: 'anna@contoso.com' });
    await h.addUser(anna);
    h.connector.script({ conversationId: conversationIdOf(anna), status: 403, times: Infinity });
    // Teams refuses to open a chat with a user who removed the app.
    h.connector.script({
      method: 'POST',
      path: /^\/v3\/conversations$/,
      status: 403,
      times: Infinity,
    });
    h.worker();
    await h.service.notify({
      key: 'k1',
      to: { kind: 'user', user: anna },
      content: () => ({ text: 'first' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).held === 1, 5000, 'held');
    expect(await h.references.findPersonal(anna)).to.equal(null);
    await h.service.notify({
      key: 'k2',
      to: { kind: 'user', user: anna },
      content: () => ({ text: 'second' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).held === 2, 5000, 'both held');
    expect(h.mails).to.have.length(0);

    h.connector.reset();
    await h.install(anna, 'a:personal-reinstalled');
    expect(await h.service.deliverPendingFor(anna)).to.equal(2);
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 2,
      5000,
      'delivered after install'
    );
    expect(
      h
        .posts()
        .map((c) => [c.conversationId, c.body.text])
        .sort()
    ).to.deep.equal([
      ['a:personal-reinstalled', 'first'],
      ['a:personal-reinstalled', 'second'],
    ]);
  });

  it('opens a 1:1 chat when the user has none but the bot knows their tenant', async () => {
    h = await startDeliveryHarness();
    const colleague = user(8);
    const newcomer = user(9);
    await h.addUser(colleague);
    await h.addUser(newcomer, false);
    h.worker();
    await h.service.notify({
      key: 'k',
      to: { kind: 'user', user: newcomer },
      content: () => ({ text: 'hello newcomer' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'sent');
    const create = h.connector.calls.find((c) => c.path === '/v3/conversations');
    expect(create?.body.members[0].id).to.equal(newcomer.aadObjectId);
    expect(create?.body.tenantId).to.equal(T1);
    expect(h.posts()[0].conversationId).to.equal(`a:created-${newcomer.aadObjectId}`);
  });

  it('holds a notification for a user the bot cannot reach at all until they install', async () => {
    h = await startDeliveryHarness();
    const stranger = {
      tenantId: '55555555-5555-4555-8555-555555555555',
      aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000001',
    };
    h.worker();
    await h.service.notify({
      key: 'k',
      to: { kind: 'user', user: stranger },
      content: () => ({ text: 'welcome aboard' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).held === 1, 5000, 'held');
    expect(h.connector.calls).to.have.length(0);
    await h.install(stranger);
    await h.service.deliverPendingFor(stranger);
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'sent');
    expect(h.deliveredCounts().get('welcome aboard')).to.equal(1);
  });

  it('delivers what was held once the user is reachable again, even without an install event', async () => {
    h = await startDeliveryHarness();
    const quiet = user(10);
    await h.addUser(quiet, false);
    h.worker({ sweepEveryMs: 100 });
    await h.service.notify({
      key: 'k',
      to: { kind: 'user', user: quiet },
      content: () => ({ text: 'you are back' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).held === 1, 5000, 'held');
    // The bot saves a reference on any turn of the user (here: without calling onInstalled).
    await h.install(quiet);
    await eventually(
      () => h.deliveredCounts().get('you are back') === 1,
      5000,
      'delivered by the sweep'
    );
  });

  it('notifies the operators in their own tenant, learned from their chat, once per key', async () => {
    const operator = {
      tenantId: '99999999-9999-4999-8999-999999999999',
      aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000001',
    };
    const unseenOperator = {
      tenantId: '99999999-9999-4999-8999-999999999999',
      aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000002',
    };
    h = await startDeliveryHarness({
      operatorAadObjectIds: [operator.aadObjectId, unseenOperator.aadObjectId],
    });
    await h.addUser(operator);
    h.worker();
    const input = {
      key: 'app:5:submitted',
      to: { kind: 'operators' as const },
      content: () => ({ text: 'an application waits' }),
    };
    await h.service.notify(input);
    await h.service.notify(input);
    await eventually(
      async () => {
        const c = await h.db.outbox.countsByState();
        return c.sent === 1 && c.held === 1;
      },
      5000,
      'one sent, one held'
    );
    expect(h.posts().map((c) => c.conversationId)).to.deep.equal([conversationIdOf(operator)]);
    // The second operator installs: the notification waiting for their tenant is delivered.
    await h.install(unseenOperator);
    await h.service.deliverPendingFor(unseenOperator);
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 2, 5000, 'both sent');
    expect(h.deliveredCounts().get('an application waits')).to.equal(2);
  });

  it('reaches every user of a partner with the roles, each in their own language', async () => {
    const en = user(11, { locale: 'en-GB' });
    const ru = user(12, { locale: 'ru-RU' });
    const asked: unknown[] = [];
    h = await startDeliveryHarness({
      recipients: {
        usersWithRoles: async (partnerId, roles) => {
          asked.push([partnerId, roles]);
          return [en, ru, en];
        },
      },
    });
    await h.addUser(en);
    await h.addUser(ru);
    h.worker();
    await h.service.notify({
      key: 'rel:3:requested',
      to: { kind: 'partnerRoles', partnerRef: 'p-1', roles: ['adminAgent'] },
      content: (lang) => ({
        text: lang === 'ru' ? 'Запрос на авторизацию' : 'Authorization requested',
      }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 2, 5000, 'sent');
    expect(asked).to.deep.equal([['p-1', ['adminAgent']]]);
    expect(
      h
        .posts()
        .map((c) => [c.conversationId, c.body.text])
        .sort()
    ).to.deep.equal(
      [
        [conversationIdOf(en), 'Authorization requested'],
        [conversationIdOf(ru), 'Запрос на авторизацию'],
      ].sort()
    );
  });

  it('lets an operator retry a dead letter, which is then delivered', async () => {
    h = await startDeliveryHarness();
    const bob = user(13);
    await h.addUser(bob);
    h.connector.script({ conversationId: conversationIdOf(bob), status: 503, times: 3 });
    h.worker();
    await h.service.notify({
      key: 'k',
      to: { kind: 'user', user: bob },
      content: () => ({ text: 'try me' }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).dead === 1, 5000, 'dead');
    const { deadLetters, counts } = await h.service.summary();
    expect(counts.dead).to.equal(1);
    expect(deadLetters[0]).to.include({ key: 'k', mail: 'none' });
    expect(await h.service.retryDead(deadLetters[0].id)).to.equal(true);
    expect(await h.service.retryDead(deadLetters[0].id)).to.equal(false);
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'sent');
    expect(h.deliveredCounts().get('try me')).to.equal(1);
  });

  it('reports the backlog and the age of the oldest due item for /healthz', async () => {
    h = await startDeliveryHarness();
    const carl = user(14);
    await h.addUser(carl);
    expect(await h.service.health()).to.deep.equal({
      outbox: { backlog: 0, oldestDueAgeSeconds: 0 },
    });
    await h.service.notify({
      key: 'k1',
      to: { kind: 'user', user: carl },
      content: () => ({ text: 'a' }),
    });
    await h.service.notify({
      key: 'k2',
      to: { kind: 'user', user: carl },
      content: () => ({ text: 'b' }),
    });
    const health = await h.service.health();
    expect(health.outbox.backlog).to.equal(2);
    h.worker();
    await eventually(async () => (await h.service.health()).outbox.backlog === 0, 5000, 'drained');
  });
});

describe('Cards that stay true', function () {
  this.timeout(30_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  const card = (state: string) => ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: state }],
  });

  it('updates in place every card already sent about a subject, in each recipient language', async () => {
    h = await startDeliveryHarness();
    const a = user(21);
    const b = user(22, { locale: 'ru-RU' });
    await h.addUser(a);
    await h.addUser(b);
    h.worker();
    const subject = { type: 'application', id: '42' };
    for (const u of [a, b]) {
      await h.service.notify({
        key: `app:42:submitted`,
        to: { kind: 'user', user: u },
        subject,
        content: (lang) => ({ card: card(`${lang}: pending`) }),
      });
    }
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 2,
      5000,
      'cards sent'
    );
    await h.service.updateCards(subject, (lang) => card(`${lang}: approved`), {
      key: 'app:42:approved',
    });
    await h.service.updateCards(subject, (lang) => card(`${lang}: approved`), {
      key: 'app:42:approved',
    });
    await eventually(
      () => h.connector.calls.filter((c) => c.method === 'PUT').length === 2,
      5000,
      'updates'
    );
    const docs = await h.db.conn.collection('notifications').find({ kind: 'message' }).toArray();
    const puts = h.connector.calls.filter((c) => c.method === 'PUT');
    for (const doc of docs) {
      const put = puts.find((p) => p.conversationId === doc.conversationId)!;
      expect(put.activityId).to.equal(doc.activityId);
      expect(put.body.attachments[0].content.body[0].text).to.equal(`${doc.language}: approved`);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.calls.filter((c) => c.method === 'PUT')).to.have.length(2);
  });

  it('skips an update whose card is gone (403/404) instead of holding it for ever', async () => {
    h = await startDeliveryHarness();
    const a = user(24);
    await h.addUser(a);
    h.worker();
    const subject = { type: 'application', id: '43' };
    await h.service.notify({
      key: 'app:43:submitted',
      to: { kind: 'user', user: a },
      subject,
      content: () => ({ card: card('pending') }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'card sent');
    h.connector.script({
      method: 'PUT',
      conversationId: conversationIdOf(a),
      status: 404,
      times: Infinity,
    });
    await h.service.updateCards(subject, () => card('approved'), { key: 'app:43:approved' });
    await eventually(
      async () => (await h.db.outbox.countsByState()).skipped === 1,
      5000,
      'update skipped'
    );
    // An install releases what was held for the user: nothing of this update comes back.
    await h.service.deliverPendingFor(a);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.connector.calls.filter((c) => c.method === 'PUT')).to.have.length(1);
    expect(await h.db.outbox.countsByState()).to.deep.equal({ sent: 1, skipped: 1 });
  });

  it('never lets an update overtake its card, and sends only the newest update', async () => {
    h = await startDeliveryHarness();
    const a = user(23);
    await h.addUser(a);
    const subject = { type: 'relationship', id: '7' };
    await h.service.notify({
      key: 'rel:7:requested',
      to: { kind: 'user', user: a },
      subject,
      content: () => ({ card: card('requested') }),
    });
    await h.service.updateCards(subject, () => card('authorized'));
    await h.service.updateCards(subject, () => card('ended'));
    h.worker();
    await eventually(() => h.connector.calls.some((c) => c.method === 'PUT'), 5000, 'update');
    await new Promise((r) => setTimeout(r, 200));
    const calls = h.connector.calls.map((c) => [
      c.method,
      c.body?.attachments?.[0]?.content?.body?.[0]?.text,
    ]);
    expect(calls).to.deep.equal([
      ['POST', 'requested'],
      ['PUT', 'ended'],
    ]);
    const counts = await h.db.outbox.countsByState();
    expect(counts).to.deep.equal({ sent: 2, superseded: 1 });
  });

  it('sends a card that waited (held until the install) as it is now, with no update after it', async () => {
    h = await startDeliveryHarness();
    const newcomer = {
      tenantId: '56565656-5656-4565-8565-565656565656',
      aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000056',
    };
    h.worker();
    const subject = { type: 'relationship', id: '8' };
    await h.service.notify({
      key: 'rel:8:requested',
      to: { kind: 'user', user: newcomer },
      subject,
      content: () => ({ text: 'a request', card: card('requested') }),
    });
    await eventually(async () => (await h.db.outbox.countsByState()).held === 1, 5000, 'held');
    await h.service.updateCards(subject, () => card('authorized'));
    await eventually(
      async () => (await h.db.outbox.countsByState()).superseded === 1,
      5000,
      'the update merged into the held card'
    );
    await h.install(newcomer);
    await h.service.deliverPendingFor(newcomer);
    await eventually(async () => (await h.db.outbox.countsByState()).sent === 1, 5000, 'sent');
    await new Promise((r) => setTimeout(r, 300));
    const calls = h.connector.calls
      .filter((c) => c.method === 'POST' || c.method === 'PUT')
      .map((c) => [c.method, c.body?.summary, c.body?.attachments?.[0]?.content?.body?.[0]?.text]);
    expect(calls.filter((c) => c[0] === 'PUT')).to.deep.equal([]);
    expect(calls.filter((c) => c[2] !== undefined)).to.deep.equal([
      ['POST', 'a request', 'authorized'],
    ]);
    expect(await h.db.outbox.countsByState()).to.deep.equal({ sent: 1, superseded: 1 });
  });
});
