import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { personas } from '../helpers/personas.js';
import { captureLogger } from '../e2e/server/capture-logger.js';
import { NodemailerMailService } from '../../notifications/mail.service.js';
import {
  chat,
  eventually,
  startSecurityApp,
  ANSWERS,
  type SecurityEnv,
} from '../e2e/security/security-world.js';
import { Verbs } from '../../cards/verbs.js';

/** An SMTP server that refuses every recipient with 550, naming the address as real ones do. */
async function startRejectingSmtp() {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const err = Object.assign(new Error(`<${address.address}>: Recipient address rejected`), {
        responseCode: 550,
      });
      callback(err);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('rule: no whole email address in the logs when SMTP rejects the recipient', function () {
  this.timeout(60_000);
  let smtp: Awaited<ReturnType<typeof startRejectingSmtp>>;
  before(async () => {
    smtp = await startRejectingSmtp();
  });
  after(async () => smtp?.close());

  it('masks the recipient in the error a 550 raises, keeping the SMTP code', async () => {
    const captured = captureLogger();
    const mail = new NodemailerMailService(
      { smtpUrl: smtp.url, mailFrom: 'bot@partner-connect.local', dataDir: '/nonexistent' },
      captured.logger
    );
    const to = 'anna.petrova@contoso-reseller.example';
    let thrown: any;
    try {
      await mail.send({
        to,
        templateKey: 'verificationCode',
        language: 'en',
        values: { code: '123456' },
      });
    } catch (err) {
      thrown = err;
    } finally {
      mail.close();
    }
    expect(thrown, 'the send fails').to.be.instanceOf(Error);
    expect(thrown.responseCode).to.equal(550);
    captured.logger.error({ err: thrown }, 'send failed');
    expect(captured.raw.join('\n')).to.not.include(to);
    expect(JSON.stringify(thrown)).to.not.include(to);
    expect(String(thrown.stack)).to.not.include(to);
  });

  it('logs a whole enrollment whose code mail is refused without the contact address (real server)', async () => {
    const captured = captureLogger();
    const env: SecurityEnv = await startSecurityApp(
      { SMTP_URL: smtp.url, LOG_LEVEL: 'debug' },
      { logger: captured.logger }
    );
    try {
      const who = personas.reseller;
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      for (const [section, inputs] of Object.entries(ANSWERS(who.email, '1234567', 'reseller')))
        await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
      await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
      await eventually(
        () => captured.raw.some((l) => /550|rejected/i.test(l)),
        'the refused mail in the log'
      );
      expect(captured.raw.join('\n')).to.not.include(who.email);
    } finally {
      await env.stop();
    }
  });
});
