import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { TEST_APP_ID } from '../../helpers/test-app.js';
import type { Persona } from '../../helpers/personas.js';
import {
  cast,
  colleague,
  eventually,
  GRANT,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from '../invitations/invitation-secrets.js';

/** An active provider-reseller relationship, made through the real cards. */
async function connect(w: RelationshipsWorld): Promise<string> {
  await w.click(cast.reseller, Verbs.relationshipRequest, {
    providerRef: w.provider.id,
    consent: 'true',
    ...GRANT,
  });
  const open = await w.collection('relationships').findOne({ open: true });
  const id = String(open!._id);
  await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id });
  return id;
}

/** The reseller invites `companyName` (with the provider when given a relationship). */
async function invite(
  w: RelationshipsWorld,
  companyName: string,
  opts: { relationshipRef?: string; adminEmail?: string } = {}
) {
  const created = await w.click(cast.reseller, Verbs.invitationCreate, {
    relationshipRef: opts.relationshipRef ?? 'none',
    companyName,
    ...(opts.adminEmail ? { adminEmail: opts.adminEmail } : {}),
  });
  expect(created.status).to.equal(200);
  return secretsOf(created.body);
}

/** The customer's admin opens the invitation by its code and clicks Accept. */
async function accept(w: RelationshipsWorld, who: Persona, code: string) {
  const opened = await w.say(who, `accept ${code}`);
  expect(opened.seen).to.include('Decline');
  const opener = `${who.tenantId}/${who.aadObjectId}`;
  const invitation = await w
    .collection('invitations')
    .findOne({ openedBy: opener, state: 'pending' });
  const invitationRef = String(invitation!._id);
  const ok = await w.click(who, Verbs.invitationAccept, { invitationRef });
  expect(ok.seen).to.include('Accepted');
  await eventually(
    async () => (await w.collection('customers').findOne({ tenantId: who.tenantId })) ?? undefined,
    'the customer record'
  );
}

/** The welcome card a fresh install sends (the world installed everyone once already). */
async function reinstall(w: RelationshipsWorld, who: Persona): Promise<string> {
  await w.app.post(w.app.teams.installationUpdate(who, 'remove'));
  const conversationId = w.app.teams.conversationId(who);
  const before = w.app.connector.shown(conversationId).length;
  await w.app.post(w.app.teams.install(who));
  return w.app.connector.shown(conversationId).slice(before).map(visible).join('\n');
}

describe("a customer's people in the bot: welcome, help and status (the real server)", function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('greets a customer admin with the customer welcome, not Enroll my organization', async () => {
    // Before any invitation, the newcomer is offered enrollment.
    expect(await reinstall(w, cast.customer)).to.include('Enroll my organization');
    const relationshipRef = await connect(w);
    const { code } = await invite(w, 'Northwind Traders', { relationshipRef });
    await accept(w, cast.customer, code);

    const welcome = await reinstall(w, cast.customer);
    expect(welcome).to.include('Welcome to Partner Connect');
    expect(welcome).to.include('Your organization is a customer here');
    expect(welcome).to.include('See my partners').and.include('Check my status');
    expect(welcome).to.not.include('Enroll my organization');
    // A word the bot does not know: the suggestions are a customer's, never enrollment.
    const unknown = await w.say(cast.customer, 'hello');
    expect(unknown.seen).to.include("didn't understand");
    expect(unknown.seen).to.not.include('enroll');
  });

  it('lists the customer commands in help, in English and Russian, and no enrollment', async () => {
    const { code } = await invite(w, 'Northwind Traders');
    await accept(w, cast.customer, code);

    const help = await w.say(cast.customer, 'help');
    expect(help.seen).to.include('Your reseller and provider');
    expect(help.seen).to.include('Accept an invitation');
    expect(help.seen).to.include('its reseller and provider');
    expect(help.seen)
      .to.not.include('Enroll your organization')
      .and.not.match(/^enroll\b/m);
    await w.say(cast.customer, 'language ru');
    const ru = await w.say(cast.customer, 'помощь');
    expect(ru.seen).to.include('партнеры').and.include('статус').and.include('принять');
    expect(ru.seen).to.not.include('Зарегистрировать');
    expect(ru.seen).to.not.include('(enroll)');
  });

  it("shows the customer's reseller, provider and invitations in status, in en and ru", async () => {
    const relationshipRef = await connect(w);
    const { code } = await invite(w, 'Northwind Traders', { relationshipRef });
    await accept(w, cast.customer, code);
    // A second invitation, opened but not answered yet: status lists it as waiting.
    const second = await invite(w, 'Northwind Traders GmbH');
    expect((await w.say(cast.customer, `accept ${second.code}`)).seen).to.include('Decline');

    const status = await w.say(cast.customer, 'status');
    expect(status.seen).to.include('Northwind Traders in Partner Connect');
    expect(status.seen).to.include('Reseller Contoso Reseller (PartnerID');
    expect(status.seen).to.include(`invitation accepted by ${cast.customer.name}`);
    expect(status.seen).to.include('may manage your subscriptions');
    expect(status.seen).to.include('Fabrikam Distribution').and.include('may place orders for you');
    expect(status.seen).to.include('Invitations waiting for your answer');
    expect(status.seen).to.include('Contoso Reseller invites Northwind Traders GmbH');
    expect(status.seen).to.include('Type partners').and.include('See my partners');
    expect(status.seen).to.not.include('Enrollment status').and.not.include('Enroll');
    // A colleague who accepted nothing sees the same, and who may End (the admins) instead.
    const ivan = colleague(cast.customer, 3, 'Ivan');
    await w.app.post(w.app.teams.install(ivan));
    const theirs = await w.say(ivan, 'status');
    expect(theirs.seen)
      .to.include('Reseller Contoso Reseller')
      .and.include('Fabrikam Distribution');
    expect(theirs.seen).to.include(`for your organization's admins here: ${cast.customer.name}`);
    expect(theirs.seen).to.not.include('See my partners');
    // The inviting reseller's own status is its enrollment: the customer is not its standing.
    const reseller = await w.say(cast.reseller, 'status');
    expect(reseller.seen).to.include('Enrollment status');
    expect(reseller.seen).to.not.include('Northwind Traders in Partner Connect');

    await w.say(cast.customer, 'language ru');
    const ru = await w.say(cast.customer, 'статус');
    expect(ru.seen).to.include('Northwind Traders в Partner Connect');
    expect(ru.seen).to.include('Торговый посредник Contoso Reseller');
    expect(ru.seen).to.include('Косвенный поставщик: Fabrikam Distribution');
    expect(ru.seen).to.include('Приглашения ждут вашего ответа');
    expect(ru.seen).to.not.include('Зарегистрировать');
  });

  it('keeps the partner view for a partner that is also a customer, status adding the customer part', async () => {
    // The provider's tenant accepts the reseller's invitation (reseller only): a customer too.
    const { code } = await invite(w, 'Fabrikam as a customer');
    await accept(w, cast.provider, code);

    const help = await w.say(cast.provider, 'help');
    expect(help.seen).to.include('Your reseller and provider');
    const status = await w.say(cast.provider, 'status');
    expect(status.seen).to.include('Enrollment status');
    expect(status.seen).to.include('Fabrikam as a customer in Partner Connect');
    expect(status.seen.indexOf('Enrollment status')).to.be.lessThan(
      status.seen.indexOf('Fabrikam as a customer in Partner Connect')
    );
  });
});

describe('how a customer gets the app into its Teams: the invitation page and mail', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  const page = async (token: string, lang = 'en-US,en;q=0.9') => {
    const res = await fetch(`${w!.app.url}/invitations/${token}`, {
      headers: { 'Accept-Language': lang },
    });
    return { status: res.status, html: await res.text() };
  };
  const mailTo = (address: string) =>
    eventually(() => w!.mailsTo(address)[0], `the invitation mail to ${address}`);

  it('links the Teams app by its id when the bot has one', async () => {
    w = await startRelationshipsWorld({}, { auth: true });
    const { token } = await invite(w, 'Northwind Traders', { adminEmail: 'it@northwind.example' });
    const appLink = `https://teams.microsoft.com/l/app/${TEST_APP_ID}`;

    const en = await page(token);
    expect(en.status).to.equal(200);
    expect(en.html).to.include(`href="${appLink}"`).and.include('Get Partner Connect in Teams');
    expect(en.html).to.include('In the Teams app store it is called Partner Connect');
    expect(en.html).to.include('Open in Teams').and.include('https://teams.microsoft.com/l/chat/');
    const ru = await page(token, 'ru-RU,ru;q=0.9');
    expect(ru.html).to.include(`href="${appLink}"`).and.include('Получить Partner Connect в Teams');

    const mail = await mailTo('it@northwind.example');
    expect(mail).to.include(appLink).and.include('it is called Partner Connect');
  });

  it('says whom to ask instead of a broken link when the bot has no app id', async () => {
    w = await startRelationshipsWorld();
    const { token } = await invite(w, 'Northwind Traders', { adminEmail: 'it@northwind.example' });

    const en = await page(token);
    expect(en.status).to.equal(200);
    expect(en.html).to.include('not yet published to Teams here: ask Contoso Reseller');
    expect(en.html).to.not.include('teams.microsoft.com').and.not.include('Open in Teams');
    const ru = await page(token, 'ru-RU,ru;q=0.9');
    expect(ru.html).to.include('ещё не опубликован в Teams');
    expect(ru.html).to.not.include('teams.microsoft.com');

    const mail = await mailTo('it@northwind.example');
    expect(mail).to.include('To get the Partner Connect app into your Teams, ask Contoso Reseller');
    expect(mail).to.not.include('teams.microsoft.com');
  });
});
