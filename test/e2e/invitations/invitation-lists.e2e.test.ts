import { expect } from 'chai';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { Verbs } from '../../../cards/verbs.js';
import {
  actionData,
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import { secretsOf } from './invitation-secrets.js';

/** Getting around the invitations list (issue 12/18): Open, Back to list, who accepted, Revoke. */
describe('the invitations list (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  /** A reseller-only invitation; its id and code. */
  async function invite(company: string) {
    const created = await w.click(cast.reseller, Verbs.invitationCreate, {
      relationshipRef: 'none',
      companyName: company,
    });
    const stored = await w.collection('invitations').findOne({ 'customer.companyName': company });
    return { ref: String(stored!._id), code: secretsOf(created.body).code };
  }
  const listed = async () => {
    const list = await w.say(cast.reseller, 'invitations');
    return list.out.find((a) => JSON.stringify(a).includes('"Invitations"'));
  };

  it('shows who accepted; Open and History come back to the list page', async () => {
    const { ref, code } = await invite('Northwind Traders');
    await w.say(cast.customer, `accept ${code}`);
    await w.click(cast.customer, Verbs.invitationAccept, { invitationRef: ref });
    await w.drained();
    const list = await w.say(cast.reseller, 'invitations');
    expect(list.seen).to.include(`Accepted by ${cast.customer.name} on ${dayText('en', w.now())}`);

    const card = await listed();
    const open = await w.click(cast.reseller, Verbs.invitationView, actionData(card, 'Open'));
    expect(open.seen).to.include('Invitation to Northwind Traders').and.include('Back to list');
    const history = await w.click(
      cast.reseller,
      Verbs.invitationHistory,
      actionData(open.body, 'History')
    );
    const detail = await w.click(
      cast.reseller,
      Verbs.invitationView,
      actionData(history.body, 'Back')
    );
    expect(detail.seen).to.include('Invitation to Northwind Traders').and.include('Back to list');
    const back = await w.click(
      cast.reseller,
      Verbs.invitationsPage,
      actionData(detail.body, 'Back to list')
    );
    expect(back.seen).to.include('Northwind Traders · Accepted');
  });

  it('customers shows each customer with its tenant id and admin', async () => {
    const { ref, code } = await invite('Northwind Traders');
    await w.say(cast.customer, `accept ${code}`);
    await w.click(cast.customer, Verbs.invitationAccept, { invitationRef: ref });
    // The customer record is the acceptance's owed work, done right after the click.
    await w.drained();
    const list = await w.say(cast.reseller, 'customers');
    expect(list.seen).to.include('Northwind Traders');
    expect(list.seen).to.include(
      `Tenant ID ${cast.customer.tenantId} · admin: ${cast.customer.name}`
    );
  });

  it("customers shows the customer's domain and the accepting admin's email", async () => {
    // The roster tells the bot the customer admin's address, as Teams does.
    await w.stop();
    w = await startRelationshipsWorld({}, { roster: [cast.customer] });
    const { ref, code } = await invite('Northwind Traders');
    await w.say(cast.customer, `accept ${code}`);
    await w.click(cast.customer, Verbs.invitationAccept, { invitationRef: ref });
    await w.drained();
    const list = await w.say(cast.reseller, 'customers');
    const domain = cast.customer.email.split('@')[1]!;
    expect(list.seen).to.include(`Domain ${domain} · contact: ${cast.customer.email}`);
  });

  it('Revoke asks to confirm first, from the card and from the list; only the second click revokes', async () => {
    await invite('Tailspin Toys');
    const card = await listed();
    const asks = await w.click(cast.reseller, Verbs.invitationRevoke, actionData(card, 'Revoke'));
    expect(asks.seen).to.include('Revoke the invitation to Tailspin Toys?');
    expect(asks.seen).to.include('Yes, revoke it');
    const state = async () => (await w.collection('invitations').findOne({}))!.state;
    expect(await state()).to.equal('pending');
    // Back is the invitation's card, which still knows its list.
    const back = await w.click(cast.reseller, Verbs.invitationView, actionData(asks.body, 'Back'));
    expect(back.seen).to.include('Back to list');
    expect(await state()).to.equal('pending');

    const done = await w.click(
      cast.reseller,
      Verbs.invitationRevoke,
      actionData(asks.body, 'Yes, revoke it')
    );
    expect(done.seen).to.include('Revoked: the link and the code no longer work.');
    expect(await state()).to.equal('revoked');
    // From the list: the list, read again, shows it revoked.
    expect(done.seen).to.include('Tailspin Toys · Revoked');
  });

  it('filters by state and searches by company name; paging and Back to list keep both', async () => {
    const northwind = await invite('Northwind Traders');
    await w.say(cast.customer, `accept ${northwind.code}`);
    await w.click(cast.customer, Verbs.invitationAccept, { invitationRef: northwind.ref });
    const tailspin = await invite('Tailspin Toys');
    await w.click(cast.reseller, Verbs.invitationRevoke, {
      invitationRef: tailspin.ref,
      confirmed: 'yes',
    });
    await invite('Northern Lights');
    await w.drained();
    const rows = (seen: string) =>
      ['Northwind Traders', 'Tailspin Toys', 'Northern Lights'].filter((c) =>
        seen.includes(`${c} · `)
      );
    const page = (data: Record<string, unknown>) =>
      w.click(cast.reseller, Verbs.invitationsPage, data);

    expect(rows((await page({ page: '0', filter: 'pending' })).seen)).to.deep.equal([
      'Northern Lights',
    ]);
    expect(rows((await page({ page: '0', filter: 'accepted' })).seen)).to.deep.equal([
      'Northwind Traders',
    ]);
    expect(rows((await page({ page: '0', filter: 'closed' })).seen)).to.deep.equal([
      'Tailspin Toys',
    ]);
    // The search is by the start of the company name, in any case.
    expect(rows((await page({ page: '0', filter: 'all', text: 'north' })).seen)).to.deep.equal([
      'Northwind Traders',
      'Northern Lights',
    ]);
    const none = await page({ page: '0', filter: 'all', text: 'Fabrikam' });
    expect(none.seen).to.include('No invitation to a company whose name starts with “Fabrikam”.');

    // Open from a filtered, searched list: Back to list shows that same list.
    const list = await page({ page: '0', filter: 'pending', text: 'North' });
    const open = await w.click(cast.reseller, Verbs.invitationView, actionData(list.body, 'Open'));
    expect(open.seen).to.include('Invitation to Northern Lights');
    const history = await w.click(
      cast.reseller,
      Verbs.invitationHistory,
      actionData(open.body, 'History')
    );
    const detail = await w.click(
      cast.reseller,
      Verbs.invitationView,
      actionData(history.body, 'Back')
    );
    const back = await w.click(
      cast.reseller,
      Verbs.invitationsPage,
      actionData(detail.body, 'Back to list')
    );
    expect(rows(back.seen)).to.deep.equal(['Northern Lights']);
    expect(JSON.stringify(back.body)).to.include('"value":"North"');

    // Paging keeps the filter and the search: six more pending "North…" make a second page.
    for (let i = 1; i <= 6; i++) await invite(`North Star ${i}`);
    const first = await page({ page: '0', filter: 'pending', text: 'North' });
    const next = await page(actionData(first.body, 'Next'));
    expect(next.seen).to.include('Page 2 of 2');
    expect(next.seen).not.to.include('Northwind Traders');
    expect(next.seen).not.to.include('Tailspin Toys');
  });
});
