import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import {
  eventually,
  actionData,
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const GRANT = { roles: 'globalReader', durationDays: '180', autoExtend: 'false' };
const CODE = /R[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/;
const LINK = /https?:\/\/[^\s"]+\/relationships\/([A-Za-z0-9_-]{43})/;
const EMAIL = 'owner@newcomer.example';

/**
 * A provider's invitation to a reseller that has not enrolled yet is listed under `resellers`,
 * with Resend and Revoke (which asks to confirm) (issue 12/18).
 */
describe('invitations waiting for a reseller to enroll (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld({ PUBLIC_BASE_URL: 'http://localhost:3978' });
  });
  afterEach(async () => {
    await w.stop();
  });
  const page = (token: string) => fetch(`${w.app.url}/relationships/${token}`);

  it('lists it; Resend gives a new link and code; Revoke asks, then kills them', async () => {
    const sent = await w.click(cast.provider, Verbs.relationshipInvite, { email: EMAIL, ...GRANT });
    const oldToken = LINK.exec(JSON.stringify(sent.body))?.[1] ?? '';
    expect(oldToken).to.have.length(43);

    const list = await w.click(cast.provider, Verbs.relationshipsPage, { page: 0 });
    expect(list.seen).to.include('Invitations waiting for a reseller to enroll');
    expect(list.seen).to.include(EMAIL);
    // A sales-side viewer without the right to manage sees it without the buttons.
    const agent = await w.click(cast.providerAgent, Verbs.relationshipsPage, { page: 0 });
    expect(agent.seen).to.include(EMAIL);

    const resent = await w.click(
      cast.provider,
      Verbs.resellerInvitationResend,
      actionData(list.body, 'Resend')
    );
    const code = CODE.exec(resent.seen)?.[0] ?? '';
    const newToken = LINK.exec(JSON.stringify(resent.body))?.[1] ?? '';
    expect(code).to.match(CODE);
    expect(newToken).to.have.length(43).and.not.equal(oldToken);
    expect(resent.seen).to.include('Back to list');
    // Mailed by the outbox after the click, not during it.
    await eventually(
      () => w.mailsTo(EMAIL).find((m) => m.includes(newToken)),
      'the mail with the new link'
    );
    expect((await page(oldToken)).status).to.equal(404);
    expect((await page(newToken)).status).to.equal(200);
    // Once an hour: a second Resend (or a replayed click) renews nothing.
    const twice = await w.click(
      cast.provider,
      Verbs.resellerInvitationResend,
      actionData(list.body, 'Resend')
    );
    expect(twice.seen).to.include('resent less than an hour ago');
    expect((await page(newToken)).status).to.equal(200);

    const asks = await w.click(
      cast.provider,
      Verbs.resellerInvitationRevoke,
      actionData(list.body, 'Revoke')
    );
    expect(asks.seen).to.include(`Revoke the invitation to ${EMAIL}?`);
    expect((await w.collection('resellerInvitations').findOne({}))?.state).to.equal('pending');
    const done = await w.click(
      cast.provider,
      Verbs.resellerInvitationRevoke,
      actionData(asks.body, 'Yes, revoke it')
    );
    expect(done.seen).to.include(`Invitation to ${EMAIL} revoked`);
    expect(done.seen).to.not.include('Invitations waiting for a reseller');
    expect((await page(newToken)).status).to.not.equal(200);

    // Twice: said so, nothing changes.
    const again = await w.click(cast.provider, Verbs.resellerInvitationRevoke, {
      ...actionData(asks.body, 'Yes, revoke it'),
    });
    expect(again.seen).to.include('accepted or revoked already');
  });
});
