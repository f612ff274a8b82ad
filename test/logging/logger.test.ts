import { Writable } from 'node:stream';
import { expect } from 'chai';
import { NotFoundError } from '../../domain/errors.js';
import { createLogger, moduleLogger } from '../../logging/logger.js';

/** A stream that keeps what is written, line by line. */
function memorySink() {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { sink, raw };
}

/** The product logger writing into memory: raw JSON lines, as a log collector gets them. */
function productLogger() {
  const { sink, raw } = memorySink();
  const logger = createLogger('debug', sink);
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('logger', () => {
  describe('redaction', () => {
    it('keeps error codes visible: a DomainError code and an errno code like ECONNREFUSED', () => {
      const { logger, lines } = productLogger();
      const domain = new NotFoundError();
      logger.info({ errorCode: domain.code, messageKey: domain.messageKey }, 'domain error');
      logger.warn({ err: domain }, 'domain error as err');
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), {
        code: 'ECONNREFUSED',
        errno: -111,
      });
      logger.error({ err: refused }, 'mail failed');
      const [first, second, third] = lines();
      expect(first.errorCode).to.equal('NotFound');
      expect(second.err.code).to.equal('NotFound');
      expect(third.err.code).to.equal('ECONNREFUSED');
    });

    it('never writes a verification code: typed text, card values or mail values', () => {
      const { logger, raw } = productLogger();
      const code = '482913';
      logger.info({ activity: { type: 'message', text: `verify ${code}` } }, 'typed');
      logger.info({ text: code }, 'bare text');
      const verb = 'enrollment.verify';
      logger.info({ activity: { type: 'message', value: { verb, code } } }, 'submit');
      const action = { verb, data: { code } };
      logger.info({ activity: { type: 'invoke', value: { action } } }, 'execute');
      logger.info({ data: { code } }, 'card data');
      logger.info({ mail: { templateKey: 'verification', values: { code } } }, 'mail');
      logger.info({ values: { code }, text: `Code: ${code}`, html: `<b>${code}</b>` }, 'rendered');
      expect(raw).to.have.length(7);
      for (const line of raw) expect(line).not.to.include(code);
      // The rest of each object stays, so the line is still useful.
      expect(raw.join('\n')).to.include('enrollment.verify').and.include('verification');
    });

    it('still redacts credentials and whole email addresses', () => {
      const { logger, raw } = productLogger();
      logger.info(
        {
          password: 'pw-1',
          token: 'tok-1',
          headers: { authorization: 'Bearer abc.def' },
          MicrosoftAppPassword: 'app-pw',
          config: { smtpUrl: 'smtp://u:pw@mail' },
          user: { email: 'anna@contoso.example' },
        },
        'secrets'
      );
      for (const secret of ['pw-1', 'tok-1', 'abc.def', 'app-pw', 'u:pw@', 'anna@contoso.example'])
        expect(raw[0]).not.to.include(secret);
    });
  });

  describe('format', () => {
    it('writes readable lines for a person at a terminal: time, level, module, message', () => {
      const { sink, raw } = memorySink();
      const logger = createLogger('info', { destination: sink, pretty: true });
      moduleLogger(logger, 'web').info({ port: 3978 }, 'listening');
      expect(raw[0]).to.match(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: listening$/);
      expect(raw.join('\n')).to.include('module: "web"').and.include('port: 3978');
      expect(() => JSON.parse(raw[0])).to.throw();
    });

    it('redacts readable lines too: codes, secrets and whole email addresses', () => {
      const { sink, raw } = memorySink();
      const logger = createLogger('info', { destination: sink, pretty: true });
      logger.info(
        {
          activity: { text: 'verify 482913' },
          user: { email: 'anna@contoso.example' },
          token: 't-1',
        },
        'typed'
      );
      const out = raw.join('\n');
      expect(out).to.include('[redacted]');
      for (const secret of ['482913', 'anna@contoso.example', 't-1'])
        expect(out).not.to.include(secret);
    });

    it('writes JSON when not told otherwise and given a stream (pipes, collectors)', () => {
      const { sink, raw } = memorySink();
      createLogger('info', { destination: sink }).info('hello');
      createLogger('info', { destination: sink, pretty: false }).info('again');
      expect(raw.map((l) => JSON.parse(l).msg)).to.deep.equal(['hello', 'again']);
    });
  });

  describe('moduleLogger', () => {
    it('writes one module key: nested modules become a path', () => {
      const { logger, raw } = productLogger();
      const db = moduleLogger(logger, 'db');
      const store = moduleLogger(moduleLogger(db, 'embedded-mongo'), 'data-store');
      db.info('outer');
      store.info('inner');
      expect(raw.map((l) => l.match(/"module":/g)?.length)).to.deep.equal([1, 1]);
      expect(JSON.parse(raw[0]).module).to.equal('db');
      expect(JSON.parse(raw[1])).to.include({
        app: 'partner-connect',
        module: 'db/embedded-mongo/data-store',
      });
    });

    it('keeps other bindings added between the modules, and the level', () => {
      const { logger, raw } = productLogger();
      const worker = moduleLogger(logger, 'outbox').child({ owner: 'w-1' });
      worker.level = 'warn';
      const inner = moduleLogger(worker, 'mail');
      inner.info('dropped at warn');
      inner.warn('kept');
      expect(raw).to.have.length(1);
      expect(raw[0].match(/"module":/g)).to.have.length(1);
      expect(JSON.parse(raw[0])).to.include({ module: 'outbox/mail', owner: 'w-1' });
    });
  });
});
