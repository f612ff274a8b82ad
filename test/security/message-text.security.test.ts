import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { personas, type Persona } from '../helpers/personas.js';
import {
  chat,
  enrollUnderReview,
  secondOperator,
  startSecurityApp,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

/** A markdown link Teams would render live: `[text](url)` with neither bracket escaped. */
const LIVE_LINK = /(^|[^\\])\[[^\]]*[^\\]\]\(/;
const EVIL = 'Pat [Open the PartnerID profile](https://evil.example/login)';

/**
 * Messages (not only cards) that name someone else's display name or text another person typed
 * render Teams markdown too: those values are escaped like on cards (cards/shared/user-text.ts).
 */
describe('rule: user-supplied values in reply messages are shown escaped (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it('escapes a colleague\'s display name in the Global admin\'s "roles saved" notice', async () => {
    await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    const colleague: Persona = { ...personas.resellerAgent, name: EVIL };
    await chat(env, colleague).say('hello');
    const saved = await chat(env, personas.reseller).execute(Verbs.usersUpdateRoles, {
      userId: colleague.aadObjectId,
      [`roles-${colleague.aadObjectId}`]: 'salesAgent',
    });
    const line = saved.seen.split('\n').find((s) => s.includes('Open the PartnerID profile'));
    expect(line, saved.seen).to.be.a('string');
    expect(line).to.not.match(LIVE_LINK);
  });

  it("escapes the operator's rejection reason in the message the applicant gets on enroll", async () => {
    const { c, partnerRef } = await enrollUnderReview(
      env,
      personas.reseller,
      'reseller',
      '1234567'
    );
    await chat(env, personas.operator).execute(Verbs.reviewReject, {
      partnerRef,
      // Long, as reasons may be (up to 1000 characters): shown whole, not cut at a default cap.
      reason: `Fix it at [the portal](https://evil.example/login) ${'x'.repeat(800)} END`,
    });
    const out = await c.say('enroll');
    const line = out.seen.split('\n').find((s) => s.includes('the portal'));
    expect(line, out.seen).to.be.a('string');
    expect(line).to.not.match(LIVE_LINK);
  });

  it('escapes the other operator\'s display name in "already approved"', async () => {
    const { partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    await chat(env, { ...secondOperator, name: EVIL }).execute(Verbs.reviewApprove, { partnerRef });
    const out = await chat(env, personas.operator).click({
      verb: Verbs.reviewReject,
      partnerRef,
      reason: 'too late',
    });
    const line = out.seen.split('\n').find((s) => s.includes('already approved'));
    expect(line, out.seen).to.be.a('string');
    expect(line).to.not.match(LIVE_LINK);
  });
});
