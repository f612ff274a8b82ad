import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { t } from '../../i18n/i18n.js';
import { personas } from '../helpers/personas.js';
import { startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';

/**
 * The welcome card retires once a button was used (its copy rewritten in place, its id then
 * refused). The `welcome` flag comes with the click, so a forged one must not rewrite or retire
 * a card that is no welcome: one in a group chat (everyone's copy), or a command the welcome
 * never offered.
 */
describe('security: a forged welcome flag rewrites no card but a personal welcome (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => (env = await startSecurityApp()));
  afterEach(async () => env?.stop());

  const putsTo = (activityId: string) =>
    env.app.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === activityId);

  it('leaves a group chat card as it is, and its buttons working', async () => {
    const who = personas.reseller;
    const forged = { verb: Verbs.commandRun, command: 'help', welcome: true };
    const opts = { scope: 'groupChat' as const, replyToId: 'shared-card-1' };
    for (let i = 0; i < 2; i++) {
      const res = await env.app.post(env.app.teams.submit(who, forged, opts));
      expect(res.status).to.equal(200);
    }
    expect(putsTo('shared-card-1')).to.have.length(0);
    const texts = env.app.connector.texts(env.app.teams.conversationId(who, 'groupChat'));
    expect(texts).to.not.include(t('en', 'bot:cardAction.retired'));
  });

  it('leaves a personal card as it is when the command is none the welcome offers', async () => {
    const who = personas.reseller;
    await env.app.post(env.app.teams.install(who));
    const forged = { verb: Verbs.commandRun, command: 'language en', welcome: true };
    for (let i = 0; i < 2; i++) {
      await env.app.post(env.app.teams.submit(who, forged, { replyToId: 'some-card-1' }));
    }
    expect(putsTo('some-card-1')).to.have.length(0);
    const texts = env.app.connector.texts(env.app.teams.conversationId(who));
    expect(texts).to.not.include(t('en', 'bot:cardAction.retired'));
    expect(texts.filter((x) => x === t('en', 'bot:language.changed'))).to.have.length(2);
  });
});
