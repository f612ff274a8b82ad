import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import {
  cast,
  colleague,
  eventually,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from './relationships-world.js';

const GRANT = {
  roles: 'globalReader,licenseAdministrator',
  durationDays: '180',
  autoExtend: 'false',
};
const CODE = /R[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/;
const LINK = /https?:\/\/[^\s"]+\/relationships\/([A-Za-z0-9_-]{43})/;

/** A reseller not yet enrolled when invited: the customer persona's tenant, enrolled later. */
const newcomer = cast.customer;

describe('reseller invitations by mail, link and code (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld({ PUBLIC_BASE_URL: 'http://localhost:3978' });
  });
  afterEach(async () => {
    await w.stop();
  });

  /** The provider invites from the `invite reseller` card; returns what its card shows. */
  async function invite(extra: Record<string, string> = {}) {
    await w.say(cast.provider, 'invite reseller');
    const formId = await w.received(cast.provider, 'Invite a reseller');
    const sent = await w.click(
      cast.provider,
      Verbs.relationshipInvite,
      { email: newcomer.email, ...GRANT, ...extra },
      formId
    );
    const code = CODE.exec(sent.seen)?.[0] ?? '';
    const token = LINK.exec(JSON.stringify(sent.body))?.[1] ?? '';
    return { sent, code, token };
  }

  it('answers "mail queued" while the SMTP server holds the mail, then "mailed"; the outbox keeps no link or code', async () => {
    const release = w.smtp.hold();
    const { sent, code, token } = await invite();
    expect(sent.seen).to.include(`Mail to ${newcomer.email} queued`).and.include(code);
    await eventually(() => w.smtp.waiting === 1, 'the mail held by the SMTP server');
    expect(w.mailsTo(newcomer.email)).to.have.length(0);
    const outbox = async () =>
      JSON.stringify(await w.collection('notifications').find({}).toArray());
    expect(await outbox())
      .to.not.include(token)
      .and.not.include(code);
    release();
    const update = await w.updatedTo(
      cast.provider,
      `We mailed the link and the code to ${newcomer.email}`
    );
    expect(visible(update.body)).to.include(code);
    await w.drained();
    expect(await outbox())
      .to.not.include(token)
      .and.not.include(code);
    expect(w.mailsTo(newcomer.email)).to.have.length(1);
  });

  it("says the mail failed after the retries, keeping link and code on the provider's card", async () => {
    w.smtp.refuse(451);
    const { sent, code } = await invite();
    expect(sent.seen).to.include(`Mail to ${newcomer.email} queued`);
    const update = await w.updatedTo(
      cast.provider,
      `The mail to ${newcomer.email} could not be sent`,
      15_000
    );
    expect(w.smtp.refused).to.equal(3);
    expect(visible(update.body)).to.include(code).and.include('/relationships/');
    await w.drained();
    const item = await w.collection('notifications').findOne({ kind: 'mail' });
    expect(item?.state).to.equal('dead');
    expect(item).to.not.have.property('sealed');
  });

  it('mails a link and a code to a reseller not yet enrolled, which accepts and authorizes with consent', async () => {
    const { sent, code, token } = await invite();
    expect(code, sent.seen).to.match(CODE);
    expect(token).to.have.length(43);
    // The click does not wait for SMTP: the outbox mails it and the card then says so.
    expect(sent.seen).to.include(`Mail to ${newcomer.email} queued`);
    expect(sent.seen).to.include('Global Reader and License Administrator');
    expect(await w.collection('relationships').countDocuments()).to.equal(0);
    await w.updatedTo(cast.provider, `We mailed the link and the code to ${newcomer.email}`);

    // The mail carries the same link and code.
    const [mail] = w.mailsTo(newcomer.email);
    expect(mail, 'invitation mail').to.be.a('string');
    expect(mail).to.include(`http://localhost:3978/relationships/${token}`).and.include(code);
    expect(mail).to.include('Fabrikam Distribution');

    // Only fingerprints are stored: a copy of the database opens nothing.
    const stored = JSON.stringify(await w.collection('resellerInvitations').find({}).toArray());
    expect(stored).to.not.include(token).and.not.include(code);

    // The link's page, in the browser's language, never cached.
    const page = await fetch(`${w.app.url}/relationships/${token}`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    const html = await page.text();
    expect(html).to.include('Invitation from Fabrikam Distribution').and.include('180 days');
    expect(html).to.include('Global Reader and License Administrator');
    const ru = await fetch(`${w.app.url}/relationships/${token}`, {
      headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' },
    });
    expect(await ru.text()).to.include('Приглашение от Fabrikam Distribution');
    expect((await fetch(`${w.app.url}/relationships/${'x'.repeat(43)}`)).status).to.equal(404);
    expect((await fetch(`${w.app.url}/relationships/nope`)).status).to.equal(404);

    // The reseller enrolls, then its Global admin types the code (any case, no dashes).
    await w.approvedPartner('reseller', newcomer, {
      legalName: 'Northwind Reseller',
      partnerId: '1999999',
    });
    const typed = code.toLowerCase().replace(/-/g, '');
    const accepted = await w.say(newcomer, `accept ${typed}`);
    expect(accepted.seen).to.include('The invitation from Fabrikam Distribution is open');
    const cardId = await w.received(newcomer, 'Authorize indirect provider');
    const open = await w.collection('relationships').findOne({ open: true });
    expect(open?.state).to.equal('pending');
    expect(open?.initiatedBy).to.equal('provider');
    expect(open?.grant.roles).to.deep.equal(['globalReader', 'licenseAdministrator']);

    const ok = await w.click(
      newcomer,
      Verbs.relationshipAuthorize,
      { relationshipRef: String(open?._id), consent: 'true' },
      cardId
    );
    expect(ok.seen).to.include(`Authorized by ${newcomer.name}`);
    await w.received(cast.provider, 'Relationship authorized');

    // Used: another reseller is refused, the page says it is gone, the same reseller sees its card.
    const other = await w.say(cast.reseller, `accept ${code}`);
    expect(other.seen).to.include('This invitation was already used');
    const used = await fetch(`${w.app.url}/relationships/${token}`);
    expect(used.status).to.equal(410);
    // Said as a banner (AA contrast: test/e2e/pages/invitation-pages-look).
    expect(await used.text()).to.include(
      '<p class="notice good" role="status">This invitation was already used.</p>'
    );
    const again = await w.say(newcomer, `accept ${code}`);
    expect(again.seen).to.include('Here is the invitation from Fabrikam Distribution');
    expect(await w.collection('relationships').countDocuments()).to.equal(1);
  });

  it("shows an enrolled reseller's admins the invitation; its link's token opens the request, as Open in Teams sends it", async () => {
    const { sent, token } = await invite({ partnerId: w.reseller.partnerId });
    // The provider is told nothing about who holds the PartnerID (see test/security/).
    expect(sent.seen).to.not.include('Contoso Reseller');
    await w.received(cast.reseller, 'Fabrikam Distribution invites you to a relationship');
    expect(await w.collection('relationships').countDocuments()).to.equal(0);
    const opened = await w.say(cast.reseller, `accept ${token}`);
    expect(opened.seen).to.include('The invitation from Fabrikam Distribution is open');
    await w.received(cast.reseller, 'Authorize indirect provider');
    expect(await w.collection('relationships').countDocuments()).to.equal(1);
    const again = await w.say(cast.reseller, `accept ${token}`);
    expect(again.seen).to.include('Here is the invitation from Fabrikam Distribution');
    expect(await w.collection('relationships').countDocuments()).to.equal(1);
  });

  it("finds an enrolled reseller by its contact's proven address when no PartnerID is given; its admin accepts on the card", async () => {
    await w.approvedPartner('reseller', newcomer, {
      legalName: 'Northwind Reseller',
      partnerId: '1999999',
      verifiedEmail: newcomer.email.toLowerCase(),
    });
    const { sent } = await invite();
    expect(sent.seen).to.not.include('Northwind Reseller');
    const cardId = await w.received(
      newcomer,
      'Fabrikam Distribution invites you to a relationship'
    );
    expect(await w.collection('relationships').countDocuments({ open: true })).to.equal(0);
    const invitationRef = String((await w.collection('resellerInvitations').findOne())!._id);

    // Someone of another reseller cannot use it by its id.
    const foreign = await w.click(cast.reseller, Verbs.resellerInvitationAccept, { invitationRef });
    expect(foreign.seen).to.include('That invitation was not found');
    expect(await w.collection('relationships').countDocuments({ open: true })).to.equal(0);

    const accepted = await w.click(
      newcomer,
      Verbs.resellerInvitationAccept,
      { invitationRef },
      cardId
    );
    expect(accepted.seen).to.include('The invitation from Fabrikam Distribution is open');
    expect(accepted.seen).to.not.include('Accept invitation');
    await w.received(newcomer, 'Authorize indirect provider');
    expect(await w.collection('relationships').countDocuments({ open: true })).to.equal(1);
    // Clicked again: the request's card, nothing new.
    const twice = await w.click(newcomer, Verbs.resellerInvitationAccept, { invitationRef });
    expect(twice.seen).to.include('Here is the invitation from Fabrikam Distribution');
    expect(await w.collection('relationships').countDocuments()).to.equal(1);
  });

  it("updates every admin's copy of the invitation card in place once one of them accepts: no Accept left live", async () => {
    await w.setRoles(cast.reseller, cast.resellerSales, ['adminAgent']);
    await invite({ partnerId: w.reseller.partnerId });
    const title = 'Fabrikam Distribution invites you to a relationship';
    const annaCard = await w.received(cast.reseller, title);
    await w.received(cast.resellerSales, title);
    const invitationRef = String((await w.collection('resellerInvitations').findOne())!._id);
    await w.click(cast.reseller, Verbs.resellerInvitationAccept, { invitationRef }, annaCard);
    // Sergei's copy (he did not click) reads the acceptance and offers Accept no more.
    const update = await w.updatedTo(
      cast.resellerSales,
      'Accepted: the card to authorize it follows'
    );
    expect(visible(update.body)).to.include(title).and.not.include('Accept invitation');
    await w.received(cast.resellerSales, 'Authorize indirect provider');
    await w.drained();
    expect(w.updated(cast.resellerSales)).to.have.length(1);
  });

  it('refuses wrong, expired, foreign and own codes, and locks out a guesser but not a colleague', async () => {
    // Named by PartnerID: only that reseller may use it.
    const forContoso = await invite({ partnerId: w.reseller.partnerId });
    await w.approvedPartner('reseller', newcomer, {
      legalName: 'Northwind Reseller',
      partnerId: '1999999',
    });
    const foreign = await w.say(newcomer, `accept ${forContoso.code}`);
    expect(foreign.seen).to.include('This invitation is for another reseller');

    // The provider's own people cannot accept it (they are not the reseller).
    const own = await w.say(cast.providerAgent, `accept ${forContoso.code}`);
    expect(own.seen).to.not.include('Fabrikam Distribution ↔');

    // Expired after 90 days: refused, and the page says so.
    const lapsing = await invite();
    w.advanceDays(91);
    const late = await w.say(newcomer, `accept ${lapsing.code}`);
    expect(late.seen).to.include('This invitation has expired');
    expect((await fetch(`${w.app.url}/relationships/${lapsing.token}`)).status).to.equal(410);

    // Five wrong codes lock that person out, even from a right code, for an hour.
    const fresh = await invite();
    // One budget for every kind of code: customer codes count against the same person too.
    for (let i = 0; i < 4; i++) {
      const wrong = await w.say(
        newcomer,
        i % 2 ? 'accept C222-2222-2222' : 'accept R222-2222-2222'
      );
      expect(wrong.seen).to.include('No invitation has that code');
    }
    const fifth = await w.say(newcomer, 'accept R222-2222-2223');
    expect(fifth.seen).to.include('Too many wrong codes');
    const locked = await w.say(newcomer, `accept ${fresh.code}`);
    expect(locked.seen).to.include('Too many wrong codes');
    // Nothing opened: not the locked code, nor the invitation Contoso has not accepted.
    expect(await w.collection('relationships').countDocuments({ open: true })).to.equal(0);
    // Throttled per person: a colleague with the right role is not locked out by the guesser.
    const colleagueOf = colleague(newcomer, 3, 'Ivan');
    await w.app.post(w.app.teams.install(colleagueOf));
    await w.setRoles(newcomer, colleagueOf, ['adminAgent']);
    const byColleague = await w.say(colleagueOf, 'accept R222-2222-2224');
    expect(byColleague.seen).to.include('No invitation has that code');
    w.advance(61 * 60_000);
    const later = await w.say(newcomer, `accept ${fresh.code}`);
    expect(later.seen).to.include('The invitation from Fabrikam Distribution is open');

    // Malformed: a usage line, nothing changes.
    const empty = await w.say(newcomer, 'accept');
    expect(empty.seen).to.include('That is not an invitation code');
  });
});
