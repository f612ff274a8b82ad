import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { postActivity, type TeamsPersona } from '../../helpers/teams-activity.js';
import { t } from '../../../i18n/i18n.js';
import { captureLogger } from './capture-logger.js';
import { echoBot } from './echo-bot.js';

const anna: TeamsPersona = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  aadObjectId: '11111111-0000-0000-0000-000000000001',
  name: 'Anna Petrova',
  email: 'anna@contoso-reseller.example',
  locale: 'en-US',
};

describe('POST /api/messages (open mode, real server and database)', function () {
  let app: TestApp;
  let echo: ReturnType<typeof echoBot>;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    echo = echoBot();
    logs = captureLogger();
    app = await startTestApp({}, { botFactory: echo.factory, logger: logs.logger });
  });
  afterEach(async () => {
    echo.release();
    await app.stop();
  });

  function expectNothingProcessed() {
    expect(echo.turns).to.deep.equal([]);
    expect(app.connector.calls).to.deep.equal([]);
  }

  it('runs the turn and the reply reaches the Bot Connector at the activity serviceUrl', async () => {
    const activity = app.teams.message(anna, 'hello');
    const res = await app.post(activity);

    expect(res.status).to.equal(200);
    const reply = await app.connector.waitForActivity((a) => a.text === 'echo: hello');
    expect(reply.replyToId).to.equal(activity.id);
    const call = app.connector.calls[0];
    expect(call.method).to.equal('POST');
    expect(call.conversationId).to.equal(activity.conversation!.id);
    expect(call.activityId).to.equal(activity.id);
  });

  it('refuses a body that is not JSON with 400 and a JSON error', async () => {
    const res = await postActivity(app.url, '{"type": "message", ');
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.include({ error: 'invalid_json' });
    expectNothingProcessed();
  });

  for (const [name, body] of [
    ['an object without type', { text: 'hello', channelId: 'msteams' }],
    ['an array', [{ type: 'message' }]],
    ['a string', 'message'],
    ['a number type', { type: 5 }],
    ['null', null],
  ] as const) {
    it(`refuses JSON that is not an activity (${name}) with 400`, async () => {
      const res = await postActivity(app.url, JSON.stringify(body));
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.include({ error: 'not_an_activity' });
      expectNothingProcessed();
    });
  }

  const broken: [string, Record<string, unknown>][] = [
    ['without serviceUrl', { serviceUrl: undefined }],
    ['with a numeric serviceUrl', { serviceUrl: 42 }],
    ['without conversation', { conversation: undefined }],
    ['with a string conversation', { conversation: 'a:1' }],
    ['without channelId', { channelId: undefined }],
    ['with a string "from"', { from: 'anna' }],
    ['with a numeric text', { text: 7 }],
  ];
  for (const [name, change] of broken) {
    it(`refuses an activity ${name} with 400, never 500`, async () => {
      const activity = { ...app.teams.message(anna, 'hello'), ...change };
      const res = await postActivity(app.url, JSON.stringify(activity));
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.include({ error: 'not_an_activity' });
      expectNothingProcessed();
    });
  }

  it('refuses a body over 256 KB with 413, declared or streamed', async () => {
    const big = JSON.stringify({ ...app.teams.message(anna, 'x'.repeat(300 * 1024)) });
    const declared = await postActivity(app.url, big);
    expect(declared.status).to.equal(413);
    expect(declared.body).to.deep.include({ error: 'payload_too_large' });

    // Without Content-Length (chunked), the limit applies while reading.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).to.equal(413);
    expectNothingProcessed();
  });

  it('accepts a body just under the limit', async () => {
    const res = await app.post(app.teams.message(anna, 'y'.repeat(200 * 1024)));
    expect(res.status).to.equal(200);
    expect(echo.turns).to.have.length(1);
  });

  it('answers an unexpected error with the generic apology in the user language, logged once', async () => {
    const res = await app.post(app.teams.message({ ...anna, locale: 'ru-RU' }, 'boom'));
    expect(res.status).to.equal(200);
    const apology = await app.connector.waitForActivity();
    expect(apology.text).to.equal(t('ru', 'errors:generic'));
    expect(apology.text).not.to.equal(t('en', 'errors:generic'));
    const errors = logs.lines.filter((l) => l.msg === 'unhandled error in turn');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ activityType: 'message', tenantId: anna.tenantId });
    expect(errors[0].err.message).to.equal('echo bot exploded on purpose');
  });

  it('keeps the conversation state of a failed turn as it was before it (nothing lost, nothing half-saved)', async () => {
    await app.post(app.teams.message(anna, 'count'));
    await app.post(app.teams.message(anna, 'count'));
    await app.post(app.teams.message(anna, 'boom'));
    await app.post(app.teams.message(anna, 'count'));
    expect(app.connector.texts().filter((text) => text.startsWith('count'))).to.deep.equal([
      'count: 1',
      'count: 2',
      'count: 3',
    ]);
  });

  it('logs one structured line per turn without user text, names or emails', async () => {
    await app.post(app.teams.message(anna, 'my secret text'));
    await app.post(app.teams.message(anna, 'boom'));
    const turns = logs.lines.filter((l) => l.msg === 'turn');
    expect(turns).to.have.length(2);
    expect(turns[0]).to.include({
      activityType: 'message',
      tenantId: anna.tenantId,
      status: 200,
      outcome: 'ok',
    });
    expect(turns[0].durationMs).to.be.a('number');
    expect(turns[1]).to.include({ outcome: 'failed' });
    const all = logs.raw.join('\n');
    expect(all).not.to.include(anna.email);
    expect(all).not.to.include('my secret text');
    expect(all).not.to.include(anna.name);
  });
});
