import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { cast, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * With an app id (Teams SSO tokens only for people), a partner's API key is taken beside them:
 * a Global admin signed in with SSO makes one and it opens the API as the partner; a made-up
 * key is refused as a key (never handed to the token validator), and an SSO token is never
 * looked up as a key.
 */
describe('security: API keys work with an app id, and are never taken for SSO tokens', function () {
  let w: ApiWorld;

  before(async () => {
    w = await startApiWorld({}, { auth: true });
  });
  after(async () => {
    await w?.stop();
  });

  it('opens the API with a key a Global admin made with their SSO token', async () => {
    const created = await w.as(cast.provider).post('/api-keys', { name: 'ERP', scope: 'read' });
    expect(created.status, created.text).to.equal(201);
    const me = await w.call('GET', '/me', { token: created.body.key });
    expect(me.status).to.equal(200);
    expect(me.body.partner).to.include({ id: w.provider.id });
    expect(me.body.roles).to.deep.equal(['helpdeskAgent']);
    expect(me.body.person.aadObjectId).to.equal(`apikey:${created.body.id}`);
  });

  it('refuses a made-up key as a key, and still takes the SSO token of a person', async () => {
    const forged = await w.call('GET', '/me', {
      token: `pck_${randomBytes(32).toString('base64url')}`,
    });
    expect(forged.status).to.equal(401);
    expect(forged.body.key).to.equal('apikeys:errors.badKey');
    const sso = await w.call('GET', '/me', { token: await w.tokenOf(cast.provider) });
    expect(sso.status).to.equal(200);
    expect(sso.body.roles).to.include('globalAdmin');
  });
});
