import { expect } from 'chai';
import { MAX_JSON_DEPTH } from '../../web/read-body.js';
import { captureLogger } from '../e2e/server/capture-logger.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postActivity, type TeamsPersona } from '../helpers/teams-activity.js';

const anna: TeamsPersona = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  aadObjectId: '11111111-0000-0000-0000-000000000001',
  name: 'Anna Petrova',
  email: 'anna@contoso-reseller.example',
  locale: 'en-US',
};

/** A marker that must never come back in an answer or a log line. */
const MARKER = 'deep-marker-7f3a';

describe('rule: /api/messages refuses bodies it should not parse, before parsing (product server)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let logs: ReturnType<typeof captureLogger>;
  before(async () => {
    logs = captureLogger();
    app = await startTestApp({}, { logger: logs.logger });
  });
  after(async () => app?.stop());

  for (const depth of [5_000, 100_000]) {
    it(`answers an activity nested ${depth} deep 400, echoing nothing, and runs no turn`, async () => {
      const nested = '['.repeat(depth) + JSON.stringify(MARKER) + ']'.repeat(depth);
      const activity = JSON.stringify(app.teams.message(anna, 'help')).replace(
        /}$/,
        `,"value":${nested}}`
      );
      const res = await postActivity(app.url, activity);
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        error: 'too_deep',
        message: `The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`,
      });
      expect(logs.raw.join('\n')).not.to.include(MARKER);
      expect(app.connector.calls).to.deep.equal([]);
    });
  }

  it('counts objects and arrays alike, and ignores brackets inside strings', async () => {
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH) + '1' + '}'.repeat(MAX_JSON_DEPTH);
    const deep = await postActivity(
      app.url,
      JSON.stringify(app.teams.message(anna, 'help')).replace(/}$/, `,"value":${objects}}`)
    );
    expect(deep.status).to.equal(400);
    expect(deep.body).to.deep.include({ error: 'too_deep' });

    // Brackets in text are characters, not nesting: the turn runs and the bot answers.
    const text = `${'[{'.repeat(200)} \\" ${'}]'.repeat(200)}`;
    const res = await postActivity(app.url, app.teams.message(anna, text));
    expect(res.status).to.equal(200);
    await app.connector.waitFor((c) => c.method === 'POST');
  });

  for (const [name, contentType] of [
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no Content-Type', undefined],
    ['a type merely containing json', 'text/json-ish'],
  ] as const) {
    it(`answers a body sent as ${name} 415 and runs no turn`, async () => {
      const calls = app.connector.calls.length;
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: contentType ? { 'Content-Type': contentType } : {},
        // A Blob without a type makes fetch send no Content-Type at all.
        body: new Blob([JSON.stringify(app.teams.message(anna, 'help'))]),
      });
      expect(res.status).to.equal(415);
      expect(await res.json()).to.deep.equal({
        error: 'unsupported_media_type',
        message: 'The body must be application/json.',
      });
      expect(app.connector.calls.length).to.equal(calls);
    });
  }

  it('takes application/json with a charset, in any case', async () => {
    const calls = app.connector.calls.length;
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
      body: JSON.stringify(app.teams.message(anna, 'help')),
    });
    expect(res.status).to.equal(200);
    await app.connector.waitFor(() => app.connector.calls.length > calls);
  });
});
