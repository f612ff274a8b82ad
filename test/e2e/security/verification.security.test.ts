import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas } from '../../helpers/personas.js';
import {
  chat,
  enrollAndSubmit,
  eventually,
  GENERIC_APOLOGY,
  snapshot,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

const wrongCode = (code: string, n: number) =>
  String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

describe('security: verification codes replayed, expired, guessed (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  const reviewCards = (env: SecurityEnv) =>
    env.app.connector
      .activities(env.app.teams.conversationId(personas.operator))
      .filter(
        (a) =>
          JSON.stringify(a).includes('Contoso reseller') && JSON.stringify(a).includes('Approve')
      );
  const statusOf = async () =>
    (await env.enrollment.services.enrollment.status(personas.reseller)).partner?.status;

  it('accepts a code once: the same `verify <code>` twice tells the operators once', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    const first = await c.say(`verify ${code}`);
    expect(first.seen).to.include('under review');
    const again = await c.say(`verify ${code}`);
    expect(again.status).to.equal(200);
    expect(again.seen).to.include('already verified');
    expect(again.seen).to.not.include(GENERIC_APOLOGY);
    await eventually(() => reviewCards(env).length > 0, 'the review card');
    await new Promise((r) => setTimeout(r, 400));
    expect(reviewCards(env)).to.have.length(1);
  });

  it('lets only one of two simultaneous correct codes count', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    const [a, b] = await Promise.all([c.say(`verify ${code}`), c.say(`verify ${code}`)]);
    expect(a.status).to.equal(200);
    expect(b.status).to.equal(200);
    expect(await statusOf()).to.equal('underReview');
    await eventually(() => reviewCards(env).length > 0, 'the review card');
    await new Promise((r) => setTimeout(r, 400));
    expect(reviewCards(env)).to.have.length(1);
    const all = env.app.connector
      .activities(c.conversation)
      .map((x) => x.text ?? '')
      .join('\n');
    expect(all).to.not.include(GENERIC_APOLOGY);
  });

  it('refuses an expired code, and changes nothing', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    await env
      .collection('emailVerifications')
      .updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await snapshot(env, 'partners', 'emailVerifications');
    const out = await c.say(`verify ${code}`);
    expect(out.seen).to.include('This code has expired');
    expect(await snapshot(env, 'partners', 'emailVerifications')).to.deep.equal(before);
    expect(await statusOf()).to.equal('emailVerificationPending');
  });

  it('refuses the 6th attempt, even with the right code', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await c.say(`verify ${wrongCode(code, i)}`)).seen);
    expect(seen[0]).to.include('Attempts left: 4');
    expect(seen[3]).to.include('Attempts left: 1');
    expect(seen[4]).to.include('Too many wrong codes');
    const sixth = await c.say(`verify ${code}`);
    expect(sixth.seen).to.include('Too many wrong codes');
    expect(await statusOf()).to.equal('emailVerificationPending');
    const stored = await env.collection('emailVerifications').findOne({});
    expect(stored!.attempts).to.equal(5);
  });

  it('does not let parallel guesses exceed the attempt limit', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.say(`verify ${wrongCode(code, i)}`)));
    const stored = await env.collection('emailVerifications').findOne({});
    expect(stored!.attempts).to.be.at.most(5);
    expect((await c.say(`verify ${code}`)).seen).to.include('Too many wrong codes');
  });

  it('refuses a resend during the cooldown and mails nothing more', async () => {
    const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    const mails = env.smtp.mails.length;
    const before = await snapshot(env, 'emailVerifications');
    const [a, b] = await Promise.all([
      c.click({ verb: Verbs.enrollmentResendCode }),
      chat(env, personas.reseller).execute(Verbs.enrollmentResendCode),
    ]);
    expect(a.seen).to.match(/ask for a new one in \d+ s/);
    expect(b.seen).to.match(/ask for a new one in \d+ s/);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.smtp.mails.length).to.equal(mails);
    expect(await snapshot(env, 'emailVerifications')).to.deep.equal(before);
  });

  it("never verifies another tenant's application with its code", async () => {
    const { code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    const before = await snapshot(env, 'partners', 'emailVerifications');
    const stranger = chat(env, personas.customer);
    const typed = await stranger.say(`verify ${code}`);
    expect(typed.seen).to.include('no application');
    const clicked = await stranger.execute(Verbs.enrollmentVerify, { code });
    expect(clicked.seen).to.include('no application');
    const resend = await stranger.execute(Verbs.enrollmentResendCode);
    expect(resend.seen).to.include('no application');
    expect(await snapshot(env, 'partners', 'emailVerifications')).to.deep.equal(before);
  });

  it('refuses a non-text code on the code card of the enrollment dialog without costing an attempt', async () => {
    const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    for (const crafted of [[code], { $eq: code }, Number(code)]) {
      const out = await c.click({ verb: Verbs.enrollmentVerify, code: crafted });
      expect(out.seen, JSON.stringify(crafted)).to.include('The code has 6 digits');
    }
    const stored = await env.collection('emailVerifications').findOne({});
    expect(stored!.attempts).to.equal(0);
    expect(await statusOf()).to.equal('emailVerificationPending');
  });

  it('refuses injected and wrongly typed codes in enrollment.verify', async () => {
    const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('cancel');
    const before = await snapshot(env, 'partners', 'emailVerifications');
    for (const code of [{ $gt: '' }, ['123456'], 123456.5, null, '1'.repeat(100_000)]) {
      const res = await chat(env, personas.reseller).execute(Verbs.enrollmentVerify, { code });
      expect(res.status).to.equal(200);
      expect(res.seen, JSON.stringify(code).slice(0, 30)).to.include('The code has 6 digits');
    }
    expect(await snapshot(env, 'partners', 'emailVerifications')).to.deep.equal(before);
  });
});
