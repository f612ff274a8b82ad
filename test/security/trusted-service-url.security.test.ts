import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { checkActivity, serviceUrlProblem } from '../../bot/activity-guard.js';
import { loadConfig } from '../../config/config.js';
import { personas } from '../helpers/personas.js';
import { snapshot, startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';

const DATA = ['users', 'conversationreferences', 'botstate'];
const who = personas.reseller;

/**
 * The bot sends replies, and later every notification, to the activity's `serviceUrl` with its
 * own Bot Framework token. Only the Bot Framework and Teams service hosts (and hosts the operator
 * adds with TRUSTED_SERVICE_URL_HOSTS) may receive them, with an app id set too: a token is not
 * enough on its own (a misconfigured issuer, or a Microsoft-owned-looking host anyone can register
 * such as `<anything>.trafficmanager.net`).
 */
describe('rule: replies and notifications go only to trusted Bot Framework / Teams service hosts', function () {
  this.timeout(60_000);

  describe('with MicrosoftAppId set (real server, valid token for that serviceUrl)', () => {
    let env: SecurityEnv;
    before(async () => {
      env = await startSecurityApp({}, { auth: true });
    });
    after(async () => env?.stop());

    for (const url of [
      'https://attacker.example/',
      'https://evil.trafficmanager.net/amer/',
      'https://smba.trafficmanager.net.attacker.example/',
      'http://smba.trafficmanager.net/amer/',
    ]) {
      it(`refuses ${url} with 400 and stores no conversation reference`, async () => {
        const before = await snapshot(env, ...DATA);
        // A group-chat message that does not mention the bot: a whole turn, no reply to send.
        const a = env.app.teams.message(who, 'hello', { scope: 'groupChat', mention: false });
        a.serviceUrl = url;
        const res = await env.app.post(a as Partial<Activity>);
        expect(res.status).to.equal(400);
        expect(await snapshot(env, ...DATA)).to.deep.equal(before);
      });
    }

    it('still serves the hosts configured in TRUSTED_SERVICE_URL_HOSTS (the fake connector here)', async () => {
      const a = env.app.teams.message(who, 'hello', { scope: 'groupChat', mention: false });
      const res = await env.app.post(a);
      expect(res.status).to.equal(200);
    });
  });

  describe('in open mode (no MicrosoftAppId)', () => {
    let env: SecurityEnv;
    before(async () => {
      env = await startSecurityApp();
    });
    after(async () => env?.stop());

    it('refuses a Traffic Manager host other than Teams (anyone can register one)', async () => {
      const before = await snapshot(env, ...DATA);
      const a = env.app.teams.message(who, 'hello', { scope: 'groupChat', mention: false });
      a.serviceUrl = 'https://evil.trafficmanager.net/amer/';
      const res = await env.app.post(a as Partial<Activity>);
      expect(res.status).to.equal(400);
      expect(await snapshot(env, ...DATA)).to.deep.equal(before);
    });
  });

  describe('the host list', () => {
    const trusted = loadConfig({}).trustedServiceUrlHosts;
    for (const url of [
      'https://smba.trafficmanager.net/amer/',
      'https://smba.trafficmanager.net/teams/',
      'https://smba.infra.gcc.teams.microsoft.com/gcc/',
      'https://smba.infra.gov.teams.microsoft.us/',
      'https://smba.infra.dod.teams.microsoft.us/',
      'https://directline.botframework.com/',
      'https://europe.directline.botframework.com/',
      'https://directline.botframework.azure.us/',
    ]) {
      it(`trusts ${url} with an app id set`, () => {
        expect(serviceUrlProblem(url, { openMode: false, trusted })).to.equal(undefined);
      });
    }
    it('trusts this machine only in open mode, unless configured', () => {
      expect(serviceUrlProblem('http://localhost:56000/', { openMode: true, trusted })).to.equal(
        undefined
      );
      expect(serviceUrlProblem('http://localhost:56000/', { openMode: false, trusted })).to.be.a(
        'string'
      );
      const local = loadConfig({ TRUSTED_SERVICE_URL_HOSTS: 'localhost' }).trustedServiceUrlHosts;
      expect(
        serviceUrlProblem('http://localhost:56000/', { openMode: false, trusted: local })
      ).to.equal(undefined);
    });
    it('matches *.suffix entries on subdomains only', () => {
      const hosts = loadConfig({
        TRUSTED_SERVICE_URL_HOSTS: '*.bots.contoso.example',
      }).trustedServiceUrlHosts;
      const at = (url: string) => serviceUrlProblem(url, { openMode: false, trusted: hosts });
      expect(at('https://eu.bots.contoso.example/')).to.equal(undefined);
      expect(at('https://evilbots.contoso.example/')).to.be.a('string');
    });
    it('refuses a malformed TRUSTED_SERVICE_URL_HOSTS at start', () => {
      expect(() => loadConfig({ TRUSTED_SERVICE_URL_HOSTS: 'https://x.example/path' })).to.throw(
        /TRUSTED_SERVICE_URL_HOSTS/
      );
    });
    it('is what checkActivity applies', () => {
      const activity = {
        type: 'message',
        channelId: 'msteams',
        serviceUrl: 'https://evil.trafficmanager.net/',
        from: { id: '29:x' },
        recipient: { id: '28:y' },
        conversation: { id: 'c' },
      };
      expect(checkActivity(activity, { openMode: false, trusted }).ok).to.equal(false);
    });
  });
});
