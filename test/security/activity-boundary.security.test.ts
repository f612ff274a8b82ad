import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { personas } from '../helpers/personas.js';
import {
  GENERIC_APOLOGY,
  snapshot,
  startSecurityApp,
  visible,
  type SecurityEnv,
} from '../e2e/security/security-world.js';

const DATA = ['users', 'partners', 'memberships', 'enrollmentDrafts', 'conversationreferences'];
const who = personas.reseller;

describe('rule: every activity field is checked at the boundary before any read or write (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
    // Another tenant's user the attack would rename.
    await env.app.post(env.app.teams.message(personas.provider, 'help'));
  });
  after(async () => env?.stop());

  const message = (text = 'help') => env.app.teams.message(who, text) as Record<string, any>;

  it('refuses query operators in from.aadObjectId and the tenant id with 400, and stores nothing', async () => {
    const before = await snapshot(env, ...DATA);
    const a = message('language ru');
    a.from.aadObjectId = { $gt: '' };
    a.from.name = 'Renamed By Attacker';
    a.channelData.tenant.id = { $gt: '' };
    a.conversation.tenantId = { $gt: '' };
    const res = await env.app.post(a as Partial<Activity>);
    expect(res.status).to.equal(400);
    expect(await snapshot(env, ...DATA)).to.deep.equal(before);
  });

  const refused: [string, (a: Record<string, any>) => void][] = [
    ['a non-GUID aadObjectId', (a) => (a.from.aadObjectId = 'not-a-guid')],
    ['a non-string aadObjectId', (a) => (a.from.aadObjectId = 42)],
    ['a non-GUID tenant id', (a) => (a.channelData.tenant.id = 'tenant')],
    ['a non-string conversationType', (a) => (a.conversation.conversationType = { x: 1 })],
    ['no recipient', (a) => delete a.recipient],
    ['no from', (a) => delete a.from],
    ['membersAdded as an object', (a) => (a.membersAdded = { id: 'x' })],
    ['membersAdded as [null]', (a) => (a.membersAdded = [null])],
    ['membersRemoved with a member without id', (a) => (a.membersRemoved = [{ name: 'x' }])],
    ['a javascript: serviceUrl', (a) => (a.serviceUrl = 'javascript:alert(1)')],
    ['a file: serviceUrl', (a) => (a.serviceUrl = 'file:///etc/passwd')],
    ['a conversation id of 5,000 characters', (a) => (a.conversation.id = 'x'.repeat(5000))],
    [
      'a value nested 50 levels deep',
      (a) => (a.value = JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50))),
    ],
  ];
  for (const [what, change] of refused) {
    it(`refuses ${what} with 400 and stores nothing`, async () => {
      const before = await snapshot(env, ...DATA);
      const a = message();
      change(a);
      const calls = env.app.connector.calls.length;
      const res = await env.app.post(a as Partial<Activity>);
      expect(res.status).to.equal(400);
      expect(env.app.connector.calls.length).to.equal(calls);
      expect(await snapshot(env, ...DATA)).to.deep.equal(before);
    });
  }

  it('in open mode, never connects to a serviceUrl other than this machine or the Bot Framework', async () => {
    const a = message();
    a.serviceUrl = 'http://169.254.169.254/latest/';
    const res = await env.app.post(a as Partial<Activity>);
    expect(res.status).to.equal(400);
  });

  const sanitized: [string, (a: Record<string, any>) => void][] = [
    ['an entity without type', (a) => a.entities.push({ foo: 1 })],
    [
      'a mention with mentioned: null',
      (a) => a.entities.push({ type: 'mention', mentioned: null, text: '<at>x</at>' }),
    ],
    ['a malformed locale', (a) => (a.locale = '../../etc')],
    ['a display name of 100,000 characters', (a) => (a.from.name = 'N'.repeat(100_000))],
  ];
  for (const [what, change] of sanitized) {
    it(`answers a message with ${what} normally (sanitized), no apology`, async () => {
      const a = message();
      change(a);
      const sent = env.app.connector.activities(a.conversation.id).length;
      const res = await env.app.post(a as Partial<Activity>);
      expect(res.status).to.equal(200);
      const said = env.app.connector
        .activities(a.conversation.id)
        .slice(sent)
        .map(visible)
        .join('\n');
      expect(said).to.include('enroll');
      expect(said).to.not.include(GENERIC_APOLOGY);
    });
  }

  it('stores a huge display name capped', async () => {
    const a = message();
    a.from.name = 'N'.repeat(100_000);
    await env.app.post(a as Partial<Activity>);
    const user = await env.collection('users').findOne({ aadObjectId: who.aadObjectId });
    expect(String(user?.name).length).to.be.at.most(256);
  });
});
