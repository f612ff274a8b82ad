import { expect } from 'chai';
import { cast, startGdapWorld, type GdapWorld } from './gdap-world.js';

describe('connect microsoft: the admin consent, through the real server', function () {
  this.timeout(30_000);
  let w: GdapWorld;

  beforeEach(async () => {
    w = await startGdapWorld();
  });
  afterEach(async () => {
    await w?.stop();
  });

  it("gives a Global admin the consent link for the partner's tenant, and its callback connects once", async () => {
    const link = await w.consentLink(cast.provider);
    expect(link.origin).to.equal(w.graph.origin);
    expect(link.pathname).to.equal(`/${cast.provider.tenantId}/adminconsent`);
    expect(link.searchParams.get('client_id')).to.equal(w.graph.clientId);
    expect(link.searchParams.get('redirect_uri')).to.equal(
      `${w.app.config.publicBaseUrl}/connect/callback`
    );
    const state = link.searchParams.get('state')!;
    expect(state).to.have.length.greaterThan(20);
    // Only its keyed hash is stored.
    const stored = await w.collection('graphConsentStates').find().toArray();
    expect(JSON.stringify(stored)).not.to.include(state);

    expect((await w.say(cast.provider, 'status')).seen).to.include('Not connected');
    const ok = await w.callback({ tenant: cast.provider.tenantId, admin_consent: 'True', state });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('is connected to Microsoft Graph');
    expect((await w.say(cast.provider, 'status')).seen).to.include('Connected since');

    // The state is good once.
    const again = await w.callback({
      tenant: cast.provider.tenantId,
      admin_consent: 'True',
      state,
    });
    expect(again.status).to.equal(400);
    expect(again.text).to.include('not valid');
  });

  it('says plainly when the admin declined the consent (error=access_denied), connecting nothing', async () => {
    const link = await w.consentLink(cast.provider);
    const denied = await w.callback({
      error: 'access_denied',
      error_description: 'AADSTS65004: User declined to consent',
      state: link.searchParams.get('state')!,
    });
    expect(denied.status).to.equal(200);
    expect(denied.text).to.include('consent was not given');
    expect(await w.collection('graphConnections').countDocuments()).to.equal(0);
  });

  it('lets only a Global admin connect or disconnect, in Russian too', async () => {
    const agent = await w.say(cast.providerAgent, 'connect microsoft');
    expect(agent.seen).to.include('Only a Global admin of your organization can connect it');
    const ru = await w.say({ ...cast.providerAgent, locale: 'ru-RU' }, 'подключить microsoft');
    expect(ru.seen).to.include('только глобальный администратор');
    expect(await w.collection('graphConsentStates').countDocuments()).to.equal(0);

    await w.connectProvider();
    expect((await w.say(cast.providerAgent, 'disconnect microsoft')).seen).to.include(
      'Only a Global admin'
    );
    expect((await w.say(cast.provider, 'disconnect microsoft')).seen).to.include('Disconnected');
    expect((await w.say(cast.provider, 'status')).seen).to.include('Not connected');
    expect((await w.say(cast.provider, 'connect')).seen).to.include('connect microsoft');
  });
});
