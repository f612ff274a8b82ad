import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { bodyIds, cardIn, errorUnder, inputsOf } from '../../helpers/form-card.js';
import { personas } from '../../helpers/personas.js';
import {
  chat,
  enrollAndSubmit,
  enrollUnderReview,
  eventually,
  GENERIC_APOLOGY,
  oid,
  secondOperator,
  snapshot,
  visible,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

const DATA = ['partners', 'memberships', 'emailVerifications'];

describe('security: forged and replayed review decisions (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  let partnerRef: string;
  beforeEach(async () => {
    env = await startSecurityApp();
    ({ partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567'));
  });
  afterEach(async () => env?.stop());

  const approvalMessages = (env: SecurityEnv) =>
    env.app.connector
      .activities(env.app.teams.conversationId(personas.reseller))
      .filter((a) => /is approved|was rejected|rejected/i.test(visible(a)));

  it('refuses Approve and Reject from a partner admin of another tenant, changing nothing', async () => {
    await enrollAndSubmit(env, personas.provider, 'provider', '7654321');
    const before = await snapshot(env, ...DATA);
    for (const verb of [Verbs.reviewApprove, Verbs.reviewReject]) {
      const res = await chat(env, personas.provider).execute(verb, { partnerRef, reason: 'x' });
      expect(res.status).to.equal(200);
      expect(res.seen).to.include('Only program operators');
    }
    // The applicant himself, with a submit (not an invoke), is refused the same way.
    const own = await chat(env, personas.reseller).click({ verb: Verbs.reviewApprove, partnerRef });
    expect(own.status).to.equal(200);
    expect(own.seen).to.include('Only program operators');
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('answers a made-up or malformed application id with a clear message, not an error', async () => {
    const before = await snapshot(env, ...DATA);
    const op = chat(env, personas.operator);
    for (const bogus of [oid(), 'not-an-id', 'aaaaaaaaaaaa']) {
      const res = await op.execute(Verbs.reviewApprove, { partnerRef: bogus });
      expect(res.status, bogus).to.equal(200);
      expect(res.seen, bogus).to.match(/no application|not found/i);
      expect(res.seen).to.not.include(GENERIC_APOLOGY);
    }
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('refuses operator injection, wrong types, missing fields and huge strings in review data', async () => {
    const before = await snapshot(env, ...DATA);
    const op = chat(env, personas.operator);
    const payloads: Record<string, unknown>[] = [
      { partnerRef: { $gt: '' } },
      { partnerRef: { $ne: null } },
      { partnerRef: [partnerRef] },
      { partnerRef: 42 },
      {},
      { partnerRef: 'x'.repeat(100_000) },
      { partnerRef, reason: { $gt: '' } },
      { partnerRef, reason: 'r'.repeat(100_000) },
      { partnerRef, submission: { $gt: '' } },
      { partnerRef, submission: 'not a date' },
    ];
    for (const payload of payloads) {
      for (const verb of [Verbs.reviewApprove, Verbs.reviewReject]) {
        let data = payload;
        if (verb === Verbs.reviewApprove && 'reason' in data) continue;
        if (verb === Verbs.reviewReject && !('reason' in data)) data = { reason: 'r', ...data };
        const res = await op.execute(verb, data);
        const what = `${verb} ${JSON.stringify(data).slice(0, 60)}`;
        expect(res.status, what).to.equal(200);
        expect(res.seen, what).to.not.include(GENERIC_APOLOGY);
        expect(res.seen, what).to.match(/not valid|check|too long|Enter a reason|no application/i);
      }
    }
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(partner?.status).to.equal('underReview');
  });

  it('shows Reject without a reason right under the reason box, above the buttons, on the same card', async () => {
    const before = await snapshot(env, ...DATA);
    const res = await chat(env, personas.operator).execute(Verbs.reviewReject, {
      partnerRef,
      reason: '   ',
    });
    const card = cardIn(res.body);
    const required = 'Enter a reason: the applicant needs it to fix the application.';
    expect(res.seen).to.include('Contoso');
    expect(errorUnder(card, 'reason')).to.equal(required);
    // Not a notice on top (about 1000 px above the box): the lines sit by the box and buttons.
    const ids = bodyIds(card);
    expect(ids).to.not.include('notice');
    expect(ids.slice(-4)).to.deep.equal(['reason', 'reason.error', 'formErrors', 'ActionSet']);
    // Teams refuses it first with the same message; Approve sends no inputs, so never held up.
    const box = inputsOf(card).get('reason')!.input;
    expect(box.isRequired).to.equal(true);
    expect(box.errorMessage).to.equal(required);
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('decides once when the same Approve is clicked twice, and tells the applicant once', async () => {
    const op = chat(env, personas.operator);
    const first = await op.execute(Verbs.reviewApprove, { partnerRef });
    const second = await op.execute(Verbs.reviewApprove, { partnerRef });
    expect(first.seen).to.include(`Approved by ${personas.operator.name}`);
    expect(second.seen).to.include(`Approved by ${personas.operator.name}`);
    const reject = await op.execute(Verbs.reviewReject, { partnerRef, reason: 'changed my mind' });
    expect(reject.seen).to.include('Approved by');
    expect(reject.seen).to.not.include('changed my mind');
    await eventually(() => approvalMessages(env).length > 0, 'the approval message');
    await new Promise((r) => setTimeout(r, 400));
    expect(approvalMessages(env)).to.have.length(1);
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(partner?.status).to.equal('approved');
  });

  it('lets exactly one of two operators deciding at the same moment win', async () => {
    const [a, b] = await Promise.all([
      chat(env, personas.operator).execute(Verbs.reviewApprove, { partnerRef }),
      chat(env, secondOperator).execute(Verbs.reviewReject, { partnerRef, reason: 'Duplicate' }),
    ]);
    expect(a.status).to.equal(200);
    expect(b.status).to.equal(200);
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    const winner = partner!.decision!;
    // Both operators see the one decision that was recorded.
    const shown = winner.outcome === 'approved' ? 'Approved by' : 'Rejected by';
    expect(a.seen).to.include(shown);
    expect(b.seen).to.include(shown);
    await eventually(() => approvalMessages(env).length > 0, 'the decision message');
    await new Promise((r) => setTimeout(r, 400));
    expect(approvalMessages(env)).to.have.length(1);
  });

  it('does not let an operator decide an application that is still waiting for email verification', async () => {
    await enrollAndSubmit(env, personas.provider, 'provider', '7654321');
    const { partner } = await env.enrollment.services.enrollment.status(personas.provider);
    const before = await snapshot(env, ...DATA);
    const res = await chat(env, personas.operator).execute(Verbs.reviewApprove, {
      partnerRef: partner!.id,
    });
    expect(res.status).to.equal(200);
    expect(res.seen).to.not.include('Approved by');
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('shows a user of another tenant nothing of the application through `review <id>`', async () => {
    const out = await chat(env, personas.customer).say(`review ${partnerRef}`);
    expect(out.seen).to.include('Only program operators');
    expect(out.seen).to.not.include('Contoso');
  });
});

describe('security: a review card replayed after the application was resubmitted', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  /** The data of the Approve button on the newest review card an operator got. */
  function approveData(env: SecurityEnv, legalName: string): Record<string, unknown> {
    const chatId = env.app.teams.conversationId(personas.operator);
    const card = env.app.connector
      .activities(chatId)
      .filter(
        (a) => JSON.stringify(a).includes(legalName) && JSON.stringify(a).includes('Action.Execute')
      )
      .pop();
    const walk = (n: any): any =>
      Array.isArray(n)
        ? n.map(walk).find(Boolean)
        : n && typeof n === 'object'
          ? n.verb === Verbs.reviewApprove && n.data
            ? n.data
            : Object.values(n).map(walk).find(Boolean)
          : undefined;
    const data = walk(card);
    if (!data) throw new Error(`no Approve button for ${legalName}`);
    const { verb: _verb, ...rest } = data;
    return rest;
  }

  it('does not approve the new version with the Approve button of the old one', async () => {
    const { c, partnerRef } = await enrollUnderReview(
      env,
      personas.reseller,
      'reseller',
      '1234567'
    );
    const stale = await eventually(() => {
      try {
        return approveData(env, 'Contoso reseller');
      } catch {
        return undefined;
      }
    }, 'the first review card');
    const op = chat(env, personas.operator);
    await op.execute(Verbs.reviewReject, { ...stale, reason: 'Legal name is wrong' });
    // The applicant fixes the name and resubmits (email already verified: straight to review).
    await c.say('enroll');
    await c.click({ verb: Verbs.enrollmentEdit, action: 'edit', section: 'company' });
    await c.click({
      verb: Verbs.enrollmentSection,
      section: 'company',
      action: 'next',
      legalName: 'Totally Different Ltd',
      addressLine1: 'Hauptstrasse 1',
      city: 'Berlin',
      postalCode: '10115',
      companyPhone: '+49 30 1234567',
    });
    await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(partner?.status).to.equal('underReview');
    expect(partner?.id).to.equal(partnerRef);

    // A replay of the first card's Approve (a stale card, a retried request).
    const replay = await op.execute(Verbs.reviewApprove, stale);
    expect(replay.status).to.equal(200);
    expect(replay.seen).to.not.include('Approved by');
    expect(replay.seen).to.include('Totally Different Ltd');
    const after = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(after.partner?.status).to.equal('underReview');

    // The new card's button still works.
    const fresh = await eventually(() => {
      try {
        return approveData(env, 'Totally Different Ltd');
      } catch {
        return undefined;
      }
    }, 'the new review card');
    const ok = await op.execute(Verbs.reviewApprove, fresh);
    expect(ok.seen).to.include('Approved by');
  });
});
