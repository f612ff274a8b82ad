import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Verbs } from '../../cards/verbs.js';
import { captureLogger } from '../e2e/server/capture-logger.js';
import { personas } from '../helpers/personas.js';
import { snapshot, startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';

const DATA = ['users', 'partners', 'enrollmentDrafts', 'conversationreferences', 'botstate'];
const who = personas.reseller;

/**
 * Action.Execute arrives as an `adaptiveCard/action` invoke whose `value.action` the SDK reads
 * without checking: a malformed one crashed the turn (an apology, a 501, an error logged as the
 * bot's). Its shape is checked at the boundary with the rest of the activity.
 */
describe('rule: an Action.Execute invoke of the wrong shape is refused at the boundary (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let lines: Record<string, any>[];
  before(async () => {
    const cap = captureLogger();
    lines = cap.lines;
    env = await startSecurityApp({ LOG_LEVEL: 'debug' }, { logger: cap.logger });
    await env.app.post(env.app.teams.install(who));
  });
  after(async () => env?.stop());

  const invoke = (value: unknown) => {
    const a = env.app.teams.cardAction(who, Verbs.commandRun, { command: 'help' }) as Record<
      string,
      any
    >;
    a.value = value;
    return a as Partial<Activity>;
  };

  const shapes: [string, unknown][] = [
    ['no value', undefined],
    ['action null', { action: null }],
    ['action a string', { action: 'Action.Execute' }],
    ['action without type', { action: { verb: Verbs.commandRun, data: {} } }],
    ['a numeric verb', { action: { type: 'Action.Execute', verb: 5, data: {} } }],
    ['an object verb', { action: { type: 'Action.Execute', verb: { $gt: '' }, data: {} } }],
    ['data as an array', { action: { type: 'Action.Execute', verb: 'x', data: [1, 2] } }],
    ['data as a string', { action: { type: 'Action.Execute', verb: 'x', data: 'x' } }],
  ];
  for (const [what, value] of shapes) {
    it(`refuses ${what} with 400: no turn error, nothing stored`, async () => {
      const before = await snapshot(env, ...DATA);
      const logged = lines.length;
      const sent = env.app.connector.calls.length;
      const res = await env.app.post(invoke(value));
      expect(res.status).to.equal(400);
      expect(lines.slice(logged).filter((l) => l.level >= 50)).to.deep.equal([]);
      expect(env.app.connector.calls.length).to.equal(sent);
      expect(await snapshot(env, ...DATA)).to.deep.equal(before);
    });
  }

  it('still runs a well-formed Action.Execute', async () => {
    const res = await env.app.post(
      env.app.teams.cardAction(who, Verbs.commandRun, { command: 'help' })
    );
    expect(res.status).to.equal(200);
  });
});
