import { expect } from 'chai';
import { t } from '../../../i18n/i18n.js';
import { personas } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { captureLogger } from './capture-logger.js';

describe('POST /api/messages with the product bot (real server and database)', function () {
  this.timeout(30_000);
  const who = personas.reseller;
  let app: TestApp;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    logs = captureLogger();
    app = await startTestApp({}, { logger: logs.logger });
  });
  afterEach(async () => app?.stop());

  const turnLines = () => logs.lines.filter((l) => l.msg === 'turn');

  /** The next reply to this persona is refused once, so the turn fails with a RestError. */
  const failNextReply = () =>
    app.connector.fail(403, { method: 'POST', conversationId: app.teams.conversationId(who) });

  it('logs exactly one turn line per activity: ok, domain error and unhandled error', async () => {
    await app.post(app.teams.message(who, 'help'));
    // `verify` with nothing pending is a DomainError (Invalid), answered with a localized reply.
    await app.post(app.teams.message(who, 'verify'));
    failNextReply();
    await app.post(app.teams.message(who, 'help'));
    await app.connector.waitForActivity((a) => a.text === t('en', 'errors:generic'));

    const turns = turnLines();
    expect(turns.map((l) => l.outcome)).to.deep.equal(['ok', 'domainError', 'failed']);
    for (const line of turns) {
      expect(line).to.include({
        activityType: 'message',
        tenantId: who.tenantId,
        conversationType: 'personal',
        status: 200,
      });
      expect(line.durationMs).to.be.a('number');
    }
    expect(logs.lines.filter((l) => l.msg === 'unhandled error in turn')).to.have.length(1);
  });

  it('logs a group chat message that does not mention the bot once, as ignored', async () => {
    await app.post(app.teams.message(who, 'just chatting', { scope: 'groupChat', mention: false }));
    const turns = turnLines();
    expect(turns).to.have.length(1);
    expect(turns[0]).to.include({
      outcome: 'ignored',
      tenantId: who.tenantId,
      conversationType: 'groupChat',
    });
  });

  it('logs the DomainError code with the domain error', async () => {
    await app.post(app.teams.message(who, 'verify'));
    const line = logs.lines.find((l) => l.msg === 'domain error');
    expect(line).to.include({
      errorCode: 'Invalid',
      messageKey: 'enrollment:errors.codeMissing',
    });
  });

  it('apologizes in the language the user chose, not the client locale', async () => {
    expect(who.locale).to.equal('en-US');
    await app.post(app.teams.message(who, 'language ru'));
    await app.connector.waitForActivity((a) => a.text === t('ru', 'bot:language.changed'));
    failNextReply();
    await app.post(app.teams.message(who, 'help'));
    const ru = t('ru', 'errors:generic');
    const apology = await app.connector.waitForActivity((a) => a.text === ru);
    expect(apology.text).not.to.equal(t('en', 'errors:generic'));
  });
});
