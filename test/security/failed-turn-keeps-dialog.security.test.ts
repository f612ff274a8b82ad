import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { personas } from '../helpers/personas.js';
import {
  ANSWERS,
  chat,
  GENERIC_APOLOGY,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

describe('rule: a failing turn never loses the dialog it was in (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
  });
  after(async () => env?.stop());

  it('lets a user mid-enrollment whose turn crashed continue the same dialog', async () => {
    const who = personas.reseller;
    const c = chat(env, who);
    const answers = ANSWERS(who.email, '1234567', 'reseller');
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    const first = await c.click({
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      ...answers.partnerType,
    });
    expect(first.seen).to.not.include('Please fix');

    // The next reply fails at the Bot Connector: the turn dies in onTurnError.
    env.app.connector.fail(400, { method: 'POST', conversationId: c.conversation, times: 1 });
    const crashed = await c.click({
      verb: Verbs.enrollmentSection,
      section: 'tenant',
      action: 'next',
      ...answers.tenant,
    });
    expect(crashed.seen).to.include(GENERIC_APOLOGY);

    // Same click again: the dialog is still on that section and moves on.
    const retried = await c.click({
      verb: Verbs.enrollmentSection,
      section: 'tenant',
      action: 'next',
      ...answers.tenant,
    });
    expect(retried.seen).to.not.include(GENERIC_APOLOGY);
    expect(retried.seen).to.not.include("didn't");
    const rest = Object.entries(answers).slice(2);
    for (const [section, inputs] of rest) {
      const out = await c.click({
        verb: Verbs.enrollmentSection,
        section,
        action: 'next',
        ...inputs,
      });
      expect(out.seen, section).to.not.include('Please fix');
      expect(out.seen, section).to.not.include(GENERIC_APOLOGY);
    }
    const submitted = await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
    expect(submitted.seen).to.not.include(GENERIC_APOLOGY);
    const { partner } = await env.enrollment.services.enrollment.status(who);
    expect(partner?.status).to.equal('emailVerificationPending');
  });
});
