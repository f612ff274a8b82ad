import { expect } from 'chai';
import { FakeConnector } from '../../helpers/fake-connector.js';
import type { TeamsPersona } from '../../helpers/teams-activity.js';

const isaiah: TeamsPersona = {
  tenantId: '99999999-9999-9999-9999-999999999999',
  aadObjectId: '99999999-0000-0000-0000-000000000001',
  name: 'Isaiah Langer',
  email: 'isaiah@operator.example',
  locale: 'ru-RU',
};

describe('FakeConnector (the test double later features script)', () => {
  let connector: FakeConnector;
  beforeEach(async () => {
    connector = await FakeConnector.start();
  });
  afterEach(() => connector.close());

  const send = (conversationId: string, text: string) =>
    fetch(`${connector.url}v3/conversations/${encodeURIComponent(conversationId)}/activities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' },
      body: JSON.stringify({ type: 'message', text }),
    });

  it('records sent activities with decoded ids, body and headers', async () => {
    const res = await send('a:conv@thread', 'hi');
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { id: string }).id).to.be.a('string');
    const [call] = connector.calls;
    expect(call).to.include({ method: 'POST', conversationId: 'a:conv@thread', status: 200 });
    expect(call.headers.authorization).to.equal('Bearer t0k');
    expect(connector.texts('a:conv@thread')).to.deep.equal(['hi']);
  });

  it('answers a scripted 429 with Retry-After once, for one conversation only', async () => {
    connector.fail(429, { conversationId: 'a:busy', retryAfterSeconds: 7 });
    const other = await send('a:calm', 'x');
    const first = await send('a:busy', 'x');
    const second = await send('a:busy', 'x');
    expect(other.status).to.equal(200);
    expect(first.status).to.equal(429);
    expect(first.headers.get('retry-after')).to.equal('7');
    expect(second.status).to.equal(200);
    expect(connector.texts('a:busy')).to.deep.equal(['x']);
  });

  it('answers 500, 403 and 404 as many times as scripted', async () => {
    connector.fail(500, { times: 2 }).fail(403).fail(404);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send('a:1', 'x')).status);
    expect(statuses).to.deep.equal([500, 500, 403, 404, 200]);
  });

  it('answers slowly when told to, and waitFor resolves on a later call', async () => {
    connector.slow(300, { method: 'POST' });
    const started = Date.now();
    const waiting = connector.waitForActivity((a) => a.text === 'late');
    await send('a:1', 'late');
    expect(Date.now() - started).to.be.at.least(280);
    expect((await waiting).text).to.equal('late');
  });

  it('rejects waitFor with the calls seen so far when nothing matches in time', async () => {
    await send('a:1', 'x');
    let error: Error | undefined;
    await connector.waitFor((c) => c.method === 'PUT', 100).catch((err: Error) => (error = err));
    expect(error?.message).to.include('POST /v3/conversations/a:1/activities');
  });

  it('answers member lookups from the roster (by Teams id or AAD object id), else 404', async () => {
    connector.addMembers(isaiah);
    const byId = await fetch(
      `${connector.url}v3/conversations/a:1/members/29:${isaiah.aadObjectId}`
    );
    const byAad = await fetch(`${connector.url}v3/conversations/a:1/members/${isaiah.aadObjectId}`);
    const unknown = await fetch(`${connector.url}v3/conversations/a:1/members/29:nobody`);
    const paged = await fetch(`${connector.url}v3/conversations/a:1/pagedmembers`);
    expect(await byId.json()).to.deep.include({ email: isaiah.email, tenantId: isaiah.tenantId });
    expect(byAad.status).to.equal(200);
    expect(unknown.status).to.equal(404);
    expect(((await paged.json()) as { members: unknown[] }).members).to.have.length(1);
  });

  it('creates 1:1 conversations and accepts updates of sent activities', async () => {
    const created = await fetch(`${connector.url}v3/conversations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        members: [{ id: `29:${isaiah.aadObjectId}` }],
        tenantId: isaiah.tenantId,
      }),
    });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: string };
    const updated = await fetch(
      `${connector.url}v3/conversations/${encodeURIComponent(id)}/activities/act-1`,
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'v2' }),
      }
    );
    expect(updated.status).to.equal(200);
    expect(connector.calls.map((c) => [c.method, c.conversationId, c.activityId])).to.deep.equal([
      ['POST', undefined, undefined],
      ['PUT', id, 'act-1'],
    ]);
  });
});
