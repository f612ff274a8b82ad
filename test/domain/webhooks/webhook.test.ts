import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import {
  addressRefusal,
  eventIdOf,
  newWebhookSecret,
  retryDelayMs,
  webhookUrlRefusal,
} from '../../../domain/webhooks/webhook.js';

describe('webhooks: the rules', () => {
  const strict = { allowHttpLoopback: false };
  const local = { allowHttpLoopback: true };

  it('takes https URLs, and http only to loopback when allowed', () => {
    expect(webhookUrlRefusal('https://psa.example.com/hooks?x=1', strict)).to.equal(undefined);
    expect(webhookUrlRefusal('http://psa.example.com/hooks', local)).to.equal(
      'webhooks:errors.httpsOnly'
    );
    expect(webhookUrlRefusal('http://127.0.0.1:8080/h', strict)).to.equal(
      'webhooks:errors.httpLoopbackNotAllowed'
    );
    expect(webhookUrlRefusal('http://127.0.0.1:8080/h', local)).to.equal(undefined);
    expect(webhookUrlRefusal('http://localhost:8080/h', local)).to.equal(undefined);
    expect(webhookUrlRefusal('not a url', local)).to.equal('webhooks:errors.badUrl');
    expect(webhookUrlRefusal('https://a:b@psa.example.com/', local)).to.equal(
      'webhooks:errors.badUrl'
    );
    expect(webhookUrlRefusal('https://192.168.1.10/h', local)).to.equal(
      'webhooks:errors.privateAddress'
    );
    expect(webhookUrlRefusal('https://[fd00::1]/h', local)).to.equal(
      'webhooks:errors.privateAddress'
    );
  });

  it('refuses private, link-local and mapped addresses; loopback only unless allowed', () => {
    for (const ip of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '::',
    ]) {
      expect(addressRefusal(ip, true), ip).to.equal(true);
    }
    expect(addressRefusal('127.0.0.1', false)).to.equal(true);
    expect(addressRefusal('::1', false)).to.equal(true);
    expect(addressRefusal('::ffff:127.0.0.1', false)).to.equal(true);
    expect(addressRefusal('127.0.0.1', true)).to.equal(false);
    expect(addressRefusal('20.190.1.1', false)).to.equal(false);
    expect(addressRefusal('2603:1000::1', false)).to.equal(false);
  });

  it('backs off doubling from the base, capped at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).to.deep.equal([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect(retryDelayMs(40, 30_000)).to.equal(3_600_000);
  });

  it('makes secrets the standardwebhooks package signs with, and stable event ids', () => {
    const secret = newWebhookSecret();
    expect(secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newWebhookSecret()).not.to.equal(secret);
    const wh = new Webhook(secret);
    const at = new Date();
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': wh.sign('evt_1', at, '{"a":1}'),
    };
    expect(wh.verify('{"a":1}', headers)).to.deep.equal({ a: 1 });
    expect(eventIdOf('relationship:1:t:active')).to.equal(eventIdOf('relationship:1:t:active'));
    expect(eventIdOf('relationship:1:t:active')).not.to.equal(eventIdOf('relationship:1:t:ended'));
  });
});
