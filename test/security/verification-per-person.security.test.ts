import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { personas } from '../helpers/personas.js';
import {
  chat,
  enrollAndSubmit,
  eventually,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

const wrongCode = (code: string, n: number) =>
  String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

describe('rule: a colleague cannot lock the applicant out of verification (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it("verifies with the applicant's code after a colleague typed five wrong ones and asked for a new code", async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    const colleague = chat(env, personas.resellerAgent);
    await env.app.post(env.app.teams.install(personas.resellerAgent));
    for (let i = 0; i < 5; i++) await colleague.say(`verify ${wrongCode(code, i)}`);
    expect((await colleague.say(`verify ${code}`)).seen).to.include('Too many wrong codes');
    const mails = env.smtp.mails.length;
    const resend = await colleague.execute(Verbs.enrollmentResendCode);
    expect(resend.seen).to.not.match(/ask for a new one in \d+ s/);
    await eventually(() => env.smtp.mails.length > mails, 'the colleague-requested mail');

    const out = await c.say(`verify ${code}`);
    expect(out.seen).to.include('under review');
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(partner?.status).to.equal('underReview');
  });
});
