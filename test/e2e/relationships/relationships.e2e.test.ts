import { expect } from 'chai';
import mongoose from 'mongoose';
import { Verbs } from '../../../cards/verbs.js';
import { withLocale } from '../../helpers/personas.js';
import {
  actionData,
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const GRANT = { roles: 'globalReader,userAdministrator', durationDays: '365', autoExtend: 'false' };

/** The reseller asks through the directory and the request card; returns the relationship id. */
async function resellerAsks(w: RelationshipsWorld, grant: Record<string, string> = GRANT) {
  // As in Teams: the click comes from the directory card's message, which the form replaced.
  await w.say(cast.reseller, 'directory');
  const cardId = await w.received(cast.reseller, 'Request relationship');
  const asked = await w.click(
    cast.reseller,
    Verbs.relationshipRequest,
    { providerRef: w.provider.id, consent: 'true', ...grant },
    cardId
  );
  expect(asked.status).to.equal(200);
  const open = await w.collection('relationships').findOne({ open: true });
  if (!open) throw new Error(`no relationship: ${asked.seen}`);
  return { id: String(open._id), asked };
}

describe('relationships end to end (two tenants, the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('a reseller finds a provider, asks with consent, and the provider authorizes on its card', async () => {
    await w.approvedPartner('provider', { ...cast.customer, tenantId: 'other-provider' } as never, {
      legalName: 'Фабрикам Дистрибуция',
      partnerId: '7999999',
    });
    const dir = await w.say(cast.reseller, 'directory');
    expect(dir.seen).to.include('Fabrikam Distribution').and.include('Фабрикам Дистрибуция');
    expect(dir.seen).to.include('Request relationship');
    // Case-insensitive, English and Russian, by the start of the name.
    const fab = await w.click(cast.reseller, Verbs.directoryPage, { text: 'fab', page: 0 });
    expect(fab.seen).to.include('Fabrikam Distribution').and.not.include('Фабрикам');
    const ru = await w.click(cast.reseller, Verbs.directoryPage, { text: 'ФАБ', page: 0 });
    expect(ru.seen).to.include('Фабрикам Дистрибуция').and.not.include('Fabrikam Distribution');

    const form = await w.click(cast.reseller, Verbs.relationshipRequestForm, {
      providerRef: w.provider.id,
    });
    expect(form.seen).to.include('Place orders for your customers').and.include('Global Reader');
    expect(form.seen).to.include('I consent, on behalf of Contoso Reseller');

    // Without the consent toggle nothing is created, and the card says why.
    const noConsent = await w.click(cast.reseller, Verbs.relationshipRequest, {
      providerRef: w.provider.id,
      consent: 'false',
      ...GRANT,
    });
    expect(noConsent.seen).to.include('consent');
    expect(await w.collection('relationships').countDocuments()).to.equal(0);

    const { id, asked } = await resellerAsks(w);
    expect(asked.seen).to.include('Waiting for Fabrikam Distribution to authorize');
    expect(asked.seen).to.include('Withdraw');

    // Both provider admins get the card with Authorize / Decline.
    const cardId = await w.received(cast.provider, 'Authorize');
    await w.received(cast.providerAgent, 'Authorize');
    const ok = await w.click(
      cast.provider,
      Verbs.relationshipAuthorize,
      { relationshipRef: id },
      cardId
    );
    expect(ok.body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(ok.seen).to.include('Authorized by').and.include('Active');
    expect(ok.seen).to.not.include('Decline');

    // Every other copy changes in place: the other provider admin's and the reseller's.
    await w.updatedTo(cast.providerAgent, 'Authorized by');
    await w.updatedTo(cast.reseller, 'Authorized by');
    await w.received(cast.reseller, 'Relationship authorized');

    // Both pages agree.
    const providers = await w.say(cast.reseller, 'providers');
    expect(providers.seen).to.include('Fabrikam Distribution').and.include('Active');
    const resellers = await w.say(cast.provider, 'resellers');
    expect(resellers.seen).to.include('Contoso Reseller').and.include('Active');

    // A late click sees who did it, and nothing changes twice.
    const late = await w.click(cast.providerAgent, Verbs.relationshipAuthorize, {
      relationshipRef: id,
    });
    expect(late.seen).to.include('Already authorized by');
    const stored = await w.collection('relationships').findOne({});
    expect(stored?.history).to.have.length(2);
  });

  it('pages a large directory without counting all of it: "Page 1 of 21+", then the real count near its end', async () => {
    // 110 more providers in the reseller's country, 111 with Fabrikam: the count stops 100 past the page.
    for (let i = 0; i < 110; i++) {
      const admin = {
        ...cast.customer,
        tenantId: `00000000-0000-4000-8000-${String(900000000000 + i)}`,
        aadObjectId: `00000000-0000-4000-9000-${String(900000000000 + i)}`,
      };
      await w.approvedPartner('provider', admin as never, {
        legalName: `Northwind ${String(i).padStart(3, '0')}`,
        partnerId: `${7100000 + i}`,
      });
    }
    const first = await w.say(cast.reseller, 'directory');
    expect(first.seen).to.include(
      'Page 1 of 21+ (more than 105: type the start of a name to narrow it)'
    );
    expect(first.seen).to.include('Next');
    const late = await w.click(cast.reseller, Verbs.directoryPage, { text: '', page: 20 });
    expect(late.seen).to.include('Page 21 of 23 (111 in all)');
    expect(late.seen).to.include('Northwind 099');
    const last = await w.click(cast.reseller, Verbs.directoryPage, { text: '', page: 22 });
    expect(last.seen).to.include('Page 23 of 23 (111 in all)').and.include('Northwind 109');
    expect(last.seen).not.to.include('Next');
  });

  it('a provider invites an enrolled reseller, whose consent is required to authorize', async () => {
    const form = await w.say(cast.provider, 'invite reseller');
    expect(form.seen).to.include('Invite a reseller');
    const formId = await w.received(cast.provider, 'Invite a reseller');
    const sent = await w.click(
      cast.provider,
      Verbs.relationshipInvite,
      { email: cast.reseller.email, partnerId: w.reseller.partnerId, ...GRANT },
      formId
    );
    // The provider is not told whether the PartnerID is enrolled (test/security/invite-reseller-*).
    expect(sent.seen).to.match(/R[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/);
    expect(sent.seen).to.not.include('Contoso Reseller');
    // Its admins get the invitation; Accept opens the request they authorize with consent.
    await w.received(cast.reseller, 'Fabrikam Distribution invites you to a relationship');
    const invitationRef = String((await w.collection('resellerInvitations').findOne())!._id);
    await w.click(cast.reseller, Verbs.resellerInvitationAccept, { invitationRef });
    const cardId = await w.received(cast.reseller, 'Authorize indirect provider');
    const stored = await w.collection('relationships').findOne({ open: true });
    const id = String(stored?._id);
    const refused = await w.click(
      cast.reseller,
      Verbs.relationshipAuthorize,
      { relationshipRef: id, consent: 'false' },
      cardId
    );
    expect(refused.seen).to.include('Switch on the consent toggle');
    expect((await w.collection('relationships').findOne({}))?.state).to.equal('pending');
    const ok = await w.click(
      cast.reseller,
      Verbs.relationshipAuthorize,
      { relationshipRef: id, consent: 'true' },
      cardId
    );
    expect(ok.seen).to.include('Authorized by Anna Petrova');
    await w.received(cast.provider, 'Relationship authorized');
  });

  it('gives one transition and one notice for 20 concurrent Authorize invokes', async () => {
    const { id } = await resellerAsks(w);
    const cardId = await w.received(cast.provider, 'Authorize');
    const clicks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.click(
          i % 2 ? cast.provider : cast.providerAgent,
          Verbs.relationshipAuthorize,
          { relationshipRef: id },
          cardId
        )
      )
    );
    expect(clicks.every((c) => c.status === 200)).to.equal(true);
    // The winner's own other clicks read "Done: you authorized", the other admin's who did it.
    expect(
      clicks.filter((c) => /Already authorized|Done: you authorized/.test(c.seen)).length
    ).to.equal(19);
    const stored = await w.collection('relationships').findOne({});
    expect(stored?.history.map((e: { to: string }) => e.to)).to.deep.equal(['pending', 'active']);
    await w.received(cast.reseller, 'Relationship authorized');
    await new Promise((r) => setTimeout(r, 500));
    const notices = w
      .posted(cast.reseller)
      .filter((c) => JSON.stringify(c.body).includes('Relationship authorized'));
    expect(notices).to.have.length(1);
  });

  it('refuses the wrong role, another tenant and the wrong side, changing nothing', async () => {
    const { id } = await resellerAsks(w);
    const before = JSON.stringify(await w.collection('relationships').find({}).toArray());
    // A sales agent of the reseller may look but not act.
    const sales = await w.click(cast.resellerSales, Verbs.relationshipWithdraw, {
      relationshipRef: id,
    });
    expect(sales.seen).to.include("don't have the role");
    // Someone of another tenant never learns the relationship exists.
    const stranger = await w.click(cast.customer, Verbs.relationshipAuthorize, {
      relationshipRef: id,
    });
    expect(stranger.seen).to.not.include('Fabrikam').and.not.include('Contoso');
    // The side that asked does not authorize its own request.
    const self = await w.click(cast.reseller, Verbs.relationshipAuthorize, {
      relationshipRef: id,
      consent: 'true',
    });
    expect(self.seen).to.include('The other side authorizes');
    // Forged data: no 500, a clear refusal.
    const forged = await w.click(cast.provider, Verbs.relationshipAuthorize, {
      relationshipRef: { $ne: null },
    });
    expect(forged.status).to.equal(200);
    expect(forged.seen).to.include("doesn't look right");
    expect(JSON.stringify(await w.collection('relationships').find({}).toArray())).to.equal(before);
  });

  it('declines, withdraws, and lapses an unanswered request after 90 days', async () => {
    const first = await resellerAsks(w);
    // Decline asks for an optional reason first (declining-with-reason.e2e.test.ts).
    const declined = await w.click(cast.provider, Verbs.relationshipDecline, {
      relationshipRef: first.id,
      confirmed: 'yes',
    });
    expect(declined.seen).to.include('Declined by Dmitry');
    await w.received(cast.reseller, 'Relationship declined');
    const replay = await w.click(cast.provider, Verbs.relationshipDecline, {
      relationshipRef: first.id,
      confirmed: 'yes',
    });
    // The decider's own second click: done, with the date (test/e2e/security/own-second-click).
    expect(replay.seen).to.include('Done: you declined this request on');

    const second = await resellerAsks(w);
    const withdrawn = await w.click(cast.reseller, Verbs.relationshipWithdraw, {
      relationshipRef: second.id,
    });
    expect(withdrawn.seen).to.include('Withdrawn by Anna Petrova');
    await w.received(cast.provider, 'Request withdrawn');

    const third = await resellerAsks(w);
    w.advanceDays(91);
    expect(await w.service.sweep()).to.be.greaterThan(0);
    const lapsed = await w.collection('relationships').findOne({ _id: toId(third.id) });
    expect(lapsed?.state).to.equal('expired');
    await w.received(cast.reseller, 'Relationship expired');
    await w.received(cast.provider, 'Relationship expired');
  });

  it('reminds both sides 30, 7 and 1 days before access ends, once each; auto-extend adds 180 days', async () => {
    const { id } = await resellerAsks(w, {
      roles: 'globalReader',
      durationDays: '60',
      autoExtend: 'true',
    });
    await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id });
    const reminders = (who: typeof cast.reseller) =>
      w.posted(who).filter((c) => JSON.stringify(c.body).includes('Access ends in'));
    w.advanceDays(31); // 29 days left
    await w.service.sweep();
    await w.service.sweep();
    await w.received(cast.reseller, 'Access ends in 30 days');
    await w.received(cast.provider, 'Access ends in 30 days');
    w.advanceDays(24); // 5 days left: the 7-day one
    await w.service.sweep();
    await w.received(cast.reseller, 'Access ends in 7 days');
    w.advanceDays(4.5); // half a day left
    await w.service.sweep();
    await w.received(cast.provider, 'Access ends in 1 days');
    await new Promise((r) => setTimeout(r, 400));
    expect(reminders(cast.reseller)).to.have.length(3);
    expect(reminders(cast.provider)).to.have.length(3);

    const before = await w.collection('relationships').findOne({});
    w.advanceDays(1);
    await w.service.sweep();
    const after = await w.collection('relationships').findOne({});
    expect(after?.state).to.equal('active');
    expect(after?.expiresAt.getTime() - before?.expiresAt.getTime()).to.equal(180 * 86_400_000);
    expect(after?.remindedDays).to.deep.equal([]);
    await w.received(cast.reseller, 'auto-extended');
  });

  it('ends after a confirmation, extends before expiry, and keeps the history', async () => {
    const { id } = await resellerAsks(w);
    await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id });
    // The reseller extends its own access: a confirmation (old -> new end), then it applies.
    const extend = {
      relationshipRef: id,
      durationDays: '100',
      roles: 'globalReader,userAdministrator',
    };
    const asked = await w.click(cast.reseller, Verbs.relationshipExtend, extend);
    expect(asked.seen).to.include('Extend access until').and.include('100 days later');
    const extended = await w.click(
      cast.reseller,
      Verbs.relationshipExtend,
      actionData(asked.body, 'Yes, extend')
    );
    expect(extended.seen).to.include('Extended by Anna Petrova');
    await w.received(cast.provider, 'Relationship extended');
    // More roles than today need the reseller's consent again, on the confirmation.
    const widen = await w.click(cast.reseller, Verbs.relationshipExtend, {
      ...extend,
      roles: 'globalReader,userAdministrator,licenseAdministrator',
    });
    const resellerWiden = await w.click(cast.reseller, Verbs.relationshipExtend, {
      ...actionData(widen.body, 'Yes, extend'),
      consent: 'false',
    });
    expect(resellerWiden.seen).to.include('Switch on the consent toggle');

    const confirm = await w.click(cast.reseller, Verbs.relationshipEnd, { relationshipRef: id });
    expect(confirm.seen).to.include('End the relationship with Fabrikam Distribution?');
    expect((await w.collection('relationships').findOne({}))?.state).to.equal('active');
    const ended = await w.click(cast.reseller, Verbs.relationshipEnd, {
      relationshipRef: id,
      confirmed: 'yes',
    });
    expect(ended.seen).to.include('Ended by Anna Petrova');
    await w.received(cast.provider, 'Relationship ended');

    const history = await w.click(cast.provider, Verbs.relationshipHistory, {
      relationshipRef: id,
    });
    expect(history.seen).to.include('requested by Anna Petrova');
    expect(history.seen).to.include('Pending → Active by Dmitry');
    expect(history.seen).to.include('extended by Anna Petrova');
    expect(history.seen).to.include('Active → Ended by Anna Petrova');
  });
});

function toId(id: string) {
  return new mongoose.Types.ObjectId(id);
}

describe('relationships in Russian (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('finds, asks and authorizes with every card in Partner Center Russian', async () => {
    const reseller = withLocale(cast.reseller, 'ru-RU');
    const provider = withLocale(cast.provider, 'ru-RU');
    await w.say(reseller, 'язык ru');
    await w.say(provider, 'язык ru');
    const dir = await w.say(reseller, 'каталог');
    expect(dir.seen).to.include('Косвенные поставщики').and.include('Запросить отношения');
    const dirId = await w.received(reseller, 'Запросить отношения');
    const form = await w.click(
      reseller,
      Verbs.relationshipRequestForm,
      { providerRef: w.provider.id },
      dirId
    );
    expect(form.seen).to.include(
      'Попросить Fabrikam Distribution стать вашим косвенным поставщиком'
    );
    await w.click(
      reseller,
      Verbs.relationshipRequest,
      { providerRef: w.provider.id, consent: 'true', ...GRANT },
      dirId
    );
    const cardId = await w.received(provider, 'Подтвердить');
    const id = String((await w.collection('relationships').findOne({ open: true }))!._id);
    const ok = await w.click(
      provider,
      Verbs.relationshipAuthorize,
      { relationshipRef: id },
      cardId
    );
    expect(ok.seen).to.include('Действует');
    await w.updatedTo(reseller, 'Действует');
    const mine = await w.say(reseller, 'поставщики');
    expect(mine.seen).to.include('Косвенные поставщики').and.include('Fabrikam Distribution');
    expect(mine.seen).to.not.match(/relationships:|\{\{/);
  });
});
