import { expect } from 'chai';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { Verbs } from '../../../cards/verbs.js';
import type { Persona } from '../../helpers/personas.js';
import {
  actionData,
  cast,
  days,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const SOON = { roles: ['globalReader'], durationDays: 20, autoExtend: false };

/**
 * Getting around (issue 12/18): a detail card opened from a list comes back to that list's page
 * and filter, History comes back to the detail, and the list is read again after a change.
 */
describe('getting around the relationship lists (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  /** `count` providers (besides the world's) the reseller has active access with, 20 days. */
  async function activeWithProviders(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) {
      const admin = {
        ...cast.customer,
        tenantId: `provider-tenant-${i}`,
        aadObjectId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      } as Persona;
      const provider = await w.approvedPartner('provider', admin, {
        legalName: `Provider Number ${i}`,
        partnerId: `${7100000 + i}`,
      });
      const asked = await w.service.request(cast.reseller, provider.id, SOON, true);
      await w.service.authorize(admin, asked.id);
      ids.push(asked.id);
      w.advance(60_000);
    }
    return ids;
  }

  it('Open and History from page 2 of Expiring soon: History goes back to the detail, Back to list to that page and filter', async () => {
    await activeWithProviders(7);
    const first = await w.click(cast.reseller, Verbs.relationshipsPage, {
      page: 0,
      expiringSoon: 'true',
    });
    const second = await w.click(cast.reseller, Verbs.relationshipsPage, {
      ...actionData(first.body, 'Next'),
    });
    expect(second.seen).to.include('Page 2 of 2');
    // Soonest end first: page 2 holds the two asked last.
    expect(second.seen).to.include('Provider Number 6').and.include('Provider Number 7');
    const opens = JSON.stringify(second.body).match(/"title":"Open"/g) ?? [];
    expect(opens).to.have.length(2);

    const open = await w.click(cast.reseller, Verbs.relationshipView, {
      ...(rowAction(second.body, 'Provider Number 7', 'Open') as Record<string, unknown>),
    });
    expect(open.seen).to.include('Provider Number 7').and.include('Back to list');

    const history = await w.click(
      cast.reseller,
      Verbs.relationshipHistory,
      actionData(open.body, 'History')
    );
    expect(history.seen).to.include('requested by');
    const backToDetail = actionData(history.body, 'Back to relationship');
    const detail = await w.click(cast.reseller, Verbs.relationshipView, backToDetail);
    expect(detail.seen).to.include('Provider Number 7').and.include('Back to list');

    const back = actionData(detail.body, 'Back to list');
    const list = await w.click(cast.reseller, Verbs.relationshipsPage, back);
    expect(list.seen).to.include('Page 2 of 2');
    expect(list.seen).to.include('ends within 30 days');
    expect(list.seen).to.include('Provider Number 7').and.not.include('Provider Number 1');

    // History straight from the list comes back to the detail, which still knows its list.
    const fromList = await w.click(
      cast.reseller,
      Verbs.relationshipHistory,
      rowAction(list.body, 'Provider Number 6', 'History')
    );
    const itsDetail = await w.click(
      cast.reseller,
      Verbs.relationshipView,
      actionData(fromList.body, 'Back to relationship')
    );
    expect(itsDetail.seen).to.include('Provider Number 6').and.include('Back to list');
  });

  it('after Extend on a card opened from the list, Back to list shows the new end', async () => {
    await activeWithProviders(1);
    const stored = await w.collection('relationships').findOne({});
    const oldEnd = stored!.expiresAt as Date;
    // The notices of the authorization are out first: the reply is the list alone.
    await w.drained();
    const list = await w.say(cast.reseller, 'providers');
    expect(list.seen).to.include(`expires ${dayText('en', oldEnd)}`);
    const card = list.out.find((a) => JSON.stringify(a).includes('Indirect providers'));
    const open = await w.click(
      cast.reseller,
      Verbs.relationshipView,
      rowAction(card, 'Provider Number 1', 'Open')
    );
    const asked = await w.click(cast.reseller, Verbs.relationshipExtend, {
      ...actionData(open.body, 'Extend'),
      durationDays: '100',
      roles: 'globalReader',
    });
    const extended = await w.click(
      cast.reseller,
      Verbs.relationshipExtend,
      actionData(asked.body, 'Yes, extend')
    );
    expect(extended.seen).to.include('Extended by');
    const newEnd = new Date(oldEnd.getTime() + days(100));
    const back = await w.click(
      cast.reseller,
      Verbs.relationshipsPage,
      actionData(extended.body, 'Back to list')
    );
    expect(back.seen).to.include(`expires ${dayText('en', newEnd)}`);
    expect(back.seen).to.not.include(`expires ${dayText('en', oldEnd)}`);
  });

  it('the directory marks a provider the reseller has a pending or active relationship with, and offers Open', async () => {
    const other = await w.approvedPartner('provider', cast.customer, {
      legalName: 'Fabrikam Two',
      partnerId: '7999998',
    });
    const asked = await w.service.request(cast.reseller, w.provider.id, SOON, true);
    await w.drained();
    const dir = await w.say(cast.reseller, 'directory');
    const card = dir.out.find((a) => JSON.stringify(a).includes('Fabrikam Two'));
    expect(card).to.not.equal(undefined);
    expect(dir.seen).to.include('You have a pending request with this provider.');
    expect(rowAction(card, 'Fabrikam Distribution', 'Open')).to.include({
      relationshipRef: asked.id,
    });
    // The other provider has no relationship yet: Request relationship, no mark.
    expect(rowAction(card, 'Fabrikam Two', 'Request relationship')).to.include({
      providerRef: other.id,
    });
    const open = await w.click(
      cast.reseller,
      Verbs.relationshipView,
      rowAction(card, 'Fabrikam Distribution', 'Open')
    );
    expect(open.seen).to.include('Waiting for Fabrikam Distribution').and.include('Back to list');
    const back = await w.click(
      cast.reseller,
      Verbs.directoryPage,
      actionData(open.body, 'Back to list')
    );
    expect(back.seen).to.include('Fabrikam Two').and.include('pending request');

    // Active: marked so; an older card's Request relationship opens it instead of a form.
    await w.service.authorize(cast.provider, asked.id);
    const again = await w.click(cast.reseller, Verbs.directoryPage, { page: 0 });
    expect(again.seen).to.include('This is already your indirect provider.');
    const form = await w.click(cast.reseller, Verbs.relationshipRequestForm, {
      providerRef: w.provider.id,
    });
    expect(form.seen).to.include('Authorized by').and.not.include('I consent');
  });

  it('Request relationship from a searched directory page: Back to list returns there, and so does the sent request', async () => {
    const dir = await w.click(cast.reseller, Verbs.directoryPage, { text: 'fab', page: 0 });
    const form = await w.click(
      cast.reseller,
      Verbs.relationshipRequestForm,
      rowAction(dir.body, 'Fabrikam Distribution', 'Request relationship')
    );
    expect(form.seen).to.include('I consent').and.include('Back to list');
    const back = await w.click(
      cast.reseller,
      Verbs.directoryPage,
      actionData(form.body, 'Back to list')
    );
    expect(back.seen).to.include('Fabrikam Distribution');
    expect(JSON.stringify(back.body)).to.include('"value":"fab"');

    const sent = await w.click(cast.reseller, Verbs.relationshipRequest, {
      ...actionData(form.body, 'Send request'),
      consent: 'true',
      roles: 'globalReader',
      durationDays: '365',
      autoExtend: 'false',
    });
    expect(sent.seen).to.include('Waiting for Fabrikam Distribution').and.include('Back to list');
    const again = await w.click(
      cast.reseller,
      Verbs.directoryPage,
      actionData(sent.body, 'Back to list')
    );
    expect(again.seen).to.include('You have a pending request with this provider.');
  });

  it('lists active first, filters by state and searches by partner name or PartnerID', async () => {
    const [, second] = await activeWithProviders(2);
    // The newest is pending (asked last), one is closed: still, the active ones come first.
    await w.service.end(cast.reseller, second!);
    await w.service.request(cast.reseller, w.provider.id, SOON, true);
    const all = await w.click(cast.reseller, Verbs.relationshipsPage, { page: 0 });
    const order = ['Provider Number 1', 'Fabrikam Distribution', 'Provider Number 2'].map((n) =>
      all.seen.indexOf(n)
    );
    expect(order.every((i) => i >= 0)).to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));

    const pending = await w.click(cast.reseller, Verbs.relationshipsPage, {
      ...actionData(all.body, 'Pending'),
    });
    expect(pending.seen).to.include('Fabrikam Distribution');
    expect(pending.seen).to.not.include('Provider Number');
    const closed = await w.click(cast.reseller, Verbs.relationshipsPage, {
      ...actionData(all.body, 'Closed'),
    });
    expect(closed.seen).to.include('Provider Number 2').and.not.include('Provider Number 1');

    // Search: the Search button sends the typed text with the filter shown.
    const found = await w.click(cast.reseller, Verbs.relationshipsPage, {
      ...actionData(all.body, 'Search'),
      text: 'provider number',
    });
    expect(found.seen).to.include('Provider Number 1').and.include('Provider Number 2');
    expect(found.seen).to.not.include('Fabrikam Distribution');
    const byId = await w.click(cast.reseller, Verbs.relationshipsPage, {
      page: 0,
      text: '7100001',
    });
    expect(byId.seen).to.include('Provider Number 1').and.not.include('Provider Number 2');
    // Open from a search: Back to list keeps the search and the filter.
    const open = await w.click(
      cast.reseller,
      Verbs.relationshipView,
      rowAction(found.body, 'Provider Number 2', 'Open')
    );
    const back = await w.click(
      cast.reseller,
      Verbs.relationshipsPage,
      actionData(open.body, 'Back to list')
    );
    expect(back.seen).to.include('Provider Number 2').and.not.include('Fabrikam Distribution');
    const none = await w.click(cast.reseller, Verbs.relationshipsPage, { page: 0, text: 'zzz' });
    expect(none.seen).to.include('No relationship with a partner whose name starts with "zzz"');
  });
});

/** The data of the button titled `title` in the list row that names `name`. */
function rowAction(card: unknown, name: string, title: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Container' && JSON.stringify(o.items ?? []).includes(name)) {
        found = actionData(o.items, title);
        return;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error(`no row naming ${name}`);
  return found;
}
