import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../../logging/logger.js';
import { NodemailerMailService, maskEmail } from '../../notifications/mail.service.js';

describe('NodemailerMailService', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-mail-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('writes an .eml file under DATA_DIR/mail when SMTP_URL is unset, in the recipient language', async () => {
    const mail = new NodemailerMailService(
      { dataDir, mailFrom: 'PC <no-reply@pc.local>' },
      createLogger('silent')
    );
    await mail.send({
      to: 'olga@contoso.ru',
      templateKey: 'verificationCode',
      language: 'ru',
      values: { name: 'Ольга', code: '482913', minutes: 15 },
    });
    const files = fs.readdirSync(path.join(dataDir, 'mail'));
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/\.eml$/);
    const eml = fs.readFileSync(path.join(dataDir, 'mail', files[0]), 'utf8');
    expect(eml).to.match(/^To: olga@contoso\.ru$/m);
    expect(eml).to.match(/^Subject: =\?UTF-8\?/m); // Russian subject, MIME-encoded
    expect(eml).to.include('multipart/alternative');
  });

  it('sends through SMTP when SMTP_URL is set, with text and html parts', async () => {
    const received: { from?: string; to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const mail = new NodemailerMailService(
        { dataDir, smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'PC <no-reply@pc.local>' },
        createLogger('silent')
      );
      await mail.send({
        to: 'alice@contoso.com',
        templateKey: 'invitation',
        language: 'en',
        values: {
          partnerName: 'Fabrikam <Ltd>',
          link: 'https://pc.local/i/abc',
          expiresAt: 'Jan 1',
        },
      });
      mail.close();
      expect(received).to.have.length(1);
      expect(received[0].to).to.deep.equal(['alice@contoso.com']);
      expect(received[0].from).to.equal('no-reply@pc.local');
      expect(received[0].data).to.include('Subject: Fabrikam <Ltd> invites you to Partner Connect');
      expect(received[0].data).to.include('Fabrikam &lt;Ltd&gt;'); // escaped in the html part only
      expect(received[0].data).to.include('https://pc.local/i/abc');
      expect(fs.existsSync(path.join(dataDir, 'mail'))).to.equal(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('never logs the whole address or the template values (codes)', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const mail = new NodemailerMailService({ dataDir, mailFrom: 'PC <no-reply@pc.local>' }, logger);
    await mail.send({
      to: 'alice@contoso.com',
      templateKey: 'verificationCode',
      language: 'en',
      values: { name: 'Alice', code: '482913', minutes: 15 },
    });
    const log = lines.join('');
    expect(log).to.include('a***@contoso.com');
    expect(log).not.to.include('alice@contoso.com');
    expect(log).not.to.include('482913');
  });

  it('refuses a template that does not exist', async () => {
    const mail = new NodemailerMailService({ dataDir, mailFrom: 'x@y.z' }, createLogger('silent'));
    let error: unknown;
    await mail
      .send({ to: 'a@b.c', templateKey: 'nope', language: 'en', values: {} })
      .catch((e) => (error = e));
    expect(String(error)).to.match(/unknown mail template nope/);
  });

  it('masks addresses for logs', () => {
    expect(maskEmail('bob@fabrikam.com')).to.equal('b***@fabrikam.com');
    expect(maskEmail('nonsense')).to.equal('***');
  });
});
