import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { personas } from '../../helpers/personas.js';
import {
  ANSWERS,
  chat,
  enrollAndSubmit,
  enrollUnderReview,
  eventually,
  startSecurityApp,
  visible,
  type SecurityEnv,
} from '../security/security-world.js';

const CARD = 'application/vnd.microsoft.card.adaptive';
const cardOf = (activity: any) =>
  activity?.attachments?.find((a: any) => a.contentType === CARD)?.content;
const actionsOf = (card: any): any[] => [
  ...(card?.actions ?? []),
  ...JSON.stringify(card?.body ?? [])
    .split('"type":"Action.')
    .slice(1)
    .map(() => ({})),
];
const lines = (text: string) => text.split('\n').map((l) => l.trim());

/** What a first-time user meets in enrollment, through the real server (issue [5/11]). */
describe('enrollment as a new user meets it (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => (env = await startSecurityApp()));
  afterEach(async () => env?.stop());

  const puts = () => env.app.connector.calls.filter((c) => c.method === 'PUT');

  describe('help offers what this user can do next', () => {
    it('offers enroll to a user whose organization has no partner yet', async () => {
      const c = chat(env, personas.reseller);
      await env.app.post(env.app.teams.install(personas.reseller));
      expect(lines((await c.say('help')).seen)).to.include('enroll');
    });

    it('offers verify, not enroll, while the contact email waits for its code', async () => {
      const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const help = lines((await c.say('help')).seen);
      expect(help).to.include('verify').and.not.include('enroll');
    });

    it('offers neither enroll nor verify once approved, and users to the Global admin', async () => {
      const { c, partnerRef } = await enrollUnderReview(
        env,
        personas.reseller,
        'reseller',
        '1234567'
      );
      await chat(env, personas.operator).execute(Verbs.reviewApprove, { partnerRef });
      const help = lines((await c.say('help')).seen);
      expect(help).to.include('users').and.not.include('enroll').and.not.include('verify');
      // The fallback for unknown text lists the same commands.
      const fallback = lines((await c.say('frobnicate')).seen);
      expect(fallback.join(' ')).to.not.match(/\benroll\b/);
    });

    it("lists an operator's commands to an operator, not a reseller's", async () => {
      const help = lines((await chat(env, personas.operator).say('help')).seen);
      expect(help).to.include('review').and.include('outbox');
      expect(help).to.not.include('enroll').and.not.include('status');
    });
  });

  describe('the verification code', () => {
    it('is taken when typed on its own after the enrollment dialog was left', async () => {
      const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      await c.say('cancel');
      const out = await c.say(code);
      expect(out.seen).to.include('verified');
      const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
      expect(partner?.status).to.equal('underReview');
    });

    it('gets one answer for a malformed code, not two', async () => {
      const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const out = await c.say('verify 12ab');
      expect(out.filter((a: any) => a.type === 'message')).to.have.length(1);
      expect(out.seen).to.include('6 digits');
    });
  });

  describe('answered cards turn into records, so only the current step is live', () => {
    it('asks a step again in place when an answer is refused, instead of posting a copy', async () => {
      const who = personas.reseller;
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      const answers = ANSWERS(who.email, '1234567', 'reseller');
      await c.click({
        verb: Verbs.enrollmentSection,
        section: 'partnerType',
        action: 'next',
        ...answers.partnerType,
      });
      const before = env.app.connector.activities(c.conversation).length;
      const putsBefore = puts().length;
      const out = await c.click({
        verb: Verbs.enrollmentSection,
        section: 'tenant',
        action: 'next',
        ...answers.tenant,
        partnerId: 'abc',
      });
      const posted = env.app.connector.activities(c.conversation).slice(before);
      expect(posted.filter((a: any) => cardOf(a))).to.have.length(0);
      expect(puts().length).to.be.greaterThan(putsBefore);
      expect(out.seen).to.include('6 or 7 digits');
    });

    it('turns the summary into a record without buttons once submitted', async () => {
      await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const summary = puts()
        .map((p) => cardOf(p.body))
        .find((card) => visible({ attachments: [{ content: card }] }).includes('Submitted'));
      expect(summary, 'the summary card updated in place').to.not.equal(undefined);
      expect(summary.actions ?? []).to.have.length(0);
    });

    it('turns the verify card into a record once the code is accepted', async () => {
      const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const putsBefore = puts().length;
      await c.say(code);
      const updated = puts()
        .slice(putsBefore)
        .map((p) => cardOf(p.body))
        .find((card) => JSON.stringify(card).includes('Email verified'));
      expect(updated, 'the verify card updated in place').to.not.equal(undefined);
      expect(updated.actions ?? []).to.have.length(0);
    });

    it("updates the operator's review queue in place once an application is decided", async () => {
      const { partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
      const op = chat(env, personas.operator);
      const queue = await op.say('review');
      const queueActivity = queue.find((a: any) => cardOf(a));
      expect(visible(queueActivity)).to.include('Contoso reseller');
      const emptyQueue = t('en', 'enrollment:review.queueTitle', { count: 0 });
      await op.execute(Verbs.reviewApprove, { partnerRef });
      const update = await eventually(
        () =>
          puts().find((p) => {
            const text = visible(p.body);
            return text.includes(emptyQueue) && !text.includes('Contoso reseller');
          }),
        'the queue card updated'
      );
      expect(update).to.not.equal(undefined);
    });
  });

  it('keeps the application and its buttons when Reject has no reason, and says why on it', async () => {
    const { partnerRef } = await enrollUnderReview(env, personas.reseller, 'reseller', '1234567');
    const res = await chat(env, personas.operator).execute(Verbs.reviewReject, {
      partnerRef,
      reason: '',
    });
    const body = res.body as { type: string; value: any };
    expect(body.type).to.equal(CARD);
    expect(res.seen).to.include('Enter a reason').and.include('Contoso reseller');
    const executes = JSON.stringify(body.value).match(/"Action\.Execute"/g) ?? [];
    expect(executes.length).to.be.at.least(2);
    expect(actionsOf(body.value).length).to.be.greaterThan(0);
  });

  it('tells the applicant the outcome on a card with the next step as a button', async () => {
    const { c, partnerRef } = await enrollUnderReview(
      env,
      personas.reseller,
      'reseller',
      '1234567'
    );
    await chat(env, personas.operator).execute(Verbs.reviewApprove, { partnerRef });
    const notice = await eventually(
      () =>
        env.app.connector
          .activities(c.conversation)
          .find((a: any) => JSON.stringify(a).includes('is approved')),
      'the outcome notice'
    );
    const card = cardOf(notice);
    expect(card.actions.map((a: any) => a.data)).to.deep.include({
      verb: Verbs.commandRun,
      command: 'users',
    });
  });
});
