import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { OPERATOR_ENV, personas } from '../helpers/personas.js';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * A partner's API key acts as that partner with its scope's roles and nothing more: a read key
 * writes through no route at all (403 before any handler, the database unchanged); no key, not
 * even one an operator made as Global admin of their own partner, is an operator or a Global
 * admin (keys, users, roles, applications refused); a key document moved to another tenant
 * holds no role there.
 */
describe('security: an API key acts as its own partner only, never as a Global admin or an operator', function () {
  let w: ApiWorld;
  const applicant = outsider(7, 'Pavel', 'Proseware');
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};

  before(async () => {
    w = await startApiWorld({ ...OPERATOR_ENV });
    // The operator is also the Global admin of a partner of their own tenant.
    await w.partnerOf('reseller', personas.operator);
    ids.applicant = (await w.partnerOf('reseller', applicant, { status: 'underReview' })).id;
    const r = await w.service.request(w.actor(cast.reseller), w.provider.id, GRANT, true);
    ids.relationship = r.id;
    ids.invitation = (
      await w.app.app.modules.invitations.service.inviteCustomer(w.actor(cast.reseller), {
        companyName: 'Fourth Coffee',
      })
    ).view.invitation.id;
    for (const [name, who, scope] of [
      ['operators', personas.operator, 'read-write'],
      ['read', cast.reseller, 'read'],
      ['readWrite', cast.reseller, 'read-write'],
    ] as const) {
      const res = await w.as(who).post('/api-keys', { name, scope });
      expect(res.status, res.text).to.equal(201);
      keys[name] = res.body.key;
    }
    await w.drained();
  });
  after(async () => {
    await w?.stop();
  });

  const snapshot = async () => {
    const hash = createHash('sha256');
    for (const name of [
      'relationships',
      'invitations',
      'partners',
      'memberships',
      'customers',
      'api_keys',
    ]) {
      const docs = await w.collection(name).find({}).sort({ _id: 1 }).toArray();
      hash.update(JSON.stringify(docs));
    }
    return hash.digest('hex');
  };
  const pathOf = (path: string) =>
    path
      .replace(':id', path.startsWith('/invitations') ? ids.invitation! : ids.relationship!)
      .replace(':aadObjectId', cast.resellerSales.aadObjectId)
      .replace(':action', 'withdraw');

  it('refuses every route that writes to a read key (403) and changes nothing', async () => {
    // Its one use is recorded first, so the snapshot after holds only the refusals' effects.
    expect((await w.call('GET', '/me', { token: keys.read })).status).to.equal(200);
    const before = await snapshot();
    const writes = w.app.app.modules.api.operations.filter(
      (op) => op.auth === 'bearer' && op.method !== 'get'
    );
    expect(writes.length).to.be.greaterThan(5);
    for (const op of writes) {
      const res = await w.call(op.method.toUpperCase(), pathOf(op.path), {
        token: keys.read,
        ...(op.method === 'delete' ? {} : { body: {} }),
      });
      expect(res.status, `${op.method} ${op.path}: ${res.text}`).to.equal(403);
      expect(res.body.code).to.equal('notAllowed');
    }
    expect(await snapshot()).to.equal(before);
  });

  it('makes a key an operator made no operator: applications and decisions refused', async () => {
    const key = keys.operators!;
    const me = await w.call('GET', '/me', { token: key });
    expect(me.body).to.include({ operator: false });
    expect(me.body.may).to.not.include('enrollment.review');
    const before = await snapshot();
    const queue = await w.call('GET', '/applications', { token: key });
    expect([403, 404]).to.include(queue.status);
    expect(queue.text).to.not.include('Proseware');
    const approve = await w.call('POST', `/applications/${ids.applicant}/approve`, {
      token: key,
      body: {},
    });
    expect([403, 404]).to.include(approve.status);
    expect(await snapshot()).to.equal(before);
    // The same person signed in as themselves is the operator still.
    expect((await w.as(personas.operator).get('/applications')).status).to.equal(200);
  });

  it('gives a read-write key no Global-admin action: keys, users, roles', async () => {
    const key = keys.readWrite!;
    const may = (await w.call('GET', '/me', { token: key })).body.may as string[];
    for (const action of ['apiKeys.manage', 'users.view', 'users.updateRoles']) {
      expect(may, action).to.not.include(action);
    }
    expect(may).to.include('relationships.manage');
    const before = await snapshot();
    const tries = [
      ['POST', '/api-keys', { name: 'Child', scope: 'read-write' }],
      ['GET', '/api-keys', undefined],
      ['GET', '/users', undefined],
      ['GET', '/users.csv', undefined],
      ['PUT', `/users/${cast.resellerSales.aadObjectId}/roles`, { roles: ['globalAdmin'] }],
    ] as const;
    for (const [method, path, body] of tries) {
      const res = await w.call(method, path, { token: key, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).to.equal(403);
      expect(res.text, `${method} ${path}`).to.not.match(/pck_/);
    }
    const list = await w.as(cast.reseller).get('/api-keys');
    const revoke = await w.call('DELETE', `/api-keys/${list.body.items[0].id}`, { token: key });
    expect(revoke.status).to.equal(403);
    expect(await snapshot()).to.equal(before);
  });

  it('gives a key document moved to another tenant no role there', async () => {
    const created = await w
      .as(cast.reseller)
      .post('/api-keys', { name: 'Moved', scope: 'read-write' });
    await w
      .collection('api_keys')
      .updateOne({ name: 'Moved' }, { $set: { tenantId: cast.provider.tenantId } });
    const me = await w.call('GET', '/me', { token: created.body.key });
    expect(me.body.roles).to.deep.equal([]);
    const list = await w.call('GET', '/relationships', { token: created.body.key });
    expect(list.status).to.equal(403);
    expect(list.text).to.not.include('Contoso');
  });
});
