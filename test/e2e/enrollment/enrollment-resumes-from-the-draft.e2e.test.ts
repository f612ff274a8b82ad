import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { personas } from '../../helpers/personas.js';
import {
  ANSWERS,
  chat,
  eventually,
  startSecurityApp,
  type SecurityEnv,
} from '../security/security-world.js';

/**
 * Issue [18/18] "one record of where a person is in enrollment": the draft is it. The dialog's
 * saved state can be gone (cleared, never saved, deleted by hand) and the next click on the
 * form is still the answer to the draft's step, what was typed on the card kept.
 */
describe('enrollment resumes from the draft when the dialog state is gone (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => {
    env = await startSecurityApp();
  });
  afterEach(async () => env?.stop());

  const who = personas.reseller;
  const answers = ANSWERS(who.email, '1234567', 'reseller');
  const section = (name: keyof typeof answers, extra: Record<string, unknown> = {}) => ({
    verb: Verbs.enrollmentSection,
    section: name,
    action: 'next',
    ...answers[name],
    ...extra,
  });
  /** The conversation's saved dialog stack and other state, gone as after a lost save. */
  const loseConversationState = async (conversation: string) => {
    const state = env.collection('botstate');
    const escaped = conversation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const { deletedCount } = await state.deleteMany({ _id: { $regex: escaped } } as never);
    expect(deletedCount, 'the dialog state was saved, and is now gone').to.be.greaterThan(0);
  };
  const draft = () => env.enrollment.services.enrollment.draftOf(who);

  it('takes a click on the current step as its answer and moves on, with what was typed', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    await c.click(section('partnerType'));
    await c.click(section('tenant'));
    await loseConversationState(c.conversation);

    const out = await c.click(section('company', { legalName: 'Contoso Typed GmbH' }));
    expect(out.seen).to.include(t('en', 'enrollment:sections.contact'));
    expect(out.seen).to.not.include(t('en', 'errors:generic'));
    const saved = await draft();
    expect(saved?.step).to.equal('contact');
    expect(saved?.answers.legalName).to.equal('Contoso Typed GmbH');
    // The dialog runs again: the next step's answer is taken as usual.
    const next = await c.click(section('contact'));
    expect(next.seen).to.include(t('en', 'enrollment:sections.support'));
  });

  it('returns to the summary after an edit started there, and submits from it', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    for (const name of Object.keys(answers) as (keyof typeof answers)[]) {
      await c.click(section(name));
    }
    await c.click({ verb: Verbs.enrollmentEdit, section: 'company', action: 'edit' });
    await loseConversationState(c.conversation);

    const edited = await c.click(section('company', { legalName: 'Contoso Edited GmbH' }));
    expect(edited.seen).to.include(t('en', 'enrollment:summary.title'));
    expect(edited.seen).to.include('Contoso Edited GmbH');
    await loseConversationState(c.conversation);

    const submitted = await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
    expect(submitted.seen).to.include(t('en', 'enrollment:dialog.submitted'));
    await eventually(
      () => env.smtp.mails.find((m) => m.to.includes(who.email)),
      'the verification code mail'
    );
    const { partner } = await env.enrollment.services.enrollment.status(who);
    expect(partner?.legalName).to.equal('Contoso Edited GmbH');
    expect(partner?.status).to.equal('emailVerificationPending');
  });

  it('asks a refused answer again on the clicked card, what was typed kept', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    await c.click(section('partnerType'));
    await c.click(section('tenant'));
    await loseConversationState(c.conversation);

    const { connector } = env.app;
    const posted = connector.activities(c.conversation).length;
    await env.app.post(
      env.app.teams.submit(who, section('company', { postalCode: 'ABC' }), {
        replyToId: 'company-card',
      })
    );
    const put = connector.calls.filter(
      (call) => call.method === 'PUT' && call.activityId === 'company-card'
    );
    const asked = JSON.stringify(put.at(-1)?.body ?? null);
    expect(asked, 'the clicked card asked again').to.include('ABC');
    expect(asked).to.include('5 digits');
    const cards = connector
      .activities(c.conversation)
      .slice(posted)
      .filter((a) => a.attachments?.length);
    expect(cards, 'no second copy of the step').to.have.length(0);
    expect((await draft())?.step).to.equal('company');
  });

  it('carries on from the draft when the saved state names dialogs this version has not', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    await c.click(section('partnerType'));
    await c.click(section('tenant'));
    // As a version with a component dialog per section saved it.
    const state = env.collection('botstate');
    const saved = await state.findOne({ data: { $regex: '"enrollment\\.step"' } } as never);
    expect(saved, 'the dialog state was saved').to.not.equal(null);
    const data = String(saved!.data).replace(/"enrollment\.step"/g, '"enrollment.section.company"');
    await state.updateOne({ _id: saved!._id } as never, { $set: { data } });

    const out = await c.click(section('company', { legalName: 'Contoso Typed GmbH' }));
    expect(out.seen).to.not.include(t('en', 'errors:generic'));
    expect(out.seen).to.include(t('en', 'enrollment:sections.contact'));
    expect((await draft())?.answers.legalName).to.equal('Contoso Typed GmbH');
  });

  it('shows the current step again, saving nothing, for a click on an older step', async () => {
    const c = chat(env, who);
    await env.app.post(env.app.teams.install(who));
    await c.say('enroll');
    await c.click(section('partnerType'));
    await c.click(section('tenant'));
    await loseConversationState(c.conversation);

    const out = await c.click(section('tenant', { partnerId: '7654321' }));
    expect(out.seen).to.include(t('en', 'enrollment:sections.company'));
    const saved = await draft();
    expect(saved?.step).to.equal('company');
    expect(saved?.answers.partnerId).to.equal('1234567');
  });
});
