import { expect } from 'chai';
import { productModules, type ProductModules } from '../../app-modules.js';
import { Verbs } from '../../cards/verbs.js';
import { OPERATOR_ENV, personas } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../notifications/helpers/delivery-harness.js';
import { parseSamples, valueOf, type Sample } from './prometheus-text.js';

const TOKEN = 'a-metrics-token-of-enough-length';
const FAST_WORKER = {
  retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 },
  pollMs: 50,
  sweepEveryMs: 60_000,
};

describe('GET /metrics of the running product (turns, deliveries, database)', function () {
  this.timeout(30_000);
  const reseller = personas.reseller;
  let app: TestApp<ProductModules>;

  beforeEach(async () => {
    app = await startTestApp<ProductModules>(
      { ...OPERATOR_ENV, METRICS_TOKEN: TOKEN },
      { modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }) }
    );
  });
  afterEach(async () => app?.stop());

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${app.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).to.equal(200);
    return parseSamples(await res.text());
  };
  const notify = (key: string, text: string) =>
    app.app.modules.notifications.service.notify({
      key,
      to: { kind: 'user', user: reseller },
      content: () => ({ text }),
    });

  it('counts turns by activity, kind and outcome, with their latency, and never the typed text', async () => {
    await app.post(app.teams.install(reseller));
    await app.post(app.teams.message(reseller, 'status'));
    await app.post(app.teams.message(reseller, 'status'));
    // `verify` with nothing pending is a DomainError: a refusal, answered politely.
    await app.post(app.teams.message(reseller, 'verify'));
    await app.post(app.teams.message(reseller, 'zebra-unicorn-42 hello'));
    // Retry in the outbox is an operator's: the reseller's click is refused.
    const invoke = await app.post(
      app.teams.cardAction(reseller, Verbs.outboxRetry, { id: '0123456789abcdef01234567' })
    );
    expect(invoke.status).to.equal(200);

    const samples = await scrape();
    const turns = (labels: Record<string, string>) =>
      valueOf(samples, 'partner_connect_turns_total', labels);
    expect(turns({ activity: 'message', kind: 'command:status', outcome: 'ok' })).to.equal(2);
    expect(turns({ activity: 'message', kind: 'command:verify', outcome: 'refused' })).to.equal(1);
    expect(turns({ activity: 'message', kind: 'message', outcome: 'ok' })).to.equal(1);
    expect(
      turns({ activity: 'invoke', kind: `verb:${Verbs.outboxRetry}`, outcome: 'refused' })
    ).to.equal(1);
    expect(turns({ activity: 'conversationUpdate', outcome: 'ok' })).to.equal(1);
    expect(turns({})).to.equal(6);

    const latency = (name: string, labels: Record<string, string>) =>
      valueOf(samples, `partner_connect_turn_duration_seconds_${name}`, labels);
    expect(latency('count', { activity: 'message', outcome: 'ok' })).to.equal(3);
    expect(latency('count', { activity: 'message', outcome: 'refused' })).to.equal(1);
    expect(latency('count', { activity: 'invoke', outcome: 'refused' })).to.equal(1);
    expect(latency('sum', { activity: 'message', outcome: 'ok' })).to.be.greaterThan(0);
    expect(
      latency('bucket', { activity: 'message', outcome: 'ok', le: '+Inf' }),
      'every turn falls in the +Inf bucket'
    ).to.equal(3);

    const raw = samples.map((s) => JSON.stringify(s)).join('\n');
    expect(raw).to.not.include('zebra-unicorn');
    expect(raw).to.not.include(reseller.aadObjectId);
    expect(raw).to.not.include(reseller.tenantId);
  });

  it('counts an invoke of a name Teams never sends as invoke:other, not under its name', async () => {
    const res = await app.post({
      ...app.teams.cardAction(reseller, Verbs.outboxRetry),
      name: 'made-up/name-7f3a',
      value: {},
    });
    // botbuilder answers invokes nobody handles with 501 Not Implemented.
    expect(res.status).to.equal(501);
    const samples = await scrape();
    expect(
      valueOf(samples, 'partner_connect_turns_total', { activity: 'invoke', kind: 'invoke:other' })
    ).to.equal(1);
    expect(JSON.stringify(samples)).to.not.include('made-up');
  });

  it('counts a request refused before the bot as rejected', async () => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"not":"an activity"}',
    });
    expect(res.status).to.equal(400);
    const samples = await scrape();
    expect(
      valueOf(samples, 'partner_connect_turns_total', { activity: 'none', outcome: 'rejected' })
    ).to.equal(1);
  });

  it('counts a delivery answered 429, the Retry-After wait, and the send that followed', async () => {
    await app.post(app.teams.install(reseller));
    await app.connector.waitForActivity();
    const chat = app.teams.conversationId(reseller);
    app.connector.fail(429, { conversationId: chat, retryAfterSeconds: 1 });
    await notify('metrics:429', 'after a 429');
    await app.connector.waitForActivity((a) => a.text === 'after a 429', 10_000);

    let samples: Sample[] = [];
    await eventually(
      async () => {
        samples = await scrape();
        return valueOf(samples, 'partner_connect_deliveries_total', { status: 'sent' }) === 1;
      },
      5000,
      'the send recorded'
    );
    const deliveries = (labels: Record<string, string>) =>
      valueOf(samples, 'partner_connect_deliveries_total', { kind: 'message', ...labels });
    expect(deliveries({ status: '429', result: 'retry' })).to.equal(1);
    expect(deliveries({ status: 'sent', result: 'sent' })).to.equal(1);
    expect(valueOf(samples, 'partner_connect_delivery_retry_after_seconds_count')).to.equal(1);
    expect(valueOf(samples, 'partner_connect_delivery_retry_after_seconds_sum')).to.equal(1);
    expect(valueOf(samples, 'partner_connect_dead_letters_total')).to.equal(0);
  });

  it('counts dead letters and the 5xx answers that led to them', async () => {
    await app.post(app.teams.install(reseller));
    await app.connector.waitForActivity();
    const chat = app.teams.conversationId(reseller);
    app.connector.fail(503, { conversationId: chat, times: FAST_WORKER.retry.maxAttempts });
    await notify('metrics:dead', 'never delivered');

    let samples: Sample[] = [];
    await eventually(
      async () => {
        samples = await scrape();
        return valueOf(samples, 'partner_connect_dead_letters_total') === 1;
      },
      5000,
      'dead-lettered'
    );
    expect(valueOf(samples, 'partner_connect_dead_letters_total', { kind: 'message' })).to.equal(1);
    const deliveries = (labels: Record<string, string>) =>
      valueOf(samples, 'partner_connect_deliveries_total', { kind: 'message', ...labels });
    expect(deliveries({ status: '5xx', result: 'retry' })).to.equal(
      FAST_WORKER.retry.maxAttempts - 1
    );
    expect(deliveries({ status: '5xx', result: 'dead_letter' })).to.equal(1);
  });

  it('records database command latency by command name, from the driver', async () => {
    await app.post(app.teams.message(reseller, 'status'));
    const samples = await scrape();
    const count = (command: string) =>
      valueOf(samples, 'partner_connect_db_command_duration_seconds_count', {
        command,
        outcome: 'ok',
      });
    expect(count('find')).to.be.greaterThan(0);
    expect(count('update') + count('insert')).to.be.greaterThan(0);
    expect(
      valueOf(samples, 'partner_connect_db_command_duration_seconds_sum', { command: 'find' })
    ).to.be.greaterThan(0);
  });
});
