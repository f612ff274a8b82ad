import { expect } from 'chai';
import { personas } from '../helpers/personas.js';
import {
  enrollAndSubmit,
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
    // Submitted: the enrollment dialog now waits for the mailed code (a bare code is its answer).
    const { c, code } = await enrollAndSubmit(env, who, 'reseller', '1234567');

    // The next reply fails at the Bot Connector: the turn dies and ends in onTurnError.
    env.app.connector.fail(400, { method: 'POST', conversationId: c.conversation, times: 1 });
    const crashed = await c.say('help');
    expect(crashed.status).to.equal(200);
    expect(crashed.seen).to.include(GENERIC_APOLOGY);

    // The dialog is still waiting for the code: the bare code is taken as its answer.
    const answered = await c.say(code);
    expect(answered.seen).to.not.include(GENERIC_APOLOGY);
    const { partner } = await env.enrollment.services.enrollment.status(who);
    expect(partner?.status).to.equal('underReview');
  });
});
