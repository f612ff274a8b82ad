import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { t } from '../../i18n/i18n.js';
import { personas } from '../helpers/personas.js';
import { snapshot, startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';

const DATA = ['users', 'partners', 'memberships', 'enrollmentDrafts', 'conversationreferences'];

describe('rule: tenant-scoped actions need a real tenant (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
  });
  after(async () => env?.stop());

  /** A Web Chat / Direct Line message: no Teams tenant, ids the client chose. */
  function webChat(text: string, locale = 'en-US'): Partial<Activity> {
    const a = env.app.teams.message(personas.reseller, text, { locale });
    a.channelId = 'directline';
    a.channelData = {};
    delete (a.conversation as { tenantId?: string }).tenantId;
    return a;
  }

  it('tells a Web Chat user, in their language, that a tenant is needed, and changes nothing', async () => {
    const before = await snapshot(env, ...DATA);
    for (const [text, language] of [
      ['enroll', 'en'],
      ['status', 'en'],
      ['enroll', 'ru'],
    ] as const) {
      const a = webChat(text, language === 'ru' ? 'ru-RU' : 'en-US');
      const sent = env.app.connector.activities(a.conversation!.id).length;
      const res = await env.app.post(a);
      expect(res.status).to.equal(200);
      const said = env.app.connector
        .activities(a.conversation!.id)
        .slice(sent)
        .map((x) => x.text);
      expect(said).to.deep.equal([t(language, 'security:tenantRequired')]);
    }
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('does not let two tenantless users share one pseudo-tenant: the second sees nothing of the first', async () => {
    const a = webChat('enroll');
    a.from = { id: 'webchat-user-1', name: 'First' };
    await env.app.post(a);
    const b = webChat('status');
    b.from = { id: 'webchat-user-2', name: 'Second' };
    b.conversation = { ...b.conversation!, id: 'webchat-conv-2' };
    await env.app.post(b);
    const said = env.app.connector
      .activities('webchat-conv-2')
      .map((x) => x.text)
      .join('\n');
    expect(said).to.equal(t('en', 'security:tenantRequired'));
    expect(await env.collection('users').countDocuments({ tenantId: 'unknown-tenant' })).to.equal(
      0
    );
  });

  it('does not trust a tenant a Direct Line client writes into channelData', async () => {
    const before = await snapshot(env, ...DATA);
    const a = webChat('enroll');
    a.channelData = { tenant: { id: personas.operator.tenantId } };
    a.from = { id: personas.operator.aadObjectId, name: 'Not the operator' };
    await env.app.post(a);
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('answers a tenantless Action.Execute with the same message as an invoke response', async () => {
    const a = env.app.teams.cardAction(personas.reseller, 'enrollment.status');
    a.channelData = {};
    delete (a.conversation as { tenantId?: string }).tenantId;
    const res = await env.app.post(a);
    expect(res.status).to.equal(200);
    expect((res.body as { value?: unknown }).value).to.equal(t('en', 'security:tenantRequired'));
  });
});
