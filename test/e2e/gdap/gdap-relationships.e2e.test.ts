import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import {
  CUSTOMER_DEFAULT_GRANT,
  ENTRA_ROLE_TEMPLATE_IDS,
  gdapDisplayName,
} from '../../../domain/gdap/gdap.js';
import { GDAP_SYNC_EVERY_MS } from '../../../domain/gdap/gdap.service.js';
import { NOTICE_GRACE_MS } from '../../../domain/notices/owed-notices.js';
import { etagOf } from '../../helpers/fake-graph.js';
import { cast, eventually, startGdapWorld, visible, type GdapWorld } from './gdap-world.js';

describe('GDAP relationships in Microsoft Graph, through the real server', function () {
  this.timeout(30_000);
  let w: GdapWorld;

  beforeEach(async () => {
    w = await startGdapWorld();
  });
  afterEach(async () => {
    await w?.stop();
  });

  /** Runs the owed Graph work's sweep as the worker does, once its grace period is over. */
  const sweepOwed = async () => {
    w.advance(NOTICE_GRACE_MS + 1000);
    await w.gdap.owed.sweep();
    await w.settled();
  };

  it('creates the provider’s GDAP relationship with exactly the consented roles, locks it, and sends the approval link', async () => {
    await w.connectProvider();
    const r = await w.activeRelationship();
    await w.settled();

    const [made, ...more] = w.graph.named(gdapDisplayName(r.id));
    expect(more).to.have.length(0);
    expect(made!.partnerTenantId).to.equal(cast.provider.tenantId);
    expect(made!.customer.tenantId).to.equal(cast.reseller.tenantId);
    expect(made!.roleIds).to.have.members([
      ENTRA_ROLE_TEMPLATE_IDS.globalReader,
      ENTRA_ROLE_TEMPLATE_IDS.userAdministrator,
    ]);
    expect(made!.duration).to.equal('P365D');
    expect(made!.autoExtendDuration).to.equal('P180D');
    expect(made!.requests).to.deep.equal(['lockForApproval']);
    expect(made!.status).to.equal('approvalPending');

    const link = await w.link(r.id);
    expect(link).to.include({ graphId: made!.id, status: 'approvalPending' });
    // The reseller's Global admin gets the admin center's link, and is told why it is there.
    const approve = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${made!.id}`;
    await w.received(cast.reseller, 'Microsoft requires a Global Administrator');
    const notice = w.posted(cast.reseller).find((c) => JSON.stringify(c.body).includes(approve));
    expect(notice, 'approval link in the reseller admin’s chat').to.not.equal(undefined);
    expect(
      w.posted(cast.resellerSales).some((c) => JSON.stringify(c.body).includes(approve))
    ).to.equal(false);
    // The relationship's own cards show Microsoft's state beside the product's; the reseller's
    // carries the admin center's button, the provider's does not.
    const waiting = 'GDAP: waiting for approval in the Microsoft 365 admin center';
    // (A copy still queued goes out as it is now: sent or updated, the latest is what counts.)
    const providers = await eventually(
      () =>
        [...w.posted(cast.provider), ...w.updated(cast.provider)]
          .reverse()
          .find((c) => visible(c.body).includes(waiting)),
      `the provider's relationship card reading "${waiting}"`
    );
    const opened = await w.click(cast.reseller, Verbs.relationshipView, { relationshipRef: r.id });
    expect(opened.seen).to.include(waiting);
    expect(JSON.stringify(opened.body)).to.include('"type":"Action.OpenUrl"').and.include(approve);
    expect(JSON.stringify(providers.body)).not.to.include(approve);
  });

  it('never creates a second GDAP relationship when the answer to the create was lost (a crash between Graph and the record)', async () => {
    await w.connectProvider();
    w.graph.failNext(`POST /v1.0/tenantRelationships/delegatedAdminRelationships`, 'drop');
    const r = await w.activeRelationship();
    await w.settled();
    // Graph made it, the product does not know its id: the work stays owed.
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
    expect((await w.link(r.id)).graphId).to.equal(undefined);
    expect((await w.link(r.id)).noticeOwedAt).to.not.equal(undefined);

    await sweepOwed();
    const [made, ...more] = w.graph.named(gdapDisplayName(r.id));
    expect(more).to.have.length(0);
    expect(
      w.graph
        .graphCalls('POST', '/v1.0/tenantRelationships/delegatedAdminRelationships')
        .filter((c) => !c.path.endsWith('/requests'))
    ).to.have.length(1);
    expect(await w.link(r.id)).to.include({ graphId: made!.id, status: 'approvalPending' });
    expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
  });

  it('waits out a 429 with its Retry-After and creates once', async () => {
    await w.connectProvider();
    w.graph.failNext(`POST /v1.0/tenantRelationships/delegatedAdminRelationships`, {
      status: 429,
      retryAfter: '1',
    });
    const r = await w.activeRelationship();
    await w.settled();
    const creates = w.graph
      .graphCalls('POST')
      .filter((c) => !c.path.endsWith('/requests'))
      .map((c) => c.status);
    expect(creates).to.deep.equal([429, 201]);
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
    expect((await w.link(r.id)).status).to.equal('approvalPending');
  });

  it('leaves the work owed while Graph is down, and the sweep repairs it once Graph is back', async () => {
    await w.connectProvider();
    w.graph.down = true;
    const r = await w.activeRelationship();
    await w.settled();
    expect(w.graph.relationships.size).to.equal(0);
    expect((await w.link(r.id)).noticeOwedAt).to.not.equal(undefined);
    // Still down at the first sweep: still owed, nothing refused.
    await sweepOwed();
    expect((await w.link(r.id)).refusal).to.equal(undefined);
    w.graph.down = false;
    await sweepOwed();
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
    expect(await w.link(r.id)).to.include({ status: 'approvalPending' });
    expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
  });

  it('terminates the GDAP relationship when the relationship ends', async () => {
    await w.connectProvider();
    const r = await w.activeRelationship();
    await w.settled();
    const graphId = (await w.link(r.id)).graphId!;
    w.graph.approve(graphId);
    await w.service.end(cast.reseller, r.id);
    await w.settled();
    expect(w.graph.relationships.get(graphId)!.requests).to.deep.equal([
      'lockForApproval',
      'terminate',
    ]);
    expect(w.graph.relationships.get(graphId)!.status).to.equal('terminated');
    expect((await w.link(r.id)).wanted).to.equal('terminated');
  });

  it('syncs Graph’s states back: approved in the admin center, then terminated outside the product', async () => {
    await w.connectProvider();
    const r = await w.activeRelationship();
    await w.settled();
    const graphId = (await w.link(r.id)).graphId!;
    w.graph.approve(graphId);
    w.advance(GDAP_SYNC_EVERY_MS + 1000);
    expect(await w.gdap.service.sync()).to.equal(1);
    const active = await w.link(r.id);
    expect(active.status).to.equal('active');
    expect(active.endDateTime!.toISOString()).to.equal(
      w.graph.relationships.get(graphId)!.endDateTime
    );
    await w.received(cast.provider, 'GDAP: active in Microsoft until');
    await w.received(cast.reseller, 'GDAP: active in Microsoft until');

    // Not asked again before its time: the budget per link.
    expect(await w.gdap.service.sync()).to.equal(0);
    w.graph.setStatus(graphId, 'terminated');
    w.advance(GDAP_SYNC_EVERY_MS + 1000);
    expect(await w.gdap.service.sync()).to.equal(1);
    expect((await w.link(r.id)).status).to.equal('terminated');
    await w.received(cast.reseller, 'GDAP: terminated in Microsoft');
  });

  it('says “recorded here only” on the activation’s own card updates: each copy updated once', async () => {
    const r = await w.activeRelationship();
    await w.settled();
    await w.drained();
    expect((await w.link(r.id)).refusal).to.equal('notConnected');
    // Every copy of the request card (the provider's managers) updated by the activation.
    const updates = w.app.connector.calls.filter((c) => c.method === 'PUT' && c.status < 300);
    const perCopy = new Map<string, string[]>();
    for (const u of updates) {
      perCopy.set(u.activityId!, [...(perCopy.get(u.activityId!) ?? []), visible(u.body)]);
    }
    expect(perCopy.size).to.be.greaterThan(0);
    for (const [copy, seen] of perCopy) {
      expect(seen, `updates of copy ${copy}`).to.have.length(1);
      expect(seen[0]).to.include('GDAP: recorded here only');
    }
  });

  it('records a relationship here only while the provider is not connected, and creates it once connected', async () => {
    const r = await w.activeRelationship();
    await w.settled();
    expect((await w.link(r.id)).refusal).to.equal('notConnected');
    expect(w.graph.relationships.size).to.equal(0);
    await w.connectProvider();
    await w.settled();
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
    expect((await w.link(r.id)).refusal).to.equal(undefined);
  });

  it('creates, once connected, the GDAP relationships of active relationships that have no record of it (made before GDAP came to the product)', async () => {
    const r = await w.activeRelationship();
    // A second reseller (the customer tenant's, enrolled as one) whose request still waits.
    await w.approvedPartner('reseller', cast.customer, { legalName: 'Tailspin Reseller' });
    const pending = await w.service.request(
      cast.customer,
      w.provider.id,
      { roles: ['globalReader'], durationDays: 30, autoExtend: false },
      true
    );
    await w.settled();
    // As a relationship authorized before this version: no GDAP link at all.
    await w.collection('gdapLinks').deleteMany({ relationshipId: r.id });
    await w.connectProvider();
    await w.settled();
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
    expect((await w.link(r.id)).graphId).to.be.a('string');
    // A request still waiting for the provider owes Graph nothing yet.
    expect(w.graph.named(gdapDisplayName(pending.id))).to.have.length(0);
    // Connecting again (a second consent) makes nothing twice.
    await w.connectProvider();
    await w.settled();
    expect(w.graph.named(gdapDisplayName(r.id))).to.have.length(1);
  });

  it('tells the provider’s Global admins when Graph refuses (consent withdrawn), without retrying', async () => {
    await w.connectProvider();
    w.graph.consented.delete(cast.provider.tenantId);
    const r = await w.activeRelationship();
    await w.settled();
    expect((await w.link(r.id)).refusal).to.equal('consentMissing');
    expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
    await w.received(cast.provider, 'consent is missing or was withdrawn');
  });

  it('asks the customer’s tenant for the reseller’s least-privilege roles when a customer accepts, and sends its admin the approval link', async () => {
    await w.connect(cast.reseller);
    const invitationId = await w.acceptedCustomerInvitation();
    await w.settled();
    const [made, ...more] = w.graph.named(gdapDisplayName(invitationId, 'resellerCustomer'));
    expect(more).to.have.length(0);
    expect(made!.partnerTenantId).to.equal(cast.reseller.tenantId);
    expect(made!.customer).to.deep.equal({
      tenantId: cast.customer.tenantId,
      displayName: 'Northwind Traders',
    });
    expect(made!.roleIds).to.have.members(
      CUSTOMER_DEFAULT_GRANT.roles.map((r) => ENTRA_ROLE_TEMPLATE_IDS[r])
    );
    expect(made!).to.include({ duration: 'P365D', autoExtendDuration: 'PT0S' });
    expect(made!.status).to.equal('approvalPending');
    const approve = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${made!.id}`;
    await w.received(cast.customer, 'as your reseller since you accepted its invitation');
    expect(w.posted(cast.customer).some((c) => JSON.stringify(c.body).includes(approve))).to.equal(
      true
    );
    // Approved in the admin center: the reseller's admins and the customer's admin are told.
    w.graph.approve(made!.id);
    w.advance(GDAP_SYNC_EVERY_MS + 1000);
    expect(await w.gdap.service.sync()).to.equal(1);
    await w.received(cast.reseller, 'GDAP: active in Microsoft until');
    await w.received(cast.customer, 'GDAP: active in Microsoft until');
  });

  it('terminates the reseller’s GDAP relationship to a customer that ends its link', async () => {
    await w.connect(cast.reseller);
    const invitationId = await w.acceptedCustomerInvitation();
    await w.settled();
    const [made] = w.graph.named(gdapDisplayName(invitationId, 'resellerCustomer'));
    w.graph.approve(made!.id);
    const invitations = w.app.app.modules.invitations.service;
    const { rows } = await invitations.partnersOfCustomer(cast.customer);
    const ended = await invitations.endLink(cast.customer, rows[0]!.link.id);
    expect(ended.changedNow).to.equal(true);
    await w.settled();
    expect(made!.requests).to.deep.equal(['lockForApproval', 'terminate']);
    expect(made!.status).to.equal('terminated');
    expect(await w.link(invitationId)).to.include({
      wanted: 'terminated',
      status: 'terminationRequested',
    });
    // Ended twice (a second admin): nothing more asked of Graph.
    await invitations.endLink(cast.customer, rows[0]!.link.id);
    await w.settled();
    expect(made!.requests).to.deep.equal(['lockForApproval', 'terminate']);
  });

  it('stops asking a tenant whose Graph is down for the rest of the sync, and catches up after', async () => {
    await w.connectProvider();
    const first = await w.activeRelationship();
    // A second reseller of the same provider (the customer tenant's, enrolled as one).
    await w.approvedPartner('reseller', cast.customer, { legalName: 'Tailspin Reseller' });
    const asked = await w.service.request(
      cast.customer,
      w.provider.id,
      { roles: ['globalReader'], durationDays: 30, autoExtend: false },
      true
    );
    const second = (await w.service.authorize(cast.provider, asked.id)).relationship;
    await w.settled();
    w.graph.down = true;
    w.advance(GDAP_SYNC_EVERY_MS + 1000);
    const before = w.graph.calls.length;
    expect(await w.gdap.service.sync()).to.equal(0);
    // One link's reads (bounded retries), not every link's. Counted by the link they ask
    // about: the worker's own sweep may run a sync beside this one, and it stops at the same link.
    const reads = w.graph.calls
      .slice(before)
      .filter((c) => c.method === 'GET' && c.path.startsWith('/v1.0/'));
    expect(reads.length).to.be.at.least(1);
    expect(new Set(reads.map((c) => c.path.split('?')[0])).size, JSON.stringify(reads)).to.equal(1);
    w.graph.down = false;
    for (const r of [first, second]) w.graph.approve((await w.link(r.id)).graphId!);
    // Caught up: both links brought back, by this sync or by the worker's own beside it.
    await w.gdap.service.sync();
    for (const r of [first, second]) {
      await eventually(
        async () => (await w.link(r.id)).status === 'active',
        `the link of ${r.id} synced after the outage`
      );
    }
  });

  it('never holds notifications back while Graph is slow to answer the worker’s GDAP sweep', async () => {
    await w.connectProvider();
    const r = await w.activeRelationship();
    await w.settled();
    await w.drained();
    const graphId = (await w.link(r.id)).graphId!;
    // The worker's next sweep asks Graph for the state, and Graph does not answer yet.
    const slow = w.graph.holdNext(`GET /v1.0/tenantRelationships/delegatedAdminRelationships/`);
    w.advance(GDAP_SYNC_EVERY_MS + 1000);
    await slow.seen;
    // Meanwhile the reseller ends the relationship: the provider is told, at once.
    await w.service.end(cast.reseller, r.id);
    await w.received(cast.provider, 'ended the relationship');
    slow.release();
    await w.settled();
    expect(w.graph.relationships.get(graphId)!.requests).to.include('terminate');
  });

  it('takes Entra’s refusal of a token (the app has no consent in the tenant) as a refusal, not an outage', async () => {
    w.graph.tokenNeedsConsent = true;
    await w.connectProvider();
    w.graph.consented.delete(cast.provider.tenantId);
    const r = await w.activeRelationship();
    await w.settled();
    expect((await w.link(r.id)).refusal).to.equal('consentMissing');
    expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
    expect(w.graph.calls.filter((c) => c.path.endsWith('/oauth2/v2.0/token'))).to.have.length(1);
    await w.received(cast.provider, 'consent is missing or was withdrawn');
  });

  it('tells both sides when Microsoft’s GDAP relationship will end before the relationship here, once per threshold', async () => {
    const DAY = 86_400_000;
    const title = /GDAP with .* ends in (\d+) days/;
    const reminders = (who: typeof cast.provider) =>
      w
        .posted(who)
        .map((c) => title.exec(visible(c.body))?.[1])
        .filter((d) => d !== undefined);
    const syncNow = async () => {
      w.advance(GDAP_SYNC_EVERY_MS + 1000);
      await w.gdap.service.sync();
      await w.settled();
      await w.drained();
    };
    await w.connectProvider();
    const r = await w.activeRelationship({
      roles: ['globalReader'],
      durationDays: 365,
      autoExtend: false,
    });
    await w.settled();
    const graphId = (await w.link(r.id)).graphId!;
    w.graph.approve(graphId);
    // Approved after the product's activation: Graph's end is later, nothing to say.
    await syncNow();
    expect(reminders(cast.provider)).to.deep.equal([]);
    // Graph's end is its approval plus a fixed duration; here the access lasts longer (an
    // Extend Graph cannot follow): 20 days left in Microsoft.
    const gdap = w.graph.relationships.get(graphId)!;
    gdap.endDateTime = new Date(w.now().getTime() + 20 * DAY).toISOString();
    await syncNow();
    await syncNow();
    for (const who of [cast.provider, cast.reseller]) {
      expect(reminders(who), who.name).to.deep.equal(['30']);
    }
    expect(visible(w.posted(cast.reseller).at(-1)!.body)).to.include(
      'before the relationship here'
    );
    // 14 days later: the 7-day reminder, once.
    w.advance(14 * DAY);
    await syncNow();
    await syncNow();
    for (const who of [cast.provider, cast.reseller]) {
      expect(reminders(who), who.name).to.deep.equal(['30', '7']);
    }
    // Auto-extend switched on here, so in Graph, which extends it itself: no last-day reminder.
    await w.click(cast.reseller, Verbs.relationshipAutoExtend, { relationshipRef: r.id });
    await w.settled();
    expect(gdap.autoExtendDuration).to.equal('P180D');
    w.advance(5 * DAY + GDAP_SYNC_EVERY_MS);
    await syncNow();
    expect(reminders(cast.provider)).to.deep.equal(['30', '7']);
  });

  describe('auto-extend follows the product’s', () => {
    const PATCH = 'PATCH /v1.0/tenantRelationships/delegatedAdminRelationships/';
    const noAutoExtend = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

    /** An active relationship without auto-extend whose GDAP relationship Graph has active. */
    const approved = async () => {
      await w.connectProvider();
      const r = await w.activeRelationship(noAutoExtend);
      await w.settled();
      const graphId = (await w.link(r.id)).graphId!;
      w.graph.approve(graphId);
      w.advance(GDAP_SYNC_EVERY_MS + 1000);
      expect(await w.gdap.service.sync()).to.equal(1);
      await w.settled();
      return { r, graphId, gdap: w.graph.relationships.get(graphId)! };
    };
    const switchOn = async (relationshipRef: string) => {
      const res = await w.click(cast.reseller, Verbs.relationshipAutoExtend, { relationshipRef });
      expect(res.status).to.equal(200);
      await w.settled();
    };

    it('switched on in the product: Graph’s autoExtendDuration is PATCHed with the etag read, once through a 5xx', async () => {
      const { r, graphId, gdap } = await approved();
      expect(gdap.autoExtendDuration).to.equal('PT0S');
      const read = etagOf(gdap);
      w.graph.failNext(PATCH, { status: 503 });
      await switchOn(r.id);
      expect(gdap.autoExtendDuration).to.equal('P180D');
      expect(w.graph.graphCalls('PATCH').map((c) => c.status)).to.deep.equal([503, 200]);
      expect(w.graph.patches).to.deep.equal([
        { id: graphId, ifMatch: read, body: { autoExtendDuration: 'P180D' } },
      ]);
      expect(await w.link(r.id)).to.include({ autoExtend: true, status: 'active' });
      expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
    });

    it('never PATCHes twice when Graph’s answer was lost: the repeat finds it done', async () => {
      const { r, gdap } = await approved();
      w.graph.failNext(PATCH, 'drop');
      await switchOn(r.id);
      // Graph did it; the product's repeat named the old etag (412): still owed.
      expect(gdap.autoExtendDuration).to.equal('P180D');
      expect(w.graph.graphCalls('PATCH').map((c) => c.status)).to.deep.equal([0, 412]);
      expect((await w.link(r.id)).noticeOwedAt).to.not.equal(undefined);
      await sweepOwed();
      expect(w.graph.patches).to.have.length(1);
      expect(w.graph.graphCalls('PATCH')).to.have.length(2);
      expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
    });

    it('a refused update leaves the GDAP relationship as it is, not shown as refused, and asks no more', async () => {
      const { r, gdap } = await approved();
      w.graph.failNext(PATCH, { status: 400 });
      await switchOn(r.id);
      expect(gdap.autoExtendDuration).to.equal('PT0S');
      const link = await w.link(r.id);
      expect(link).to.include({ status: 'active', autoExtend: true });
      expect(link.refusal).to.equal(undefined);
      expect(link.noticeOwedAt).to.equal(undefined);
      w.advance(GDAP_SYNC_EVERY_MS + 1000);
      await w.gdap.service.sync();
      await w.settled();
      expect(w.graph.graphCalls('PATCH')).to.have.length(1);
    });

    it('waits for the customer’s approval (Graph allows no update before), then PATCHes once active', async () => {
      await w.connectProvider();
      const r = await w.activeRelationship(noAutoExtend);
      await w.settled();
      const graphId = (await w.link(r.id)).graphId!;
      await switchOn(r.id);
      expect(w.graph.graphCalls('PATCH')).to.have.length(0);
      expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
      w.graph.approve(graphId);
      w.advance(GDAP_SYNC_EVERY_MS + 1000);
      expect(await w.gdap.service.sync()).to.equal(1);
      await w.settled();
      expect(w.graph.relationships.get(graphId)!.autoExtendDuration).to.equal('P180D');
      expect(w.graph.patches).to.have.length(1);
      expect((await w.link(r.id)).noticeOwedAt).to.equal(undefined);
    });
  });
});
