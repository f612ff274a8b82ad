import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { NOTICE_GRACE_MS } from '../../../domain/notices/owed-notices.js';
import { eventually } from '../../../testkit/enrollment-app.js';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from './api-world.js';
import { startReceiver, type ReceivedHook } from './webhook-receiver.js';
import { MongoWebhookStore } from '../../../models/webhooks/webhook.repository.js';
import {
  CustomerEventSchema,
  RelationshipEventSchema,
} from '../../../bot/features/webhooks/webhooks.schemas.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * Webhooks through the real server (open mode) and real receivers on 127.0.0.1: subscribe,
 * a relationship's transition delivered signed (Standard Webhooks), retried with the same
 * webhook-id after a 500, a hanging receiver cut by the timeout while others get theirs.
 */
describe('REST API: webhooks (through the real server and local receivers)', function () {
  let w: ApiWorld;
  const receivers: Receiver[] = [];
  const northwind = outsider(3, 'Nina', 'Northwind Webhooks');

  before(async () => {
    w = await startApiWorld({
      WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      WEBHOOK_TIMEOUT_MS: '300',
      WEBHOOK_RETRY_MS: '50',
    });
    await w.partnerOf('reseller', northwind);
  });
  after(async () => {
    await w?.stop();
    for (const r of receivers) await r.close();
  });

  async function receiver(
    answer?: (n: number, got: ReceivedHook) => number | 'hang'
  ): Promise<Receiver> {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  }

  async function subscribe(who: typeof cast.provider, url: string, events: string[]) {
    const res = await w.as(who).post('/webhooks', { url, events });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    return res.body as { id: string; secret: string };
  }

  it('delivers relationship.authorized signed with the subscription secret', async () => {
    const hook = await receiver();
    const sub = await subscribe(cast.provider, hook.url, ['relationship.authorized']);
    const listed = await w.as(cast.provider).get('/webhooks');
    expect(listed.body.items.map((i: { id: string }) => i.id)).to.deep.equal([sub.id]);
    expect(listed.text).not.to.include(sub.secret);
    const r = await w.service.request(w.actor(cast.reseller), w.provider.id, GRANT, true);
    const done = await w.as(cast.provider).post(`/relationships/${r.id}/authorize`, {});
    expect(done.status).to.equal(200);
    const [got] = await eventually(
      () => hook.of('relationship.authorized').length > 0 && hook.of('relationship.authorized'),
      'relationship.authorized'
    );
    const verified = new Webhook(sub.secret).verify(got!.body, got!.headers) as {
      id: string;
      type: string;
      timestamp: string;
      data: { id: string; state: string; side: string };
    };
    // The body is the document's RelationshipEvent: the resource as the API returns it.
    RelationshipEventSchema.parse(verified);
    expect(verified.type).to.equal('relationship.authorized');
    expect(verified.id).to.equal(got!.headers['webhook-id']);
    expect(verified.data).to.include({ id: r.id, state: 'active', side: 'provider' });
    // Another secret does not verify it: the signature is this subscription's.
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => new Webhook(other).verify(got!.body, got!.headers)).to.throw();
    // Only the events subscribed to: the request before it was not sent.
    expect(hook.received).to.have.length(1);
    const deliveries = await eventually(async () => {
      const res = await w.as(cast.provider).get(`/webhooks/${sub.id}/deliveries`);
      return res.body.items[0]?.state === 'sent' && res.body.items;
    }, 'the delivery recorded as sent');
    expect(deliveries[0]).to.include({ type: 'relationship.authorized', responseCode: 200 });
  });

  it('retries after a 500 with the same webhook-id, and records both attempts', async () => {
    const hook = await receiver((n) => (n === 1 ? 500 : 200));
    const sub = await subscribe(northwind, hook.url, ['relationship.requested']);
    await w.service.request(w.actor(northwind), w.provider.id, GRANT, true);
    await eventually(() => hook.received.length >= 2, 'a second attempt');
    const ids = hook.received.map((h) => h.headers['webhook-id']);
    expect(ids[0]).to.be.a('string');
    expect(ids[1]).to.equal(ids[0]);
    for (const h of hook.received)
      expect(() => new Webhook(sub.secret).verify(h.body, h.headers)).not.to.throw();
    const res = await eventually(async () => {
      const list = await w.as(northwind).get(`/webhooks/${sub.id}/deliveries`);
      return list.body.items[0]?.state === 'sent' && list.body.items[0];
    }, 'recorded as sent');
    expect(res).to.include({ attempts: 2, responseCode: 200 });
  });

  it('keeps the order per resource: an event being retried holds back the next of its resource only', async () => {
    const invitations = w.app.app.modules.invitations.service;
    const what = (h: { body: string }) => {
      const b = JSON.parse(h.body) as { type: string; data: { to: string } };
      return `${b.type}:${b.data.to}`;
    };
    const first = 'invitation.created:Order First';
    const second = 'invitation.revoked:Order First';
    const other = 'invitation.created:Order Other';
    // Event A (the first invitation's created) fails until event C (another invitation's)
    // has arrived: C must not wait for A, and A's retries run while B is queued behind it.
    const answered: string[] = [];
    const hook = await receiver((_n, got) => {
      const refused = what(got) === first && !hook.received.some((h) => what(h) === other);
      answered.push(`${refused ? 'refused' : 'took'} ${what(got)}`);
      return refused ? 500 : 200;
    });
    await subscribe(cast.reseller, hook.url, ['invitation.created', 'invitation.revoked']);
    const a = await invitations.inviteCustomer(w.actor(cast.reseller), {
      companyName: 'Order First',
    });
    await eventually(() => hook.received.length > 0, 'the first attempt of A');
    const revoked = await w.as(cast.reseller).post(`/invitations/${a.view.invitation.id}/revoke`);
    expect(revoked.status, revoked.text).to.equal(200);
    await w.app.app.owedWork.idle();
    await invitations.inviteCustomer(w.actor(cast.reseller), { companyName: 'Order Other' });
    await eventually(
      () => answered.includes(`took ${first}`) && answered.includes(`took ${second}`),
      'A and B delivered'
    );
    // A was refused at least once and delivered, and only then B came; C went while A waited.
    expect(answered[0]).to.equal(`refused ${first}`);
    expect(answered.indexOf(`took ${first}`)).to.be.below(answered.indexOf(`took ${second}`));
    expect(answered.indexOf(`took ${other}`)).to.be.below(answered.indexOf(`took ${first}`));
    expect(answered.filter((s) => s.endsWith(second))).to.have.length(1);
  });

  it('lets the next event of a resource go once the one before it is given up', async () => {
    const store = new MongoWebhookStore(w.app.app.db.connection);
    // A day ahead of the worker's clock, so only this test claims them.
    const at = new Date(Date.now() + 24 * 60 * 60_000);
    const item = (eventId: string, dueAt: Date) => ({
      subscriptionId: 'order-test',
      partnerRef: w.provider.id,
      eventId,
      type: 'relationship.extended',
      payload: '{}',
      dueAt,
      resourceKey: 'relationship:order-test',
    });
    await store.enqueue([item('evt_a', at)]);
    await store.enqueue([item('evt_b', new Date(at.getTime() + 1))]);
    const claim = (now: Date) =>
      store.claim({ owner: 'test', now, leaseMs: 60_000, skipSubscriptionIds: [] });
    const later = new Date(at.getTime() + 10);
    const a = await claim(later);
    expect(a?.eventId).to.equal('evt_a');
    // While A is out (leased), B is not claimable...
    expect(await claim(later)).to.equal(null);
    // ...and once A is given up, B goes: a failed delivery holds nothing back.
    expect(await store.settle(a!.id, 'test', { state: 'failed', at: later, error: 'x' })).to.equal(
      true
    );
    expect((await claim(later))?.eventId).to.equal('evt_b');
  });

  it('cuts a hanging receiver after the timeout while another subscription gets its event', async () => {
    const hanging = await receiver(() => 'hang');
    const fine = await receiver();
    const slow = await subscribe(cast.reseller, hanging.url, ['relationship.ended']);
    await subscribe(cast.reseller, fine.url, ['relationship.ended']);
    const active = (await w.as(cast.provider).get('/relationships?state=active')).body.items[0];
    const ended = await w
      .as(cast.reseller)
      .post(`/relationships/${active.id}/end`, { confirmed: true });
    expect(ended.status, ended.text).to.equal(200);
    await eventually(() => fine.of('relationship.ended').length === 1, 'the fine receiver');
    const cut = await eventually(async () => {
      const list = await w.as(cast.reseller).get(`/webhooks/${slow.id}/deliveries`);
      return list.body.items[0]?.error === 'timeout' && list.body.items[0];
    }, 'the hanging delivery cut by the timeout');
    // Not delivered, and to be tried again: due, or already leased by its next attempt (the
    // test's retry delay is short enough to land between the cut and this read).
    expect(cut.state).to.be.oneOf(['due', 'leased']);
    expect(cut.responseCode).to.equal(null);
  });

  it('delivers invitation.created and invitation.revoked with the invitation as the API shows it', async () => {
    const hook = await receiver();
    const sub = await subscribe(cast.reseller, hook.url, [
      'invitation.created',
      'invitation.revoked',
    ]);
    const created = await w.app.app.modules.invitations.service.inviteCustomer(
      w.actor(cast.reseller),
      { companyName: 'Hook Coffee' }
    );
    const id = created.view.invitation.id;
    const revoked = await w.as(cast.reseller).post(`/invitations/${id}/revoke`, {});
    expect(revoked.status, revoked.text).to.equal(200);
    await eventually(() => hook.of('invitation.revoked').length === 1, 'invitation.revoked');
    const bodies = hook.received.map(
      (h) =>
        new Webhook(sub.secret).verify(h.body, h.headers) as {
          type: string;
          data: { id: string; state: string; to: string };
        }
    );
    expect(bodies.map((b) => b.type)).to.deep.equal(['invitation.created', 'invitation.revoked']);
    expect(bodies[0]!.data).to.include({ id, state: 'pending', to: 'Hook Coffee' });
    expect(bodies[1]!.data).to.include({ id, state: 'revoked' });
  });

  it('emits a transition once when the sweep and the deferred work both run it (a crash in between)', async () => {
    const hook = await receiver();
    const sub = await subscribe(northwind, hook.url, ['relationship.declined']);
    const pending = (await w.as(northwind).get('/relationships?state=pending')).body.items[0];
    await w.app.app.owedWork.idle();
    // The work a decline owes is held back, as if the process died right after the change...
    w.app.app.owedWork.pause();
    const declined = await w.as(cast.provider).post(`/relationships/${pending.id}/decline`, {});
    expect(declined.status, declined.text).to.equal(200);
    // ...so the owed-notice sweep emits it once the grace period is over...
    w.advance(NOTICE_GRACE_MS + 1000);
    await eventually(() => hook.of('relationship.declined').length === 1, 'the sweep emitting it');
    // ...and the held work running after all emits the same event id: stored once.
    w.app.app.owedWork.resume();
    await w.app.app.owedWork.idle();
    const stored = await w
      .collection('webhook_deliveries')
      .countDocuments({ subscriptionId: sub.id, type: 'relationship.declined' });
    expect(stored).to.equal(1);
    expect(hook.of('relationship.declined')).to.have.length(1);
  });

  it('emits invitation.created once even when the emission right after the insert failed (a crash in between)', async () => {
    const hook = await receiver();
    const sub = await subscribe(cast.reseller, hook.url, ['invitation.created']);
    const webhooks = w.app.app.modules.webhooks.service;
    const emit = webhooks.emit.bind(webhooks);
    let failed = 0;
    // The first emission of the event dies, as the process would right after the insert.
    webhooks.emit = async (event) => {
      if (event.type === 'invitation.created' && failed === 0) {
        failed++;
        throw new Error('crashed after the insert');
      }
      return emit(event);
    };
    try {
      const created = await w.app.app.modules.invitations.service.inviteCustomer(
        w.actor(cast.reseller),
        { companyName: 'Crash Window' }
      );
      expect(created.view.invitation.state).to.equal('pending');
      await w.app.app.owedWork.idle();
      expect(failed).to.equal(1);
      // The sweep repairs it once the grace period is over...
      w.advance(NOTICE_GRACE_MS + 1000);
      const [got] = await eventually(
        () => hook.of('invitation.created').length > 0 && hook.of('invitation.created'),
        'invitation.created from the sweep'
      );
      const body = new Webhook(sub.secret).verify(got!.body, got!.headers) as {
        data: { id: string; state: string; to: string };
      };
      expect(body.data).to.include({
        id: created.view.invitation.id,
        state: 'pending',
        to: 'Crash Window',
      });
      // ...and settles it (the stamp cleared): nothing emits it again, it went out exactly once.
      await eventually(async () => {
        const inv = await w.app.app.modules.invitations.repository.get(created.view.invitation.id);
        return inv && !inv.noticeOwedAt;
      }, 'the stamp cleared');
      const stored = await w
        .collection('webhook_deliveries')
        .countDocuments({ subscriptionId: sub.id, type: 'invitation.created' });
      expect(stored).to.equal(1);
      expect(hook.of('invitation.created')).to.have.length(1);
    } finally {
      webhooks.emit = emit;
    }
  });

  it('documents the routes and the events (OpenAPI 3.1 webhooks)', async () => {
    const doc = await w.call('GET', '/openapi.json');
    expect(doc.status).to.equal(200);
    expect(Object.keys(doc.body.paths)).to.include.members([
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}',
      '/api/v1/webhooks/{id}/deliveries',
      '/api/v1/webhooks/{id}/test',
    ]);
    const hook = doc.body.webhooks['relationship.authorized'].post;
    expect(hook.requestBody.content['application/json'].schema.$ref).to.equal(
      '#/components/schemas/RelationshipEvent'
    );
    expect(doc.body.components.schemas.RelationshipEvent.properties.data.$ref).to.match(
      /^#\/components\/schemas\/Relationship/
    );
    expect(Object.keys(doc.body.webhooks)).to.include.members([
      'invitation.created',
      'invitation.revoked',
      'webhook.test',
    ]);
  });

  it('sends a test event on request', async () => {
    const hook = await receiver();
    const sub = await subscribe(cast.provider, hook.url, ['invitation.accepted']);
    const res = await w.as(cast.provider).post(`/webhooks/${sub.id}/test`, {});
    expect(res.status).to.equal(202);
    const [got] = await eventually(
      () => hook.of('webhook.test').length > 0 && hook.of('webhook.test'),
      'the test event'
    );
    expect(got!.headers['webhook-id']).to.equal(res.body.eventId);
    expect(() => new Webhook(sub.secret).verify(got!.body, got!.headers)).not.to.throw();
  });

  it('refuses http to a non-loopback host, and bad events, in the caller language', async () => {
    const http = await w
      .as(cast.provider)
      .post(
        '/webhooks',
        { url: 'http://hooks.example.com/x', events: ['relationship.ended'] },
        { 'Accept-Language': 'ru' }
      );
    expect(http.status).to.equal(400);
    expect(http.body.fields[0].field).to.equal('body.url');
    expect(http.body.fields[0].message).to.include('https://');
    expect(http.body.fields[0].message).to.match(/[а-я]/);
    const en = await w.as(cast.provider).post('/webhooks', {
      url: 'https://10.0.0.5/hook',
      events: ['relationship.ended'],
    });
    expect(en.status).to.equal(400);
    expect(en.body.fields[0].message).to.include('private');
    const unknown = await w.as(cast.provider).post('/webhooks', {
      url: 'https://hooks.example.com/x',
      events: ['relationship.nope'],
    });
    expect(unknown.status).to.equal(400);
  });

  it('lets only a Global admin subscribe, and deletes', async () => {
    const agent = await w.as(cast.providerAgent).post('/webhooks', {
      url: 'https://hooks.example.com/x',
      events: ['relationship.ended'],
    });
    expect(agent.status).to.equal(403);
    const sub = await subscribe(cast.provider, 'https://hooks.example.com/y', [
      'relationship.ended',
    ]);
    const gone = await w.call('DELETE', `/webhooks/${sub.id}`, {
      token: await w.tokenOf(cast.provider),
    });
    expect(gone.status).to.equal(200);
    const list = await w.as(cast.provider).get('/webhooks');
    expect(list.body.items.map((i: { id: string }) => i.id)).not.to.include(sub.id);
  });

  it('emits relationship.expiring once per reminder to both sides, the same event id when emitted again', async () => {
    const olga = outsider(4, 'Olga', 'Olga Expiring');
    await w.partnerOf('reseller', olga);
    const resellerHook = await receiver();
    const providerHook = await receiver();
    const sub = await subscribe(olga, resellerHook.url, ['relationship.expiring']);
    await subscribe(cast.provider, providerHook.url, ['relationship.expiring']);
    const grant = { ...GRANT, durationDays: 10 };
    const r = await w.service.request(w.actor(olga), w.provider.id, grant, true);
    await w.service.authorize(w.actor(cast.provider), r.id);
    await w.app.app.owedWork.idle();
    // Ten days left: the 30-day reminder fires, and with it the event, to each side.
    await w.service.sweep();
    const [first] = await eventually(
      () => resellerHook.of('relationship.expiring').length === 1 && resellerHook.received,
      'the first relationship.expiring'
    );
    const body = new Webhook(sub.secret).verify(first!.body, first!.headers) as {
      id: string;
      data: { id: string; side: string; state: string };
    };
    RelationshipEventSchema.parse(body);
    expect(body.data).to.include({ id: r.id, side: 'reseller', state: 'active' });
    const [theirs] = await eventually(
      () =>
        providerHook.of('relationship.expiring').length > 0 &&
        providerHook.of('relationship.expiring'),
      "the provider's relationship.expiring"
    );
    expect(JSON.parse(theirs!.body).data).to.include({ id: r.id, side: 'provider' });
    // Six days left: the 7-day reminder, its work held (a crash) so the sweep emits it, and the
    // held work running after all emits the same event id: stored once.
    w.advanceDays(4);
    w.app.app.owedWork.pause();
    await w.service.sweep();
    w.advance(NOTICE_GRACE_MS + 1000);
    await eventually(
      () => resellerHook.of('relationship.expiring').length === 2,
      'the second relationship.expiring'
    );
    w.app.app.owedWork.resume();
    await w.app.app.owedWork.idle();
    await w.service.sweep();
    await w.app.app.owedWork.idle();
    const stored = await w
      .collection('webhook_deliveries')
      .find({ subscriptionId: sub.id })
      .toArray();
    expect(stored.map((d) => d.type)).to.deep.equal([
      'relationship.expiring',
      'relationship.expiring',
    ]);
    expect(new Set(stored.map((d) => d.eventId)).size).to.equal(2);
    expect(resellerHook.of('relationship.expiring')).to.have.length(2);
  });

  it('emits customer.linked when a customer accepts and customer.unlinked when it ends the link, even across a crash', async () => {
    const hook = await receiver();
    const sub = await subscribe(cast.reseller, hook.url, ['customer.linked', 'customer.unlinked']);
    const invitations = w.app.app.modules.invitations.service;
    const created = await invitations.inviteCustomer(w.actor(cast.reseller), {
      companyName: 'Linked Lamps',
      adminEmail: 'admin@linkedlamps.example',
    });
    const customer = w.actor(cast.customer);
    const opened = await invitations.open(customer, created.secrets.code);
    await invitations.accept(customer, opened.invitation.id);
    const [linked] = await eventually(
      () => hook.of('customer.linked').length > 0 && hook.of('customer.linked'),
      'customer.linked'
    );
    const event = CustomerEventSchema.parse(
      new Webhook(sub.secret).verify(linked!.body, linked!.headers)
    );
    // The customer exactly as GET /customers lists it.
    const listed = await w.as(cast.reseller).get('/customers');
    const row = listed.body.items.find((c: { company: string }) => c.company === 'Linked Lamps');
    expect(event.data).to.deep.equal(row);
    expect(event.data.reseller?.id).to.equal(w.reseller.id);
    // The first emission of customer.unlinked dies, as the process would right after the End.
    const webhooks = w.app.app.modules.webhooks.service;
    const emit = webhooks.emit.bind(webhooks);
    let failed = 0;
    webhooks.emit = async (e) => {
      if (e.type === 'customer.unlinked' && failed++ === 0) throw new Error('crashed after End');
      return emit(e);
    };
    let unlinked;
    try {
      const ended = await invitations.endLink(customer, row.id);
      expect(ended.changedNow).to.equal(true);
      await w.app.app.owedWork.idle();
      expect(failed).to.equal(1);
      // The owed-notice sweep repairs it once the grace period is over.
      w.advance(NOTICE_GRACE_MS + 1000);
      [unlinked] = await eventually(
        () => hook.of('customer.unlinked').length > 0 && hook.of('customer.unlinked'),
        'customer.unlinked from the sweep'
      );
      await eventually(
        async () =>
          !(await w.collection('customerLinks').findOne({ invitationRef: opened.invitation.id }))
            ?.noticeOwedAt,
        'the ended link settled'
      );
    } finally {
      webhooks.emit = emit;
    }
    const gone = CustomerEventSchema.parse(JSON.parse(unlinked!.body));
    expect(gone.type).to.equal('customer.unlinked');
    expect(gone.data).to.include({ id: row.id, company: 'Linked Lamps' });
    expect(gone.id).not.to.equal(event.id);
    // The link is no longer listed; a second End changes nothing and emits nothing.
    const again = await invitations.endLink(customer, row.id);
    expect(again.changedNow).to.equal(false);
    const after = await w.as(cast.reseller).get('/customers');
    expect(after.body.items.map((c: { id: string }) => c.id)).not.to.include(row.id);
    const stored = await w
      .collection('webhook_deliveries')
      .countDocuments({ subscriptionId: sub.id });
    expect(stored).to.equal(2);
  });

  it('documents the new events and takes them in a subscription', async () => {
    const doc = await w.call('GET', '/openapi.json');
    for (const e of ['relationship.expiring', 'customer.linked', 'customer.unlinked']) {
      expect(doc.body.webhooks[e], e).to.be.an('object');
    }
    expect(
      doc.body.webhooks['customer.linked'].post.requestBody.content['application/json'].schema.$ref
    ).to.equal('#/components/schemas/CustomerEvent');
    expect(doc.body.components.schemas.CustomerEvent.properties.data.$ref).to.match(
      /^#\/components\/schemas\/Customer/
    );
  });
});
