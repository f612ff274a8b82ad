import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas } from '../../helpers/personas.js';
import {
  chat,
  enrollAndSubmit,
  enrollUnderReview,
  GENERIC_APOLOGY,
  snapshot,
  startSecurityApp,
  type SecurityEnv,
} from './security-world.js';

const DATA = ['partners', 'memberships', 'emailVerifications', 'enrollmentDrafts'];

describe('security: crafted enrollment form submissions (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it('refuses injected, wrongly typed and huge answers with the field message, storing nothing', async () => {
    const c = chat(env, personas.reseller);
    await env.app.post(env.app.teams.install(personas.reseller));
    await c.say('enroll');
    await c.click({
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      partnerType: 'reseller',
    });
    const before = await snapshot(env, ...DATA);
    const crafted: Record<string, unknown>[] = [
      { tenantCountry: { $gt: '' }, partnerId: { $ne: null }, locationCountry: 'DE' },
      { tenantCountry: ['DE'], partnerId: 1234567, locationCountry: 'DE' },
      { tenantCountry: 'DE', partnerId: '1'.repeat(100_000), locationCountry: 'DE' },
      { tenantCountry: 'D'.repeat(50_000), locationCountry: null },
      {
        tenantCountry: 'DE',
        partnerId: '1234567',
        locationCountry: 'DE',
        $where: 'sleep(1000)',
        status: 'approved',
      },
    ];
    for (const inputs of crafted) {
      const out = await c.click({
        verb: Verbs.enrollmentSection,
        section: 'tenant',
        action: 'next',
        ...inputs,
      });
      const what = JSON.stringify(inputs).slice(0, 60);
      expect(out.status, what).to.equal(200);
      expect(out.seen, what).to.not.include(GENERIC_APOLOGY);
      if ('$where' in inputs) continue;
      expect(out.seen, what).to.include('Please fix');
      // The card stays a card a person can read: no 100 KB echo of the attack.
      expect(JSON.stringify(out).length, what).to.be.below(60_000);
    }
    const after = await snapshot(env, ...DATA);
    const drafts = after.enrollmentDrafts as { answers: Record<string, unknown> }[];
    // Only the last valid answer is stored; the extra keys never reach the draft.
    expect(drafts[0].answers).to.not.have.any.keys('$where', 'status');
    expect(Object.keys(drafts[0].answers).some((k) => k.startsWith('$'))).to.equal(false);
    expect(after.partners).to.deep.equal(before.partners);
  });

  it("ignores ids of another tenant in form verbs: a submit creates only the actor's own partner", async () => {
    const { partnerRef } = await enrollUnderReview(env, personas.provider, 'provider', '7654321');
    const before = await snapshot(env, 'partners', 'memberships');
    const c = chat(env, personas.reseller);
    await env.app.post(env.app.teams.install(personas.reseller));
    for (const verb of [Verbs.enrollmentSection, Verbs.enrollmentEdit, Verbs.enrollmentSubmit]) {
      const out = await c.click({
        verb,
        action: 'submit',
        section: 'tenant',
        partnerRef,
        tenantId: personas.provider.tenantId,
        draftId: partnerRef,
      });
      expect(out.status).to.equal(200);
      expect(out.seen).to.not.include(GENERIC_APOLOGY);
      expect(out.seen).to.not.include('Contoso provider');
    }
    expect(await snapshot(env, 'partners', 'memberships')).to.deep.equal(before);
    const draft = await env
      .collection('enrollmentDrafts')
      .findOne({ tenantId: personas.reseller.tenantId });
    expect(draft).to.not.equal(null);
    expect(
      await env
        .collection('enrollmentDrafts')
        .countDocuments({ tenantId: personas.provider.tenantId })
    ).to.equal(0);
  });

  it('answers form verbs from a group chat with the personal-chat hint and changes nothing', async () => {
    const before = await snapshot(env, ...DATA);
    const group = env.app.teams.conversationId(personas.reseller, 'groupChat');
    const res = await env.app.post(
      env.app.teams.submit(
        personas.reseller,
        { verb: Verbs.enrollmentSection, section: 'partnerType', partnerType: 'reseller' },
        { scope: 'groupChat' }
      )
    );
    expect(res.status).to.equal(200);
    const said = env.app.connector
      .activities(group)
      .map((a) => a.text ?? '')
      .join('\n');
    expect(said).to.include('personal chat');
    // Resending a code leaks the contact address in the reply: it belongs in the 1:1 chat only.
    await enrollAndSubmit(env, personas.resellerAgent, 'reseller', '1234567');
    const past = new Date(Date.now() - 10 * 60_000);
    await env.collection('emailVerifications').updateMany({}, { $set: { sentAt: past } });
    const mails = env.smtp.mails.length;
    const before2 = env.app.connector.activities(group).length;
    await env.app.post(
      env.app.teams.submit(
        personas.reseller,
        { verb: Verbs.enrollmentResendCode },
        { scope: 'groupChat' }
      )
    );
    const resent = env.app.connector
      .activities(group)
      .slice(before2)
      .map((a) => a.text ?? '')
      .join('\n');
    expect(resent).to.not.include(personas.resellerAgent.email);
    expect(resent).to.include('personal chat');
    expect(env.smtp.mails.length).to.equal(mails);
    void before;
  });
});

describe('security: a user of another tenant sees nothing of this partner (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
    await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
  });
  afterEach(async () => env?.stop());

  it('shows the stranger no status, no users, no review queue, and changes nothing', async () => {
    const before = await snapshot(env, ...DATA);
    const stranger = chat(env, personas.customer);
    await env.app.post(env.app.teams.install(personas.customer));
    const secrets = [
      'Contoso',
      '1234567',
      personas.reseller.name,
      personas.reseller.email,
      'Hauptstrasse',
    ];
    for (const text of ['status', 'users', 'review', 'verify', 'verify 123456', 'outbox', 'help']) {
      const out = await stranger.say(text);
      expect(out.status, text).to.equal(200);
      expect(out.seen, text).to.not.include(GENERIC_APOLOGY);
      for (const s of secrets) expect(out.seen, `${text}: ${s}`).to.not.include(s);
    }
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });
});

describe('security: role and review cards stay out of group chats (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it('refuses users.updateRoles and review decisions submitted in a group chat, posting no details there', async () => {
    const { partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    await chat(env, personas.resellerAgent).say('hello');
    const before = await snapshot(env, ...DATA);
    const attempts = [
      {
        who: personas.reseller,
        data: {
          verb: Verbs.usersUpdateRoles,
          userId: personas.resellerAgent.aadObjectId,
          [`roles-${personas.resellerAgent.aadObjectId}`]: 'globalAdmin',
        },
      },
      { who: personas.operator, data: { verb: Verbs.reviewApprove, partnerRef } },
    ];
    for (const { who, data } of attempts) {
      const group = env.app.teams.conversationId(who, 'groupChat');
      const n = env.app.connector.activities(group).length;
      const res = await env.app.post(env.app.teams.submit(who, data, { scope: 'groupChat' }));
      expect(res.status).to.equal(200);
      const said = env.app.connector.activities(group).slice(n);
      const text = JSON.stringify(said);
      expect(text, data.verb).to.include('personal chat');
      for (const secret of [
        personas.resellerAgent.email,
        personas.reseller.email,
        'Hauptstrasse',
      ]) {
        expect(text, `${data.verb}: ${secret}`).to.not.include(secret);
      }
    }
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });
});

describe('security: a colleague without a role does not learn the contact address', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  it('masks the contact email in `verify` and in a resend asked by a user without a role', async () => {
    await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await env
      .collection('emailVerifications')
      .updateMany({}, { $set: { sentAt: new Date(Date.now() - 10 * 60_000) } });
    const colleague = chat(env, personas.resellerAgent);
    // Cards show user text markdown-escaped (`a\*\*\*@...` reads `a***@...` in Teams).
    const shown = (s: string) => s.replace(/\\(.)/g, '$1');
    const card = await colleague.say('verify');
    expect(shown(card.seen)).to.include('***@contoso-reseller.example');
    expect(card.seen).to.not.include(personas.reseller.email);
    const resend = await colleague.click({ verb: Verbs.enrollmentResendCode });
    expect(shown(resend.seen)).to.include('***@contoso-reseller.example');
    expect(resend.seen).to.not.include(personas.reseller.email);
    // The Global admin who enrolled sees the address in full.
    const admin = await chat(env, personas.reseller).say('verify');
    expect(shown(admin.seen)).to.include(personas.reseller.email);
  });
});
