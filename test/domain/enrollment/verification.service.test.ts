import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DomainError } from '../../../domain/errors.js';
import { VerificationService } from '../../../domain/enrollment/verification.service.js';
import type { SentMail } from './enrollment-world.js';
import { storeFactories } from '../../models/enrollment/store-factories.js';

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

for (const [storeName, stores] of storeFactories()) {
  describe(`verification codes (${storeName})`, () => {
    let now: Date;
    let mails: SentMail[];
    let logLines: string[];
    let svc: VerificationService;
    let close: () => Promise<void>;
    let repo: Awaited<ReturnType<typeof stores>>['verifications'];

    beforeEach(async () => {
      const s = await stores();
      close = () => s.close();
      repo = s.verifications;
      now = new Date('2026-11-25T10:00:00Z');
      mails = [];
      logLines = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          logLines.push(String(chunk));
          cb();
        },
      });
      svc = new VerificationService({
        repo: s.verifications,
        mail: { send: async (m) => void mails.push(m) },
        now: () => new Date(now),
        logger: pino({ level: 'trace' }, sink),
      });
    });
    afterEach(async () => close());

    const code = () => String(mails.at(-1)!.values.code);
    const wrong = () => (code() === '000000' ? '111111' : '000000');

    it('mails a 6-digit code and stores only a salted hash of it', async () => {
      await svc.send('s1', 'anna@contoso.example', 'ru', { legalName: 'Contoso' });
      expect(mails[0]).to.deep.include({
        to: 'anna@contoso.example',
        templateKey: 'verificationCode',
        language: 'ru',
      });
      expect(mails[0].values).to.include({ legalName: 'Contoso', minutes: 30 });
      expect(code()).to.match(/^\d{6}$/);
      const stored = await repo.get('s1');
      expect(JSON.stringify(stored)).to.not.include(code());
      expect(stored!.codeHash).to.match(/^[0-9a-f]{64}$/);
    });

    it('accepts the right code once', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      await svc.check('s1', ` ${code().slice(0, 3)} ${code().slice(3)} `);
      expect((await errorOf(svc.check('s1', code()))).messageKey).to.equal(
        'enrollment:errors.codeUsed'
      );
    });

    it('counts wrong codes and locks after 5 attempts, even for the right one', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      for (let left = 4; left >= 1; left--) {
        const err = await errorOf(svc.check('s1', wrong()));
        expect(err.messageKey).to.equal('enrollment:errors.codeWrong');
        expect(err.values).to.deep.equal({ count: left });
      }
      expect((await errorOf(svc.check('s1', wrong()))).messageKey).to.equal(
        'enrollment:errors.codeAttemptsExhausted'
      );
      expect((await errorOf(svc.check('s1', code()))).messageKey).to.equal(
        'enrollment:errors.codeAttemptsExhausted'
      );
    });

    it('counts parallel guesses exactly: at most 5 are compared', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => svc.check('s1', wrong()))
      );
      const keys = results.map((r) =>
        r.status === 'rejected' ? (r.reason as DomainError).messageKey : 'ok'
      );
      expect(keys.filter((k) => k === 'enrollment:errors.codeWrong')).to.have.length(4);
      expect((await repo.get('s1'))!.attempts).to.equal(5);
    });

    it('refuses a code after 30 minutes', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      now = new Date(now.getTime() + 30 * 60_000);
      expect((await errorOf(svc.check('s1', code()))).code).to.equal('Expired');
    });

    it('refuses malformed input without spending an attempt', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      expect((await errorOf(svc.check('s1', '12ab56'))).messageKey).to.equal(
        'enrollment:errors.codeFormat'
      );
      expect((await repo.get('s1'))!.attempts).to.equal(0);
    });

    it('resends after the cooldown with fresh attempts, and caps codes per hour', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      const cooldown = await errorOf(svc.resend('s1', 'a@b.example', 'en'));
      expect(cooldown.messageKey).to.equal('enrollment:errors.resendCooldown');
      expect(cooldown.values).to.deep.equal({ count: 60 });
      for (let i = 0; i < 4; i++) await errorOf(svc.check('s1', wrong()));
      for (let i = 2; i <= 5; i++) {
        now = new Date(now.getTime() + 61_000);
        await svc.resend('s1', 'a@b.example', 'en');
      }
      expect((await repo.get('s1'))!.attempts).to.equal(0);
      now = new Date(now.getTime() + 61_000);
      expect((await errorOf(svc.resend('s1', 'a@b.example', 'en'))).messageKey).to.equal(
        'enrollment:errors.tooManyCodes'
      );
      now = new Date(now.getTime() + 3_600_000);
      await svc.resend('s1', 'a@b.example', 'en');
      expect(mails).to.have.length(6);
      await svc.check('s1', code());
    });

    it('never writes a code to the log', async () => {
      await svc.send('s1', 'a@b.example', 'en');
      await errorOf(svc.check('s1', wrong()));
      await svc.check('s1', code());
      expect(logLines.length).to.be.greaterThan(0);
      expect(logLines.join('\n')).to.not.include(code());
    });
  });
}
