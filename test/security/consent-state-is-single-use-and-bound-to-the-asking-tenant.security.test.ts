import { expect } from 'chai';
import { cast, startGdapWorld, type GdapWorld } from '../e2e/gdap/gdap-world.js';

// The admin-consent callback is a public URL anyone can call with any query: only a state the bot
// made, for the tenant that asked, once, within 15 minutes, connects anything (issue 32).
describe('security: a consent link’s state is single use and bound to the asking tenant (real server)', function () {
  this.timeout(30_000);
  let w: GdapWorld;

  beforeEach(async () => {
    w = await startGdapWorld();
  });
  afterEach(async () => {
    await w?.stop();
  });

  it('refuses a consent given in another tenant than the asker’s, and a state it never made', async () => {
    const link = await w.consentLink(cast.provider);
    const state = link.searchParams.get('state')!;
    const wrong = await w.callback({
      tenant: cast.reseller.tenantId,
      admin_consent: 'True',
      state,
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('another organization');
    const made = await w.callback({
      tenant: cast.provider.tenantId,
      admin_consent: 'True',
      state: 'x'.repeat(43),
    });
    expect(made.status).to.equal(400);
    expect(await w.collection('graphConnections').countDocuments()).to.equal(0);
    expect((await w.say(cast.provider, 'status')).seen).to.include('Not connected');
  });

  it('refuses a state used once already, and one past its 15 minutes', async () => {
    const first = (await w.consentLink(cast.provider)).searchParams.get('state')!;
    const query = { tenant: cast.provider.tenantId, admin_consent: 'True' };
    expect((await w.callback({ ...query, state: first })).status).to.equal(200);
    await w.say(cast.provider, 'disconnect microsoft');
    expect((await w.callback({ ...query, state: first })).status).to.equal(400);
    const late = (await w.consentLink(cast.provider)).searchParams.get('state')!;
    w.advance(15 * 60_000 + 1000);
    expect((await w.callback({ ...query, state: late })).status).to.equal(400);
    expect(await w.collection('graphConnections').countDocuments()).to.equal(0);
  });
});
