import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas } from '../../helpers/personas.js';
import {
  ANSWERS,
  chat,
  eventually,
  GENERIC_APOLOGY,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

describe('security: double clicks on the enrollment form (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  const who = personas.reseller;
  const said = (env: SecurityEnv) =>
    env.app.connector
      .activities(env.app.teams.conversationId(who))
      .map((a) => a.text ?? '')
      .join('\n');

  async function fillForm(c: ReturnType<typeof chat>) {
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    for (const [section, inputs] of Object.entries(ANSWERS(who.email, '1234567', 'reseller'))) {
      await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
    }
  }

  it('creates one partner and mails one code when Submit is clicked twice at once', async () => {
    const c = chat(env, who);
    await fillForm(c);
    const [a, b] = await Promise.all([
      c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' }),
      c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' }),
    ]);
    expect(a.status).to.equal(200);
    expect(b.status).to.equal(200);
    await eventually(() => env.smtp.mails.length > 0, 'the code mail');
    await new Promise((r) => setTimeout(r, 400));
    expect(env.smtp.mails).to.have.length(1);
    expect(await env.collection('partners').countDocuments({})).to.equal(1);
    expect(said(env)).to.not.include(GENERIC_APOLOGY);
  });

  it('stores a section once when Next is clicked twice at once, and the form goes on', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    const next = {
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      partnerType: 'provider',
    };
    const [a, b] = await Promise.all([c.click(next), c.click(next)]);
    expect(a.status).to.equal(200);
    expect(b.status).to.equal(200);
    expect(said(env)).to.not.include(GENERIC_APOLOGY);
    const draft = await env.collection('enrollmentDrafts').findOne({ tenantId: who.tenantId });
    expect(draft!.answers.partnerType).to.equal('provider');
    expect(draft!.step).to.equal('tenant');
    const out = await c.click({
      verb: Verbs.enrollmentSection,
      section: 'tenant',
      action: 'next',
      ...ANSWERS(who.email, '1234567', 'provider').tenant,
    });
    expect(out.seen).to.include('Company');
  });
});
