import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas } from '../../helpers/personas.js';
import { captureLogger } from '../server/capture-logger.js';
import {
  ANSWERS,
  chat,
  codeIn,
  eventually,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

/** Whole email addresses (masked ones like a***@contoso.example have no full local part). */
const EMAILS = [personas.reseller.email, 'support@contoso.example', personas.operator.email];

function assertClean(raw: string[], secrets: string[]) {
  const all = raw.join('\n');
  for (const s of secrets) expect(all, `logs contain ${s}`).to.not.include(s);
  expect(all).to.not.match(/Bearer\s+[\w-]+\.[\w-]+/i);
  expect(all).to.not.match(/"authorization"\s*:/i);
  expect(all).to.not.include('test-app-password');
}

describe('security: no codes, emails or tokens in the logs (real server, auth on)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let captured: ReturnType<typeof captureLogger>;
  beforeEach(async () => {
    captured = captureLogger();
    env = await startSecurityApp({ LOG_LEVEL: 'debug' }, { logger: captured.logger, auth: true });
  });
  afterEach(async () => env?.stop());

  it('logs a full enrollment, code entry and approval without a code, an email or a token', async () => {
    const who = personas.reseller;
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    for (const [section, inputs] of Object.entries(ANSWERS(who.email, '1234567', 'reseller'))) {
      await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
    }
    await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
    const mail = await eventually(() => env.smtp.mails[0], 'the code mail');
    const code = codeIn(mail);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await c.say(`verify ${wrong}`);
    await c.say(code);
    const { partner } = await env.enrollment.services.enrollment.status(who);
    expect(partner?.status).to.equal('underReview');
    await chat(env, personas.operator).execute(Verbs.reviewApprove, { partnerRef: partner!.id });
    await eventually(
      () => env.smtp.mails.length >= 2 && env.app.connector.calls.some((x) => x.method === 'PUT'),
      'the decision mail and card update'
    );
    expect(captured.raw.length).to.be.above(10);
    // The bot did authenticate to the connector: the test would see a leaked token.
    expect(
      env.app.connector.calls.some((x) => /^Bearer /.test(String(x.headers.authorization)))
    ).to.equal(true);
    assertClean(captured.raw, EMAILS);
    for (const c6 of [code, wrong]) {
      // Standing alone, so digits inside object ids and timestamps do not count.
      expect(captured.raw.join('\n')).to.not.match(new RegExp(`(?<![\\w-])${c6}(?![\\w-])`));
    }
  });

  it("logs a failed reply (the connector answers 403) without the request's Authorization header", async () => {
    const who = personas.customer;
    env.app.connector.addMembers(who);
    env.app.connector.fail(403, {
      method: 'POST',
      conversationId: env.app.teams.conversationId(who),
      times: Infinity,
    });
    await env.app.post(env.app.teams.message(who, 'help'));
    await eventually(() => captured.lines.some((l) => l.level >= 50), 'the error log line');
    const error = captured.lines.find((l) => l.level >= 50);
    expect(JSON.stringify(error)).to.include('RestError');
    assertClean(captured.raw, [who.email]);
  });
});

describe('security: no codes or emails in the logs when mail goes to .eml files', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let captured: ReturnType<typeof captureLogger>;
  beforeEach(async () => {
    captured = captureLogger();
    env = await startSecurityApp({ SMTP_URL: '', LOG_LEVEL: 'debug' }, { logger: captured.logger });
  });
  afterEach(async () => env?.stop());

  it('writes the code mail to a file and logs only a masked address', async () => {
    const who = personas.provider;
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    for (const [section, inputs] of Object.entries(ANSWERS(who.email, '7654321', 'provider'))) {
      await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
    }
    await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
    const dir = path.join(env.app.dataDir, 'mail');
    const file = await eventually(
      () => fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.endsWith('.eml')),
      'the .eml file'
    );
    const code = codeIn({ to: [who.email], data: fs.readFileSync(path.join(dir, file), 'utf8') });
    await c.say(code);
    const { partner } = await env.enrollment.services.enrollment.status(who);
    expect(partner?.status).to.equal('underReview');
    expect(captured.raw.join('\n')).to.include('***@fabrikam-dist.example');
    assertClean(captured.raw, [who.email]);
    expect(captured.raw.join('\n')).to.not.match(new RegExp(`(?<![\\w-])${code}(?![\\w-])`));
  });
});
