import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { Verbs } from '../../../cards/verbs.js';
import { personas } from '../../helpers/personas.js';
import {
  chat,
  enrollUnderReview,
  GENERIC_APOLOGY,
  snapshot,
  startSecurityApp,
  visible,
  type SecurityEnv,
} from './security-world.js';

const DATA = ['partners', 'memberships', 'emailVerifications', 'enrollmentDrafts'];

describe('security: malformed activities get a clear answer, never a 500 (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
  });
  after(async () => env?.stop());

  const who = personas.reseller;
  /** POSTs and returns the status and what the bot said in the persona's chat meanwhile. */
  async function post(activity: Partial<Activity>) {
    const conversation = activity.conversation?.id ?? env.app.teams.conversationId(who);
    const before = env.app.connector.activities(conversation).length;
    const res = await env.app.post(activity);
    const said = env.app.connector.activities(conversation).slice(before).map(visible).join('\n');
    return { status: res.status, said, body: res.body, seen: visible(res.body) };
  }

  it('answers a message without from.aadObjectId', async () => {
    const a = env.app.teams.message(who, 'help');
    a.from = { id: a.from!.id, name: who.name };
    const res = await post(a);
    expect(res.status).to.equal(200);
    expect(res.said).to.not.include(GENERIC_APOLOGY);
    expect(res.said).to.not.equal('');
  });

  it('answers a message without a tenant', async () => {
    const a = env.app.teams.message(who, 'status');
    a.channelData = {};
    (a.conversation as { tenantId?: string }).tenantId = undefined;
    const res = await post(a);
    expect(res.status).to.equal(200);
    expect(res.said).to.not.include(GENERIC_APOLOGY);
  });

  it('answers a Submit with values but no text and no verb', async () => {
    const res = await post(env.app.teams.submit(who, { foo: 'bar', $gt: '' }));
    expect(res.status).to.equal(200);
    expect(res.said).to.not.include(GENERIC_APOLOGY);
    expect(res.said).to.not.equal('');
  });

  it('answers a Submit with an unknown or non-string verb', async () => {
    for (const verb of ['no.such.verb', { $gt: '' }, 42, '__proto__', 'constructor', 'toString']) {
      const res = await post(env.app.teams.submit(who, { verb }));
      expect(res.status, String(verb)).to.equal(200);
      expect(res.said, String(verb)).to.not.include(GENERIC_APOLOGY);
      expect(res.said, String(verb)).to.not.equal('');
    }
  });

  it('answers an adaptiveCard/action invoke with no value, with a 4xx and no apology', async () => {
    const a = env.app.teams.cardAction(who, Verbs.reviewApprove, {});
    delete a.value;
    const res = await post(a);
    expect(res.status).to.be.within(200, 499);
    expect(res.said).to.not.include(GENERIC_APOLOGY);
  });

  it('answers an adaptiveCard/action invoke with no verb or an unknown verb with an error card', async () => {
    for (const action of [
      { type: 'Action.Execute', data: {} },
      { type: 'Action.Execute', verb: 'no.such.verb', data: {} },
      { type: 'Action.Execute', verb: '__proto__', data: {} },
      { type: 'Action.Execute', verb: Verbs.reviewApprove, data: 'not an object' },
      { type: 'Action.Execute', verb: Verbs.reviewApprove, data: null },
    ]) {
      const a = env.app.teams.cardAction(who, 'x');
      a.value = { action, trigger: 'manual' };
      const res = await post(a);
      const what = JSON.stringify(action);
      expect(res.status, what).to.be.within(200, 499);
      expect(res.said, what).to.not.include(GENERIC_APOLOGY);
      expect(res.seen, what).to.not.include(GENERIC_APOLOGY);
    }
  });

  // Direct Line / Web Chat clients choose from.id and channelData: a tenant is only trusted from
  // the Teams channel (bot/tenant-guard.ts), so this claim reaches no tenant at all.
  it('refuses a non-Teams channel instead of trusting its user-chosen ids', async () => {
    await enrollUnderReview(env, personas.provider, 'provider', '7654321');
    const { partner } = await env.enrollment.services.enrollment.status(personas.provider);
    const before = await snapshot(env, ...DATA);
    // On Direct Line / Web Chat the client picks from.id and channelData: it claims the operator.
    const a = env.app.teams.cardAction(personas.customer, Verbs.reviewApprove, {
      partnerRef: partner!.id,
    });
    a.channelId = 'directline';
    a.from = { id: personas.operator.aadObjectId, name: 'Not the operator' };
    a.channelData = { tenant: { id: personas.operator.tenantId } };
    const res = await post(a);
    expect(res.status).to.be.within(200, 499);
    expect(res.seen).to.not.include('Approved by');
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  it('answers a message with an enormous text without echoing it back in full', async () => {
    const res = await post(env.app.teams.message(who, `x${'y'.repeat(50_000)}`));
    expect(res.status).to.equal(200);
    expect(res.said).to.not.include(GENERIC_APOLOGY);
    expect(res.said.length).to.be.below(5_000);
  });

  it('keeps the chat working after all of the above', async () => {
    const out = await chat(env, who).say('help');
    expect(out.status).to.equal(200);
    expect(out.seen).to.include('enroll');
  });
});
