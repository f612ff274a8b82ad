import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { personas, withLocale, type Persona } from '../../helpers/personas.js';
import { ANSWERS, visible } from '../security/security-world.js';
import { codeIn, eventually, startEnrollmentApp } from './enrollment-e2e-world.js';

type Env = Awaited<ReturnType<typeof startEnrollmentApp>>;

/** Drives one persona's personal chat through the real server. */
function chat(env: Env, who: Persona) {
  const { app } = env;
  const conversation = app.teams.conversationId(who);
  const since = async (work: () => Promise<unknown>) => {
    const before = app.connector.shown(conversation).length;
    await work();
    return app.connector.shown(conversation).slice(before);
  };
  return {
    conversation,
    say: (text: string) => since(() => app.post(app.teams.message(who, text))),
    click: (data: Record<string, unknown>) => since(() => app.post(app.teams.submit(who, data))),
  };
}

async function enrollAndSubmit(
  env: Env,
  who: Persona,
  type: 'reseller' | 'provider',
  partnerId: string
) {
  const c = chat(env, who);
  await env.app.post(env.app.teams.install(who));
  let out = await c.say('enroll');
  for (const [section, inputs] of Object.entries(ANSWERS(who.email, partnerId, type))) {
    expect(out.map(visible).join('\n'), `before ${section}`).to.not.include('Please fix');
    out = await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
  }
  expect(out.map(visible).join('\n')).to.include('Review your application');
  out = await c.click({ verb: Verbs.enrollmentSubmit, action: 'submit' });
  return { c, out };
}

describe('enrollment end to end (real server, embedded DB, fake Bot Connector, SMTP sink)', function () {
  this.timeout(60_000);
  let env: Env;
  beforeEach(async () => {
    env = await startEnrollmentApp();
    await env.app.post(env.app.teams.install(personas.operator));
  });
  afterEach(async () => env?.stop());

  for (const [who, type, partnerId] of [
    [personas.reseller, 'reseller', '1234567'],
    [personas.provider, 'provider', '7654321'],
  ] as const) {
    it(`lets a ${type} enroll, verify the mailed code and be approved by an operator`, async () => {
      const { app, smtp } = env;
      const { c, out } = await enrollAndSubmit(env, who, type, partnerId);
      expect(out.map(visible).join('\n')).to.include('confirm the primary contact');

      const mail = await eventually(
        () => smtp.mails.find((m) => m.to.includes(who.email)),
        'the code mail'
      );
      const verified = await c.say(`verify ${codeIn(mail)}`);
      expect(verified.map(visible).join('\n')).to.include('under review');

      // Every operator gets the review card proactively.
      const opChat = app.teams.conversationId(personas.operator);
      const reviewCard = await eventually(
        () =>
          app.connector
            .activities(opChat)
            .find((a) => visible(a).includes(`Contoso ${type}`) && visible(a).includes('Approve')),
        'the review card'
      );
      const partnerRef = JSON.stringify(reviewCard).match(/"partnerRef":"([0-9a-f]{24})"/)![1];

      const approved = await app.post(
        app.teams.cardAction(personas.operator, Verbs.reviewApprove, { partnerRef })
      );
      expect(approved.status).to.equal(200);
      expect(JSON.stringify(approved.body)).to.include(`Approved by ${personas.operator.name}`);
      expect(JSON.stringify(approved.body)).to.not.include('Action.Execute');

      // The applicant is told proactively; the operators' cards are updated in place.
      await eventually(
        () =>
          app.connector
            .activities(c.conversation)
            .find((a) => /is approved/.test(JSON.stringify(a))),
        'the approval message'
      );
      await eventually(
        () =>
          app.connector.calls.find(
            (x) =>
              x.method === 'PUT' &&
              x.conversationId === opChat &&
              JSON.stringify(x.body).includes('Approved by')
          ),
        'the updated review card'
      );
      const status = await c.say('status');
      expect(status.map(visible).join('\n')).to.include('Approved');
      expect(status.map(visible).join('\n')).to.include('Global admin and Admin agent');
    });
  }

  it('lets only operators decide, and a second decision changes nothing', async () => {
    const { app, smtp } = env;
    const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    const mail = await eventually(() => smtp.mails[0], 'the code mail');
    await c.say(codeIn(mail));
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    const partnerRef = partner!.id;

    const byApplicant = await app.post(
      app.teams.cardAction(personas.reseller, Verbs.reviewApprove, { partnerRef })
    );
    expect(JSON.stringify(byApplicant.body)).to.include('Only program operators');

    const noReason = await app.post(
      app.teams.cardAction(personas.operator, Verbs.reviewReject, { partnerRef, reason: ' ' })
    );
    expect(JSON.stringify(noReason.body)).to.include('Enter a reason');

    const rejected = await app.post(
      app.teams.cardAction(personas.operator, Verbs.reviewReject, {
        partnerRef,
        reason: 'Address does not match',
      })
    );
    expect(JSON.stringify(rejected.body)).to.include('Rejected by');
    expect(JSON.stringify(rejected.body)).to.include('Address does not match');
    const late = await app.post(
      app.teams.cardAction(personas.operator, Verbs.reviewApprove, { partnerRef })
    );
    expect(JSON.stringify(late.body)).to.include('Rejected by');
    const after = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(after.partner?.status).to.equal('rejected');
    await eventually(
      () =>
        app.connector
          .activities(c.conversation)
          .find((a) => JSON.stringify(a).includes('Address does not match')),
      'the rejection message'
    );
  });

  it('shows operators the review queue, and nobody else', async () => {
    const { app } = env;
    await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await chat(env, personas.reseller).say(
      codeIn(await eventually(() => env.smtp.mails[0], 'mail'))
    );
    const queue = await chat(env, personas.operator).say('review');
    expect(queue.map(visible).join('\n')).to.include('Applications under review: 1');
    const denied = await chat(env, personas.customer).say('review');
    expect(denied.map(visible).join('\n')).to.include('Only program operators');
    void app;
  });

  it('speaks Russian with a Russian Teams client', async () => {
    const ru = withLocale(personas.customer, 'ru-RU');
    await env.app.post(env.app.teams.install(ru));
    const out = await chat(env, ru).say('регистрация');
    expect(out.map(visible).join('\n')).to.include('Шаг 1 из 6');
    expect(out.map(visible).join('\n')).to.include('Косвенный торговый посредник');
  });

  it('lets a Global admin grant roles to a colleague, but not remove the last Global admin', async () => {
    const { app } = env;
    const admin = personas.reseller;
    const colleague = personas.resellerAgent;
    const { c } = await enrollAndSubmit(env, admin, 'reseller', '1234567');
    await c.say(codeIn(await eventually(() => env.smtp.mails[0], 'mail')));
    await chat(env, colleague).say('hello');
    const list = await chat(env, admin).say('users');
    expect(list.map(visible).join('\n')).to.include(colleague.name);
    const granted = await app.post(
      app.teams.cardAction(admin, Verbs.usersUpdateRoles, {
        userId: colleague.aadObjectId,
        [`roles-${colleague.aadObjectId}`]: 'salesAgent',
      })
    );
    expect(JSON.stringify(granted.body)).to.include(
      `Roles of ${colleague.name} saved: Sales agent`
    );
    const self = await app.post(
      app.teams.cardAction(admin, Verbs.usersUpdateRoles, {
        userId: admin.aadObjectId,
        [`roles-${admin.aadObjectId}`]: 'adminAgent',
      })
    );
    expect(JSON.stringify(self.body)).to.include('at least one Global admin');
    const byColleague = await chat(env, colleague).say('users');
    expect(byColleague.map(visible).join('\n')).to.include('Only a Global admin');
  });
});

describe('enrollment through the bot router', function () {
  this.timeout(60_000);
  let env: Env;
  beforeEach(async () => {
    env = await startEnrollmentApp();
  });
  afterEach(async () => env?.stop());

  it('keeps the answers on cancel and resumes at the same step on enroll', async () => {
    const who = personas.reseller;
    await env.app.post(env.app.teams.install(who));
    const c = chat(env, who);
    await c.say('enroll');
    await c.click({
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      partnerType: 'provider',
    });
    await c.say('cancel');
    const resumed = await c.say('enroll');
    const text = resumed.map(visible).join('\n');
    expect(text).to.include('Welcome back');
    expect(text).to.include('Tenant and PartnerID');
  });

  it('resumes from the draft when a form card is clicked with no enrollment in progress', async () => {
    const who = personas.reseller;
    await env.app.post(env.app.teams.install(who));
    const c = chat(env, who);
    await c.say('enroll');
    await c.say('cancel');
    const out = await c.click({
      verb: Verbs.enrollmentSection,
      section: 'partnerType',
      action: 'next',
      partnerType: 'reseller',
    });
    expect(out.map(visible).join('\n')).to.include('Welcome back');
  });

  it('verifies later with "verify <code>", and re-sends a code only after the cooldown', async () => {
    const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say('status');
    const resend = await c.click({ verb: Verbs.enrollmentResendCode });
    expect(resend.map(visible).join('\n')).to.match(/ask for a new one in \d+ s/);
    const mail = await eventually(() => env.smtp.mails[0], 'the code mail');
    const wrong = codeIn(mail) === '000000' ? '111111' : '000000';
    expect((await c.say(`verify ${wrong}`)).map(visible).join('\n')).to.include('Attempts left: 4');
    expect((await c.say(`verify ${codeIn(mail)}`)).map(visible).join('\n')).to.include(
      'under review'
    );
    const status = await c.say('status');
    expect(status.map(visible).join('\n')).to.include('Under review');
  });

  it('shows a colleague without a role the status but not the details, and a stranger nothing', async () => {
    await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    const colleague = await chat(env, personas.resellerAgent).say('status');
    const seen = colleague.map(visible).join('\n');
    expect(seen).to.include('Waiting for email verification');
    expect(seen).to.include('none (ask your Global admin)');
    expect(seen).to.not.include('1234567');
    const stranger = await chat(env, personas.customer).say('status');
    expect(stranger.map(visible).join('\n')).to.include('not enrolled yet');
    expect(stranger.map(visible).join('\n')).to.not.include('Contoso');
  });

  it('keeps enrollment and status out of group chats', async () => {
    const { app } = env;
    const group = app.teams.conversationId(personas.reseller, 'groupChat');
    const before = app.connector.activities(group).length;
    await app.post(app.teams.message(personas.reseller, 'status', { scope: 'groupChat' }));
    const replies = app.connector.activities(group).slice(before).map(visible).join('\n');
    expect(replies).to.include('personal chat');
  });
});

describe('two operators reviewing the same application', function () {
  this.timeout(60_000);
  const second: Persona = {
    ...personas.operator,
    id: 'user-operator-2',
    aadObjectId: '99999999-0000-4000-8000-000000000002',
    name: 'Oleg Second',
    givenName: 'Oleg',
    surname: 'Second',
    email: 'oleg.second@partner-program.example',
    upn: 'oleg.second@partner-program.example',
  };
  let env: Env;
  beforeEach(async () => {
    env = await startEnrollmentApp({
      OPERATOR_AAD_OBJECT_IDS: `${personas.operator.aadObjectId},${second.aadObjectId}`,
    });
    for (const op of [personas.operator, second]) await env.app.post(env.app.teams.install(op));
  });
  afterEach(async () => env?.stop());

  it("updates the other operator's card when one decides, and a late click changes nothing", async () => {
    const { app } = env;
    const { c } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
    await c.say(codeIn(await eventually(() => env.smtp.mails[0], 'mail')));
    const cardIn = (op: Persona) =>
      eventually(
        () =>
          app.connector
            .activities(app.teams.conversationId(op))
            .find((a) => visible(a).includes('Approve')),
        `the review card of ${op.name}`
      );
    const [first, other] = await Promise.all([cardIn(personas.operator), cardIn(second)]);
    const partnerRef = JSON.stringify(first).match(/"partnerRef":"([0-9a-f]{24})"/)![1];
    expect(JSON.stringify(other)).to.include(partnerRef);

    await app.post(app.teams.cardAction(personas.operator, Verbs.reviewApprove, { partnerRef }));
    const secondChat = app.teams.conversationId(second);
    const update = await eventually(
      () =>
        app.connector.calls.find(
          (x) =>
            x.method === 'PUT' &&
            x.conversationId === secondChat &&
            JSON.stringify(x.body).includes('Approved by')
        ),
      "the second operator's updated card"
    );
    expect(JSON.stringify(update.body)).to.include(`Approved by ${personas.operator.name}`);
    expect(JSON.stringify(update.body)).to.not.include('Action.Execute');

    // The second operator clicks Reject on a card that had not refreshed yet.
    const late = await app.post(
      app.teams.cardAction(second, Verbs.reviewReject, { partnerRef, reason: 'Too late' })
    );
    expect(JSON.stringify(late.body)).to.include(`Approved by ${personas.operator.name}`);
    // The already-decided note is on that card, not a text message beside it.
    expect(JSON.stringify(late.body)).to.include(
      `${personas.operator.name} already approved this application.`
    );
    const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
    expect(partner?.status).to.equal('approved');
    expect(partner?.decision?.by.aadObjectId).to.equal(personas.operator.aadObjectId);
  });
});
