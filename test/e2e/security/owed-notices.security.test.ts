import { expect } from 'chai';
import { NOTICE_GRACE_MS } from '../../../domain/enrollment/enrollment-notices.js';
import { personas } from '../../helpers/personas.js';
import {
  enrollAndSubmit,
  eventually,
  secondOperator,
  startSecurityApp,
  visible,
  type SecurityEnv,
} from './security-world.js';

// A status change is one write, its notices another (no multi-document transactions): the
// process dying between the two must not lose the notices, nor send them twice.
describe('security: a crash between a status change and its notices (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  const reviewCards = (who: typeof personas.operator) =>
    env.app.connector
      .activities(env.app.teams.conversationId(who))
      .filter((a) => visible(a).includes('Contoso reseller') && visible(a).includes('Approve'));

  it('sends the operators the review card that a crash after verification left owed, once', async () => {
    await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    // What `verify` writes in its one conditional update, as if the process died right after it.
    const owedSince = new Date(Date.now() - NOTICE_GRACE_MS - 1000);
    await env.collection('partners').updateOne(
      { tenantId: personas.reseller.tenantId },
      {
        $set: {
          status: 'underReview',
          verifiedEmail: personas.reseller.email,
          emailVerifiedAt: owedSince,
          noticeOwedAt: owedSince,
        },
      }
    );
    expect(reviewCards(personas.operator)).to.have.length(0);
    for (const op of [personas.operator, secondOperator]) {
      await eventually(() => reviewCards(op).length === 1 || undefined, `${op.name}'s review card`);
    }
    await eventually(
      async () =>
        (await env.collection('partners').findOne({ tenantId: personas.reseller.tenantId }))
          ?.noticeOwedAt === undefined || undefined,
      'the owed mark cleared'
    );
    // Several more sweeps run; nothing is sent again.
    await new Promise((r) => setTimeout(r, 800));
    expect(reviewCards(personas.operator)).to.have.length(1);
    expect(reviewCards(secondOperator)).to.have.length(1);
  });
});
