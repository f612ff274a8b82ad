import { expect } from 'chai';
import { cast, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * With an app id, the REST API takes only Teams SSO tokens Entra signed for this app (bare app
 * id or `api://<domain>/<app id>`), issued by the token's own tenant, not expired; anything
 * else is 401 problem+json. The open-mode sign-in does not exist there (404).
 */
describe('security: the REST API accepts only SSO tokens for this app, from their own tenant', function () {
  let w: ApiWorld;
  const appId = () => w.app.config.microsoftAppId!;
  const who = cast.provider;
  const token = (
    over: Partial<Parameters<NonNullable<ApiWorld['app']['auth']>['entraToken']>[0]> = {}
  ) =>
    w.app.auth!.entraToken({
      audience: appId(),
      tenantId: who.tenantId,
      oid: who.aadObjectId,
      name: who.name,
      ...over,
    });
  const me = async (t?: string) => w.call('GET', '/me', t ? { token: t } : {});

  before(async () => {
    w = await startApiWorld({}, { auth: true });
  });
  after(async () => {
    await w?.stop();
  });

  it('answers a valid token as the person and partner the bot knows', async () => {
    const res = await me(await token());
    expect(res.status).to.equal(200);
    expect(res.body.person).to.include({ aadObjectId: who.aadObjectId, tenantId: who.tenantId });
    expect(res.body.partner).to.include({ id: w.provider.id });
  });

  it('takes the Application ID URI as audience too', async () => {
    const host = new URL(w.app.config.publicBaseUrl).host;
    const res = await me(await token({ audience: `api://${host}/${appId()}` }));
    expect(res.status).to.equal(200);
  });

  for (const [what, over] of [
    ['another app', { audience: 'b0b0b0b0-0000-4000-8000-000000000000' }],
    ['an issuer that is not Entra', { issuer: 'https://evil.example/v2.0' }],
    [
      "another tenant's issuer for this tenant's claims",
      { issuer: `https://login.microsoftonline.com/${cast.reseller.tenantId}/v2.0` },
    ],
    ['an expired token', { expiresInSeconds: -3600 }],
    ['a key Entra does not publish', { wrongKey: true }],
  ] as const) {
    it(`refuses ${what} with 401 problem+json`, async () => {
      const res = await me(await token(over));
      expect(res.status).to.equal(401);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      expect(res.body).to.include({ status: 401, code: 'unauthorized' });
      expect(res.body.person).to.equal(undefined);
    });
  }

  it('refuses a call without a token, and says so in Russian when asked', async () => {
    const res = await w.call('GET', '/relationships', { headers: { 'Accept-Language': 'ru' } });
    expect(res.status).to.equal(401);
    expect(res.body.title).to.match(/[а-я]/i);
  });

  it('has no open-mode sign-in: personas and sign-in answer 404', async () => {
    expect((await w.call('GET', '/dev/personas')).status).to.equal(404);
    const signIn = await w.call('POST', '/dev/sign-in', {
      body: { aadObjectId: who.aadObjectId, tenantId: who.tenantId },
    });
    expect(signIn.status).to.equal(404);
    expect(signIn.text).to.not.match(/token/i);
  });

  it('serves the OpenAPI document without a token', async () => {
    expect((await w.call('GET', '/openapi.json')).status).to.equal(200);
  });
});
