import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { cast, outsider, startApiWorld, type ApiWorld } from './api-world.js';

/**
 * API keys through the real server (open mode): a Global admin creates one (its secret shown
 * once), lists and revokes it; a key acts as its partner with its scope's roles, sees that
 * partner's records only, a read key only reads, and a revoked key is refused at once.
 */
describe('REST API: API keys (create, list, use, revoke)', function () {
  let w: ApiWorld;
  const other = outsider(5, 'Bruno', 'Northwind Traders');
  const ids: Record<string, string> = {};

  before(async () => {
    w = await startApiWorld();
    await w.partnerOf('reseller', other);
    const invitations = w.app.app.modules.invitations.service;
    ids.tailspin = (
      await invitations.inviteCustomer(w.actor(cast.reseller), { companyName: 'Tailspin Toys' })
    ).view.invitation.id;
    ids.wingtip = (
      await invitations.inviteCustomer(w.actor(cast.reseller), { companyName: 'Wingtip' })
    ).view.invitation.id;
    ids.northwind = (
      await invitations.inviteCustomer(w.actor(other), { companyName: 'Northwind Customer' })
    ).view.invitation.id;
    await w.drained();
  });
  after(async () => {
    await w?.stop();
  });

  const withKey = (key: string) => ({
    get: (path: string) => w.call('GET', path, { token: key }),
    post: (path: string, body: unknown = {}) => w.call('POST', path, { token: key, body }),
    put: (path: string, body: unknown) => w.call('PUT', path, { token: key, body }),
    del: (path: string) => w.call('DELETE', path, { token: key }),
  });

  it('shows a new key once; the list and the stored document never hold it', async () => {
    const admin = w.as(cast.reseller);
    const created = await admin.post('/api-keys', { name: 'PSA sync', scope: 'read-write' });
    expect(created.status).to.equal(201);
    expect(created.body.key).to.match(/^pck_[A-Za-z0-9_-]{43}$/);
    expect(created.body).to.include({ name: 'PSA sync', scope: 'read-write', revoked: false });
    expect(created.body.createdBy).to.deep.equal({
      aadObjectId: cast.reseller.aadObjectId,
      name: cast.reseller.name,
    });
    const list = await admin.get('/api-keys');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).to.deep.equal([created.body.id]);
    expect(list.text).to.not.include(created.body.key);
    expect(list.text).to.not.include(created.body.key.slice(4));
    const stored = await w.collection('api_keys').find({}).toArray();
    expect(stored).to.have.length(1);
    const doc = JSON.stringify(stored);
    expect(doc).to.not.include(created.body.key.slice(4));
    expect(stored[0]!.secretHash).to.match(/^[0-9a-f]{64}$/);
    // A keyed hash, not a plain digest of the key: the server's secret is needed to make it.
    expect(stored[0]!.secretHash).to.not.equal(
      createHash('sha256').update(created.body.key).digest('hex')
    );
    ids.rw = created.body.id;
    ids.rwKey = created.body.key;
  });

  it("acts as its partner's Admin agent with a read-write key: its records only", async () => {
    const key = withKey(ids.rwKey!);
    const me = await key.get('/me');
    expect(me.status).to.equal(200);
    expect(me.body.partner.id).to.equal(w.reseller.id);
    expect(me.body.roles).to.deep.equal(['adminAgent']);
    expect(me.body.operator).to.equal(false);
    const list = await key.get('/invitations?sort=to&order=asc');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((i: { to: string }) => i.to)).to.deep.equal([
      'Tailspin Toys',
      'Wingtip',
    ]);
    expect((await key.get(`/invitations/${ids.northwind}`)).status).to.equal(404);
    expect((await key.post(`/invitations/${ids.northwind}/revoke`)).status).to.equal(404);
    const revoked = await key.post(`/invitations/${ids.wingtip}/revoke`);
    expect(revoked.status, revoked.text).to.equal(200);
    const northwind = await w
      .collection('invitations')
      .findOne({ 'customer.companyName': 'Northwind Customer' });
    expect(northwind!.state).to.equal('pending');
  });

  it('records when a key was last used, at most once a minute', async () => {
    const lastUsed = async () =>
      (await w.collection('api_keys').findOne({ name: 'PSA sync' }))!.lastUsedAt as Date;
    const first = w.now().toISOString();
    expect((await lastUsed()).toISOString()).to.equal(first);
    const list = await w.as(cast.reseller).get('/api-keys');
    expect(list.body.items[0].lastUsedAt).to.equal(first);
    // Within the minute a call writes nothing; past it, the next call records it.
    w.advance(59_000);
    expect((await withKey(ids.rwKey!).get('/me')).status).to.equal(200);
    expect((await lastUsed()).toISOString()).to.equal(first);
    w.advance(1_000);
    expect((await withKey(ids.rwKey!).get('/me')).status).to.equal(200);
    expect((await lastUsed()).toISOString()).to.equal(w.now().toISOString());
  });

  it('refuses every write to a read key (403) and lets it read', async () => {
    const created = await w
      .as(cast.reseller)
      .post('/api-keys', { name: 'Reporting', scope: 'read' });
    expect(created.status).to.equal(201);
    const key = withKey(created.body.key);
    expect((await key.get('/invitations')).status).to.equal(200);
    const refused = await key.post(`/invitations/${ids.tailspin}/revoke`, {});
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('notAllowed');
    expect(refused.body.title).to.match(/only read/);
    const ru = await w.call('POST', `/invitations/${ids.tailspin}/revoke`, {
      token: created.body.key,
      body: {},
      headers: { 'Accept-Language': 'ru' },
    });
    expect(ru.body.title).to.match(/только чтение/);
    const tailspin = await w
      .collection('invitations')
      .findOne({ 'customer.companyName': 'Tailspin Toys' });
    expect(tailspin!.state).to.equal('pending');
  });

  it("never sees another partner's records with that partner's key, nor theirs with ours", async () => {
    const created = await w.as(other).post('/api-keys', { name: 'Their CRM', scope: 'read' });
    const theirs = await withKey(created.body.key).get('/invitations');
    expect(theirs.body.items.map((i: { to: string }) => i.to)).to.deep.equal([
      'Northwind Customer',
    ]);
    // Their admin cannot list or revoke our keys.
    expect(
      (await w.as(other).get('/api-keys')).body.items.map((k: { id: string }) => k.id)
    ).to.deep.equal([created.body.id]);
    const del = await w.call('DELETE', `/api-keys/${ids.rw}`, { token: await w.tokenOf(other) });
    expect(del.status).to.equal(404);
    expect((await withKey(ids.rwKey!).get('/me')).status).to.equal(200);
  });

  it('lets no one but a Global admin create or list keys, and never a key', async () => {
    const sales = w.as(cast.resellerSales);
    const create = await sales.post('/api-keys', { name: 'Mine', scope: 'read' });
    expect(create.status).to.equal(403);
    expect(create.body.title).to.match(/Global admin/);
    expect((await sales.get('/api-keys')).status).to.equal(403);
    const key = withKey(ids.rwKey!);
    expect((await key.post('/api-keys', { name: 'Child', scope: 'read-write' })).status).to.equal(
      403
    );
    expect((await key.get('/api-keys')).status).to.equal(403);
    expect((await key.del(`/api-keys/${ids.rw}`)).status).to.equal(403);
    expect((await key.get('/users')).status).to.equal(403);
    expect(
      (await key.put(`/users/${cast.resellerSales.aadObjectId}/roles`, { roles: ['globalAdmin'] }))
        .status
    ).to.equal(403);
    expect(await w.collection('api_keys').countDocuments({ 'createdBy.name': 'Child' })).to.equal(
      0
    );
  });

  it('refuses a revoked key at once (401) and lists it as revoked', async () => {
    const revoked = await w.call('DELETE', `/api-keys/${ids.rw}`, {
      token: await w.tokenOf(cast.reseller),
    });
    expect(revoked.status).to.equal(200);
    expect(revoked.body).to.include({ id: ids.rw, revoked: true });
    const refused = await withKey(ids.rwKey!).get('/me');
    expect(refused.status).to.equal(401);
    expect(refused.body.title).to.match(/revoked/);
    const list = await w.as(cast.reseller).get('/api-keys');
    const row = list.body.items.find((k: { id: string }) => k.id === ids.rw);
    expect(row).to.include({ revoked: true, revokedAt: w.now().toISOString() });
  });

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const admin = w.as(cast.reseller);
    const before = await w.collection('api_keys').countDocuments();
    for (const [body, field] of [
      [{ name: '  ', scope: 'read' }, 'body.name'],
      [{ name: 'x'.repeat(81), scope: 'read' }, 'body.name'],
      [{ name: 'Bell\u0007', scope: 'read' }, 'body.name'],
      [{ name: 'Admin', scope: 'admin' }, 'body.scope'],
      [{ name: 'Extra', scope: 'read', roles: ['globalAdmin'] }, 'body.roles'],
    ] as const) {
      const res = await admin.post('/api-keys', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).to.include(field);
    }
    const ru = await w.call('POST', '/api-keys', {
      token: await w.tokenOf(cast.reseller),
      body: { name: '', scope: 'read' },
      headers: { 'Accept-Language': 'ru' },
    });
    expect(ru.body.title).to.match(/Запрос/);
    expect(await w.collection('api_keys').countDocuments()).to.equal(before);
    const unknown = await w.call('DELETE', '/api-keys/0123456789abcdef01234567', {
      token: await w.tokenOf(cast.reseller),
    });
    expect(unknown.status).to.equal(404);
  });

  it('holds 50 live keys a partner at most; revoking one makes room', async () => {
    const admin = w.as(other);
    const live = async () =>
      (await admin.get('/api-keys')).body.items.filter((k: { revoked: boolean }) => !k.revoked);
    for (let n = (await live()).length; n < 50; n++) {
      expect((await admin.post('/api-keys', { name: `Key ${n}`, scope: 'read' })).status).to.equal(
        201
      );
    }
    const refused = await admin.post('/api-keys', { name: 'One more', scope: 'read' });
    expect(refused.status).to.equal(409);
    expect(refused.body.title).to.match(/50 live API keys/);
    const [first] = await live();
    const token = await w.tokenOf(other);
    expect((await w.call('DELETE', `/api-keys/${first.id}`, { token })).status).to.equal(200);
    expect((await admin.post('/api-keys', { name: 'One more', scope: 'read' })).status).to.equal(
      201
    );
  });

  it('lists the key routes in the OpenAPI document', async () => {
    const doc = await w.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths['/api/v1/api-keys'])).to.have.members(['get', 'post']);
    expect(Object.keys(doc.body.paths['/api/v1/api-keys'].post.responses)).to.include('201');
    expect(Object.keys(doc.body.paths['/api/v1/api-keys/{id}'])).to.deep.equal(['delete']);
  });
});
