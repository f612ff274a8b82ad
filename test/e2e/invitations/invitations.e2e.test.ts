import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import {
  cast,
  eventually,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
  visible,
} from '../relationships/relationships-world.js';
import { secretsOf } from './invitation-secrets.js';

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

describe('customer invitations end to end (three tenants, the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  const page = async (token: string, lang = 'en-US,en;q=0.9') => {
    const res = await fetch(`${w.app.url}/invitations/${token}`, {
      headers: { 'Accept-Language': lang },
    });
    return { res, html: await res.text() };
  };

  it('a sales agent invites with the provider; the customer accepts in Teams; every page agrees', async () => {
    const relationshipRef = await connect(w);
    const form = await w.say(cast.resellerSales, 'invite customer');
    expect(form.seen).to.include('Invite a customer').and.include('Fabrikam Distribution');

    const formId = await w.received(cast.resellerSales, 'Invite a customer');
    const created = await w.click(
      cast.resellerSales,
      Verbs.invitationCreate,
      {
        relationshipRef,
        companyName: 'Northwind Traders',
        adminEmail: 'it@northwind.example',
        note: 'As discussed',
      },
      formId
    );
    expect(created.status).to.equal(200);
    expect(created.seen).to.include('Invitation to Northwind Traders created');
    expect(created.seen).to.include('Open in mail').and.include('Done');
    // The click does not wait for SMTP: the outbox mails it, then the card says so in place.
    expect(created.seen).to.include('Mail to it@northwind.example queued');
    const { token, code } = secretsOf(created.body);
    const mail = await eventually(
      () => w.smtp.mails.find((m) => m.to.includes('it@northwind.example')),
      'the invitation mail'
    );
    expect(mail.data).to.include(code);
    await w.updatedTo(cast.resellerSales, 'Mailed to it@northwind.example');
    // Only hashes are stored.
    const stored = JSON.stringify(await w.collection('invitations').find().toArray());
    expect(stored).to.not.include(token).and.not.include(code.replace(/-/g, ''));

    // The page, in English and Russian, with the pages' security headers. This bot has no app
    // id, so the page says whom to ask instead of a chat link to nobody (customers.e2e.test.ts).
    const en = await page(token);
    expect(en.res.status).to.equal(200);
    expect(en.html).to.include('Contoso Reseller').and.include('Fabrikam Distribution');
    expect(en.html).to.include('not yet published to Teams here');
    expect(en.html).to.not.include('https://teams.microsoft.com/l/chat/');
    expect(en.html).to.not.include('<script');
    expect(en.res.headers.get('cache-control')).to.equal('no-store');
    expect(en.res.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect(en.res.headers.get('x-frame-options')).to.equal('DENY');
    const ru = await page(token, 'ru-RU,ru;q=0.9');
    expect(ru.html).to.include('ещё не опубликован в Teams').and.include('<html lang="ru">');
    expect((await page('A'.repeat(43))).res.status).to.equal(404);

    // The reseller's own tenant cannot accept.
    const own = await w.say(cast.reseller, `accept ${code}`);
    expect(own.seen).to.include('Revoke');

    const opened = await w.say(cast.customer, `accept ${code.toLowerCase()}`);
    expect(opened.seen).to.include('Accept').and.include('Decline');
    expect(opened.seen).to.include('may place orders for you');
    const cardId = await w.received(cast.customer, 'Decline');
    const invitationRef = String((await w.collection('invitations').findOne())!._id);
    const ok = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef }, cardId);
    expect(ok.seen).to.include('Accepted').and.include('You are its admin');
    expect(ok.seen).to.not.include('Decline');
    // The copies are redrawn after the answer: the clicked card keeps what the answer told.
    await w.drained();
    const redraws = w.app.connector.calls.filter(
      (c) => c.method === 'PUT' && c.status < 300 && c.activityId === cardId
    );
    expect(redraws, 'the clicked card is redrawn with the other copies').to.not.have.length(0);
    for (const r of redraws) expect(visible(r.body)).to.include('You are its admin');

    // Reseller and provider are told at once; the reseller's answer card changes in place.
    await w.received(cast.reseller, 'accepted the invitation');
    await w.received(cast.provider, 'accepted the invitation');
    await w.updatedTo(cast.resellerSales, 'Accepted by');
    // The audit trail, for the partners: who made each transition, and when.
    const history = await w.click(cast.reseller, Verbs.invitationHistory, { invitationRef });
    expect(history.seen).to.include(`created by ${cast.resellerSales.name}`);
    expect(history.seen).to.include(`Pending → Accepted by ${cast.customer.name}`);
    const back = await w.click(cast.reseller, Verbs.invitationView, { invitationRef });
    expect(back.seen).to.include('Invitation to Northwind Traders').and.include('History');
    const notTheirs = await w.click(cast.customer, Verbs.invitationHistory, { invitationRef });
    expect(notTheirs.seen).to.not.include('created by');
    expect((await page(token)).res.status).to.equal(410);

    const partners = await w.say(cast.customer, 'partners');
    expect(partners.seen).to.include('Contoso Reseller').and.include('Fabrikam Distribution');
    const rc = await w.say(cast.reseller, 'customers');
    expect(rc.seen).to.include('Northwind Traders').and.include('With Fabrikam Distribution');
    const pc = await w.say(cast.provider, 'customers');
    expect(pc.seen).to.include('Reseller Contoso Reseller').and.include('Northwind Traders');
    expect(pc.seen).to.include('Through Contoso Reseller');
    // View customers on the relationship: the customers the two share, with a way back.
    const card = await w.click(cast.provider, Verbs.relationshipView, { relationshipRef });
    expect(card.seen).to.include('View customers');
    const shared = await w.click(cast.provider, Verbs.relationshipCustomers, { relationshipRef });
    expect(shared.seen).to.include('Customers Fabrikam Distribution and Contoso Reseller share');
    expect(shared.seen).to.include('Northwind Traders').and.include('Back');
    const fromReseller = await w.click(cast.resellerSales, Verbs.relationshipCustomers, {
      relationshipRef,
    });
    expect(fromReseller.seen).to.include('Northwind Traders');
    // Another tenant never sees them.
    const stranger = await w.click(cast.customer, Verbs.relationshipCustomers, { relationshipRef });
    expect(stranger.seen).to.not.include('Northwind Traders');
    // `partners` is for the customer's admins: listed by help for them, not for the reseller.
    expect((await w.say(cast.customer, 'help')).seen).to.include('Your reseller and provider');
    expect((await w.say(cast.reseller, 'help')).seen).to.not.include('Your reseller and provider');
    expect((await w.say(cast.reseller, 'partners')).seen).to.include('not a customer');

    // Twice: the same admin is told it is done, and nothing changes.
    const twice = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    expect(twice.seen).to.include('Done: you accepted this invitation');
    expect(await w.collection('customerLinks').countDocuments()).to.equal(1);
    expect(await w.collection('customers').countDocuments()).to.equal(1);

    // The customer ends it from `partners`, after a confirmation; both partners are told.
    expect(partners.seen).to.include('End');
    const linkRef = String((await w.collection('customerLinks').findOne())!._id);
    const confirm = await w.click(cast.customer, Verbs.customerEndPartner, { linkRef });
    expect(confirm.seen).to.include('End this relationship?').and.include('End, I am sure');
    expect((await w.collection('customerLinks').findOne())!.endedAt).to.equal(undefined);
    const stranger2 = await w.click(cast.reseller, Verbs.customerEndPartner, {
      linkRef,
      confirmed: 'yes',
    });
    expect(stranger2.seen).to.include('not a customer');
    const ended = await w.click(cast.customer, Verbs.customerEndPartner, {
      linkRef,
      confirmed: 'yes',
    });
    expect(ended.seen).to.include('Ended: Contoso Reseller is no longer your reseller');
    await w.received(cast.reseller, 'ended the customer relationship');
    await w.received(cast.provider, 'ended the customer relationship');
    expect((await w.say(cast.reseller, 'customers')).seen).to.not.include('Northwind Traders');
    const replay = await w.click(cast.customer, Verbs.customerEndPartner, {
      linkRef,
      confirmed: 'yes',
    });
    expect(replay.seen).to.include('Done: you ended this relationship on');
  });

  it('refuses the inviting tenant, expires with the clock, revokes from the list, throttles codes', async () => {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Tailspin Toys',
    });
    const { token, code } = secretsOf(created.body);
    const invitationRef = String((await w.collection('invitations').findOne())!._id);
    await w.say(cast.resellerSales, `accept ${code}`);
    const own = await w.click(cast.resellerSales, Verbs.invitationAccept, { invitationRef });
    expect(own.seen).to.include('from your own organization');

    // Accept without having shown the code: not found, nothing changes.
    const blind = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    expect(blind.seen).to.include('not available to you');

    await w.say(cast.customer, `accept ${code}`);
    w.advanceDays(31);
    const late = await w.click(cast.customer, Verbs.invitationAccept, { invitationRef });
    expect(late.seen).to.include('expired');
    expect((await page(token)).res.status).to.equal(410);
    const list = await w.say(cast.reseller, 'invitations');
    expect(list.seen).to.include('Tailspin Toys').and.include('Expired').and.include('Resend');
    expect(list.seen).to.include('Clean up expired');
    const cleaned = await w.click(cast.resellerSales, Verbs.invitationsCleanUp, {});
    expect(cleaned.seen).to.include('1 past-date invitations marked expired');
    expect((await w.collection('invitations').findOne())!.state).to.equal('expired');

    // Resend: a new link and code; the old ones are dead.
    const again = await w.click(cast.reseller, Verbs.invitationResend, { invitationRef });
    const fresh = secretsOf(again.body);
    expect(fresh.token).to.not.equal(token);
    expect((await page(token)).res.status).to.equal(404);
    expect((await page(fresh.token)).res.status).to.equal(200);

    // Revoke asks first (as End does); the second click revokes.
    const asks = await w.click(cast.reseller, Verbs.invitationRevoke, { invitationRef, page: 0 });
    expect(asks.seen).to.include('Revoke the invitation to');
    expect((await page(fresh.token)).res.status).to.equal(200);
    const revoked = await w.click(cast.reseller, Verbs.invitationRevoke, {
      invitationRef,
      page: 0,
      confirmed: 'yes',
    });
    expect(revoked.seen).to.include('Revoked');
    expect((await page(fresh.token)).res.status).to.equal(410);
    // The customer never showed the new code while it was live: only that it is dead. (The
    // earlier clicks' card updates, owed work done after them, land first: not in this reply.)
    await w.drained();
    const gone = await w.say(cast.customer, `accept ${fresh.code}`);
    expect(gone.seen).to.include('no longer valid');
    expect(gone.seen).to.not.include('Revoked by').and.not.include('Decline');
    // The reseller may still see who revoked it and when.
    expect((await w.say(cast.reseller, `accept ${fresh.code}`)).seen).to.include('Revoked by');

    // Wrong codes: counted per person, then a lockout even for a right code.
    for (let i = 0; i < 4; i++) {
      const wrong = await w.say(cast.customer, 'accept CAAA-AAAA-AAAA');
      expect(wrong.seen).to.include('No invitation has that code');
    }
    expect((await w.say(cast.customer, 'accept CAAA-AAAA-AAAA')).seen).to.include(
      'Too many wrong codes'
    );
    expect((await w.say(cast.customer, `accept ${fresh.code}`)).seen).to.include(
      'Too many wrong codes'
    );
  });
  it('unfurls a pasted invitation link into a card with the facts and Open (composeExtension/queryLink)', async () => {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Northwind Traders',
    });
    const { token } = secretsOf(created.body);
    const link = `${w.app.config.publicBaseUrl}/invitations/${token}`;
    const query = (url: string) => ({
      ...w.app.teams.cardAction(cast.customer, 'unused'),
      name: 'composeExtension/queryLink',
      value: { url },
    });
    const res = await w.app.post(query(link) as never);
    expect(res.status).to.equal(200);
    const result = (res.body as any).composeExtension;
    expect(result.type).to.equal('result');
    const [attachment] = result.attachments;
    expect(attachment.contentType).to.equal('application/vnd.microsoft.card.adaptive');
    const seen = JSON.stringify(attachment.content);
    expect(seen).to.include('Northwind Traders').and.include('Contoso Reseller');
    expect(seen).to.include('Action.OpenUrl').and.include(link);
    expect(seen).to.not.include('invitation.accept').and.not.include('invitation.revoke');
    expect(attachment.preview.content.title).to.include('Northwind Traders');
    // Not ours, or a dead token: no card.
    const other = await w.app.post(
      query(`${w.app.config.publicBaseUrl}/invitations/${'B'.repeat(43)}`) as never
    );
    expect((other.body as any)?.composeExtension).to.equal(undefined);
  });
  it('gives one acceptance, one customer and one notice for 10 concurrent Accept invokes', async () => {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: 'Northwind Traders',
    });
    const { code } = secretsOf(created.body);
    await w.say(cast.customer, `accept ${code}`);
    const invitationRef = String((await w.collection('invitations').findOne())!._id);
    const clicks = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.click(cast.customer, Verbs.invitationAccept, { invitationRef })
      )
    );
    expect(clicks.filter((c) => c.seen.includes('You are its admin'))).to.have.length(1);
    // One customer admin clicked them all: the other nine read that it is done.
    expect(clicks.filter((c) => c.seen.includes('Done: you accepted'))).to.have.length(9);
    await w.received(cast.reseller, 'accepted the invitation');
    await new Promise((r) => setTimeout(r, 500));
    const notices = w
      .posted(cast.reseller)
      .filter((c) => JSON.stringify(c.body).includes('accepted the invitation'));
    expect(notices).to.have.length(1);
    expect(await w.collection('customers').countDocuments()).to.equal(1);
    expect(await w.collection('customerLinks').countDocuments()).to.equal(1);
    const stored = await w.collection('invitations').findOne();
    expect(stored!.history.map((e: { to: string }) => e.to)).to.deep.equal(['pending', 'accepted']);
  });
});

describe('customers pages, paged (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('shows 10 customers a page with Previous and Next, and the last page has the rest', async () => {
    // 23 customers of the reseller, as 23 accepted invitations would leave them.
    const since = new Date('2026-11-01T00:00:00Z');
    for (let i = 0; i < 23; i++) {
      const customer = await w.collection('customers').insertOne({
        tenantId: `tenant-${i}`,
        companyName: `Customer ${String(i).padStart(2, '0')}`,
        admins: [],
        createdAt: since,
      });
      await w.collection('customerLinks').insertOne({
        customerRef: String(customer.insertedId),
        resellerRef: w.reseller.id,
        invitationRef: `inv-${i}`,
        since: new Date(since.getTime() + i * 60_000),
      });
    }
    const first = await w.say(cast.reseller, 'customers');
    expect(first.seen).to.include('Customer 22').and.include('Customer 13');
    expect(first.seen).to.not.include('Customer 12');
    expect(first.seen).to.include('Page 1 of 3').and.include('Next').and.not.include('Previous');
    const third = await w.click(cast.reseller, Verbs.customersPage, { page: 2 });
    expect(third.seen).to.include('Customer 02').and.include('Customer 00');
    expect(third.seen).to.include('Page 3 of 3').and.include('Previous').and.not.include('Next');
    const beyond = await w.click(cast.reseller, Verbs.customersPage, { page: 9 });
    expect(beyond.seen).to.not.include('Customer');
  });
});
