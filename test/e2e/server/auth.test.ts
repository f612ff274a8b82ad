import { expect } from 'chai';
import { startTestApp, TEST_APP_ID, type TestApp } from '../../helpers/test-app.js';
import { postActivity, type TeamsPersona } from '../../helpers/teams-activity.js';
import type { ChannelTokenOptions } from '../../helpers/jwt.js';
import { echoBot } from './echo-bot.js';

const megan: TeamsPersona = {
  tenantId: '22222222-2222-2222-2222-222222222222',
  aadObjectId: '22222222-0000-0000-0000-000000000001',
  name: 'Megan Bowen',
  email: 'megan@fabrikam-provider.example',
  locale: 'en-US',
};

describe('Bot Framework authentication on /api/messages (MicrosoftAppId set)', function () {
  let app: TestApp;
  let echo: ReturnType<typeof echoBot>;

  before(async () => {
    echo = echoBot();
    app = await startTestApp({}, { botFactory: echo.factory, auth: true });
  });
  after(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    echo.turns.length = 0;
    app.connector.reset();
  });

  it('runs a turn signed by the channel key, and replies with the bot token from the token endpoint', async () => {
    const activity = app.teams.message(megan, 'hello');
    const res = await app.post(activity);

    expect(res.status).to.equal(200);
    const call = await app.connector.waitFor((c) => c.body?.text === 'echo: hello');
    expect(app.auth!.issuedAccessTokens).to.include(
      call.headers.authorization?.replace(/^Bearer /, '')
    );
    expect(app.auth!.tokenRequests[0]).to.deep.equal({
      clientId: TEST_APP_ID,
      scope: 'https://api.botframework.com/.default',
    });
  });

  const bad: [string, (serviceUrl: string) => Partial<ChannelTokenOptions> | null][] = [
    ['no token', () => null],
    ['an expired token', () => ({ expiresInSeconds: -3600 })],
    ['a token signed by another key', () => ({ wrongKey: true })],
    ['a token for another bot', () => ({ audience: 'ffffffff-0000-4000-8000-000000000000' })],
    ['a token from another issuer', () => ({ issuer: 'https://sts.windows.net/evil/' })],
    [
      'a token for another serviceUrl',
      () => ({ serviceUrl: 'https://smba.trafficmanager.net/evil/' }),
    ],
  ];
  for (const [name, tweak] of bad) {
    it(`answers 401 to ${name} and processes nothing`, async () => {
      const activity = app.teams.message(megan, 'hello');
      const changes = tweak(activity.serviceUrl!);
      const token = changes
        ? await app.auth!.channelToken({
            audience: TEST_APP_ID,
            serviceUrl: activity.serviceUrl!,
            ...changes,
          })
        : undefined;
      const res = await postActivity(app.url, activity, token);

      expect(res.status).to.equal(401);
      expect(echo.turns).to.deep.equal([]);
      expect(app.connector.calls).to.deep.equal([]);
    });
  }

  it('answers 401 to a garbage bearer value', async () => {
    const res = await postActivity(app.url, app.teams.message(megan, 'hello'), 'not-a-jwt');
    expect(res.status).to.equal(401);
    expect(echo.turns).to.deep.equal([]);
  });

  it('checks the token before reading the body: bad JSON without a token is 401', async () => {
    const res = await postActivity(app.url, '{nope');
    expect(res.status).to.equal(401);
  });

  it('checks the body once the token is valid: bad JSON with a token is 400', async () => {
    const token = await app.auth!.channelToken({
      audience: TEST_APP_ID,
      serviceUrl: app.connector.url,
    });
    const res = await postActivity(app.url, '{nope', token);
    expect(res.status).to.equal(400);
  });
});
