import { expect } from 'chai';
import { DomainError } from '../../../domain/errors.js';
import { VerificationService } from '../../../domain/enrollment/verification.service.js';
import { testLogger } from '../../../logging/logger.js';
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

const APPLICANT = 't1/applicant';
const COLLEAGUE = 't1/colleague';

for (const [storeName, stores] of storeFactories()) {
  describe(`verification throttles are per person, never per application (${storeName})`, () => {
    let now: Date;
    let mails: SentMail[];
    let svc: VerificationService;
    let close: () => Promise<void>;

    beforeEach(async () => {
      const s = await stores();
      close = () => s.close();
      now = new Date('2026-11-25T10:00:00Z');
      mails = [];
      svc = new VerificationService({
        repo: s.verifications,
        mail: { send: async (m) => void mails.push(m) },
        now: () => new Date(now),
        logger: testLogger(),
      });
    });
    afterEach(async () => close());

    const codeOf = (mail: SentMail | undefined) => String(mail!.values.code);
    const wrongFor = (...codes: string[]) =>
      ['000000', '111111', '222222', '333333'].find((c) => !codes.includes(c))!;

    it("lets the applicant use their code after a colleague's five wrong codes", async () => {
      await svc.send('s1', 'a@b.example', 'en', {}, APPLICANT);
      const code = codeOf(mails[0]);
      for (let i = 0; i < 5; i++) await errorOf(svc.check('s1', wrongFor(code), COLLEAGUE));
      expect((await errorOf(svc.check('s1', code, COLLEAGUE))).messageKey).to.equal(
        'enrollment:errors.codeAttemptsExhausted'
      );
      await svc.check('s1', code, APPLICANT);
    });

    it("keeps the applicant's code valid when a colleague asks for new ones up to their cap", async () => {
      await svc.send('s1', 'a@b.example', 'en', {}, APPLICANT);
      const code = codeOf(mails[0]);
      for (let i = 0; i < 5; i++) {
        await svc.resend('s1', 'a@b.example', 'en', {}, COLLEAGUE);
        now = new Date(now.getTime() + 61_000);
      }
      expect(
        (await errorOf(svc.resend('s1', 'a@b.example', 'en', {}, COLLEAGUE))).messageKey
      ).to.equal('enrollment:errors.tooManyCodes');
      await svc.check('s1', code, APPLICANT);
    });

    it('lets the applicant get a new code whatever colleagues did, after their own cooldown only', async () => {
      await svc.send('s1', 'a@b.example', 'en', {}, APPLICANT);
      now = new Date(now.getTime() + 61_000);
      await svc.resend('s1', 'a@b.example', 'en', {}, COLLEAGUE);
      expect(await svc.resendWaitSeconds('s1', COLLEAGUE)).to.be.above(0);
      expect(await svc.resendWaitSeconds('s1', APPLICANT)).to.equal(0);
      await svc.resend('s1', 'a@b.example', 'en', {}, APPLICANT);
      await svc.check('s1', codeOf(mails.at(-1)), APPLICANT);
    });

    it("replaces a person's own earlier code when they ask for a new one", async () => {
      await svc.send('s1', 'a@b.example', 'en', {}, APPLICANT);
      const first = codeOf(mails[0]);
      now = new Date(now.getTime() + 61_000);
      await svc.resend('s1', 'a@b.example', 'en', {}, APPLICANT);
      const second = codeOf(mails[1]);
      if (first !== second) await errorOf(svc.check('s1', first, APPLICANT));
      await svc.check('s1', second, APPLICANT);
    });
  });
}
