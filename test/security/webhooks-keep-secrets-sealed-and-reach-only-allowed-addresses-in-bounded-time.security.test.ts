import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { eventually } from '../../testkit/enrollment-app.js';
import { postOnce } from '../../notifications/webhook.worker.js';
import { cast, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';
import { startReceiver } from '../e2e/api/webhook-receiver.js';

const EVENTS = ['relationship.ended'];

/**
 * Hostile and careless receivers and callers: a subscription's secret is stored sealed, never
 * in clear; an API key never subscribes; without WEBHOOK_ALLOW_HTTP_LOOPBACK no loopback or
 * private address is taken, at subscription or at delivery (a name resolving to one); a
 * redirect is never followed; a huge answer is not read past its cap; a receiver failing for
 * the whole retry window leaves its subscription marked failing.
 */
describe('security: webhooks keep secrets sealed and reach only allowed addresses, in bounded time', function () {
  describe('without WEBHOOK_ALLOW_HTTP_LOOPBACK', () => {
    let w: ApiWorld;
    before(async () => {
      w = await startApiWorld();
    });
    after(async () => {
      await w?.stop();
    });

    it('refuses http, loopback and private addresses with a localized 400, storing nothing', async () => {
      for (const [url, ru] of [
        ['http://127.0.0.1:9/hook', /WEBHOOK_ALLOW_HTTP_LOOPBACK/],
        ['https://127.0.0.1/hook', /частный/],
        ['https://localhost/hook', /частный/],
        ['https://[::1]/hook', /частный/],
        ['https://169.254.169.254/latest', /частный/],
        ['https://[::ffff:10.0.0.1]/x', /частный/],
        ['ftp://hooks.example.com/x', /https:\/\//],
        ['https://user:pw@hooks.example.com/x', /https:\/\//],
      ] as const) {
        const res = await w
          .as(cast.provider)
          .post('/webhooks', { url, events: EVENTS }, { 'Accept-Language': 'ru' });
        expect(res.status, url).to.equal(400);
        expect(res.body.fields[0], url).to.include({ field: 'body.url' });
        expect(res.body.fields[0].message, url).to.match(ru);
      }
      expect(await w.collection('webhook_subscriptions').countDocuments()).to.equal(0);
    });

    it('never connects to a loopback address at delivery, by literal or by a name resolving to it', async () => {
      const hook = await startReceiver();
      try {
        const port = new URL(hook.url).port;
        for (const url of [`http://127.0.0.1:${port}/x`, `http://localhost:${port}/x`]) {
          const result = await postOnce(url, {}, '{}', { timeoutMs: 2000, allowLoopback: false });
          expect(result, url).to.have.property('error');
        }
        expect(hook.received).to.have.length(0);
        // The same receiver is reached when loopback is allowed: the refusal was the rule's.
        const allowed = await postOnce(hook.url, {}, '{}', {
          timeoutMs: 2000,
          allowLoopback: true,
        });
        expect(allowed).to.deep.equal({ status: 200 });
      } finally {
        await hook.close();
      }
    });

    it('stores the signing secret sealed, never in clear, and shows it only once', async () => {
      const created = await w.as(cast.provider).post('/webhooks', {
        url: 'https://hooks.example.com/sealed',
        events: EVENTS,
      });
      expect(created.status).to.equal(201);
      const secret = created.body.secret as string;
      const raw = secret.slice('whsec_'.length);
      const docs = await w.collection('webhook_subscriptions').find({}).toArray();
      const stored = JSON.stringify(docs);
      expect(stored).not.to.include(raw);
      expect(stored).not.to.include(Buffer.from(raw, 'base64').toString('hex'));
      expect(docs[0]!.sealedSecret).to.match(/^v1\./);
      const listed = await w.as(cast.provider).get('/webhooks');
      expect(listed.text).not.to.include(raw);
    });

    it('refuses an API key, even a read-write one, with 403', async () => {
      const { secret } = await w.app.app.modules.api.apiKeys.create(w.actor(cast.provider), {
        name: 'PSA',
        scope: 'read-write',
      });
      const before = await w.collection('webhook_subscriptions').countDocuments();
      const res = await w.call('POST', '/webhooks', {
        token: secret,
        body: { url: 'https://hooks.example.com/key', events: EVENTS },
      });
      expect(res.status).to.equal(403);
      expect(res.body.key).to.equal('webhooks:errors.notWithAKey');
      expect(await w.collection('webhook_subscriptions').countDocuments()).to.equal(before);
    });
  });

  describe('hostile receivers', () => {
    it('does not follow a redirect: the 3xx is the answer, the target gets nothing', async () => {
      const target = await startReceiver();
      const redirector = http.createServer((_req, res) => {
        res.writeHead(307, { location: target.url });
        res.end();
      });
      await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
      try {
        const port = (redirector.address() as AddressInfo).port;
        const result = await postOnce(`http://127.0.0.1:${port}/`, {}, '{}', {
          timeoutMs: 2000,
          allowLoopback: true,
        });
        expect(result).to.deep.equal({ status: 307 });
        expect(target.received).to.have.length(0);
      } finally {
        redirector.closeAllConnections();
        await new Promise((r) => redirector.close(r));
        await target.close();
      }
    });

    it('reads an endless answer only up to its cap, and hangs up', async () => {
      let closed = false;
      const flood = http.createServer((_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!closed && res.write(chunk));
          if (!closed) res.once('drain', pump);
        };
        res.on('close', () => (closed = true));
        pump();
      });
      await new Promise<void>((r) => flood.listen(0, '127.0.0.1', r));
      try {
        const port = (flood.address() as AddressInfo).port;
        // A long timeout: it must end by the cap, not by the clock.
        const result = await postOnce(`http://127.0.0.1:${port}/`, {}, '{}', {
          timeoutMs: 60_000,
          allowLoopback: true,
        });
        expect(result).to.deep.equal({ status: 200 });
        await eventually(() => closed, 'the flooding answer hung up');
      } finally {
        flood.closeAllConnections();
        await new Promise((r) => flood.close(r));
      }
    });
  });

  describe('a receiver failing for the whole retry window', () => {
    let w: ApiWorld;
    before(async () => {
      w = await startApiWorld({
        WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
        WEBHOOK_RETRY_MS: '50',
        WEBHOOK_RETRY_FOR_MS: '1000',
      });
    });
    after(async () => {
      await w?.stop();
    });

    it('gives the delivery up and marks the subscription failing', async () => {
      const hook = await startReceiver(() => 500);
      try {
        const sub = await w.as(cast.provider).post('/webhooks', { url: hook.url, events: EVENTS });
        expect(sub.status).to.equal(201);
        const test = await w.as(cast.provider).post(`/webhooks/${sub.body.id}/test`, {});
        expect(test.status).to.equal(202);
        const failing = await eventually(async () => {
          const list = await w.as(cast.provider).get('/webhooks');
          return list.body.items[0]?.failing === true && list.body.items[0];
        }, 'the subscription marked failing');
        expect(failing.failingSince).to.be.a('string');
        const deliveries = await w.as(cast.provider).get(`/webhooks/${sub.body.id}/deliveries`);
        expect(deliveries.body.items[0]).to.include({ state: 'failed', responseCode: 500 });
        expect(deliveries.body.items[0].attempts).to.be.greaterThan(1);
        expect(new Set(hook.received.map((h) => h.headers['webhook-id'])).size).to.equal(1);
        // Its Global admin is told in Teams, once.
        await w.received(cast.provider, 'is failing');
        await w.drained();
        const told = w
          .posted(cast.provider)
          .filter((c) => JSON.stringify(c.body).includes('is failing'));
        expect(told).to.have.length(1);
      } finally {
        await hook.close();
      }
    });
  });
});
