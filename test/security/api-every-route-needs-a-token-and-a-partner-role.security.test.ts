import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * Every declared API route, as data: without a token each answers 401 (but the document and
 * the open-mode sign-in, which need none); signed in as a person of another tenant (a customer
 * with no partner, another reseller's admin), no route that changes anything succeeds on the
 * pair's records, and the database is byte-for-byte as it was.
 */
describe('security: every REST API route needs a token, and a role on the record’s partner', function () {
  let w: ApiWorld;
  const stranger = outsider(9, 'Greta', 'Graphic Design Institute');
  const ids: Record<string, string> = {};

  before(async () => {
    w = await startApiWorld();
    await w.partnerOf('reseller', stranger);
    const r = await w.service.request(w.actor(cast.reseller), w.provider.id, GRANT, true);
    await w.service.authorize(w.actor(cast.provider), r.id);
    ids.relationship = r.id;
    const invitation = await w.app.app.modules.invitations.service.inviteCustomer(
      w.actor(cast.reseller),
      { companyName: 'Fourth Coffee' }
    );
    ids.invitation = invitation.view.invitation.id;
    const hook = await w.app.app.modules.webhooks.service.create(w.actor(cast.provider), {
      url: 'https://hooks.example.com/provider',
      events: ['relationship.ended'],
    });
    ids.webhook = hook.subscription.id;
    const bulk = await w
      .as(cast.reseller)
      .post('/invitations/bulk/csv?dryRun=false', { csv: 'company\nFourth Coffee Annex\n' });
    ids.job = bulk.body.jobId as string;
    await w.drained();
  });
  after(async () => {
    await w?.stop();
  });

  const operations = () => w.app.app.modules.api.operations;
  const pathOf = (path: string) =>
    path
      .replace(
        ':id',
        path.startsWith('/invitations')
          ? ids.invitation!
          : path.startsWith('/webhooks')
            ? ids.webhook!
            : ids.relationship!
      )
      .replace(':aadObjectId', cast.resellerSales.aadObjectId)
      .replace(':jobId', ids.job!);
  /** A body each route would take from someone allowed (so a refusal is about who asks). */
  const bodyOf = (path: string): unknown => {
    if (path.endsWith('/end')) return { confirmed: true };
    if (path.endsWith('/extend')) return { days: 30, consent: true };
    if (path.endsWith('/authorize') || path.endsWith('/authorizeChange')) return { consent: true };
    if (path === '/relationships/bulk')
      return { action: 'end', confirmed: true, ids: [ids.relationship] };
    if (path === '/invitations/bulk') return { action: 'revoke', ids: [ids.invitation] };
    if (path.endsWith('/roles')) return { roles: ['globalAdmin'] };
    if (path.endsWith('/reject')) return { reason: 'no' };
    if (path === '/api-keys') return { name: 'Probe', scope: 'read-write' };
    if (path === '/webhooks')
      return { url: 'https://hooks.example.com/probe', events: ['relationship.ended'] };
    if (path === '/invitations/bulk/csv') return { csv: 'company\nProbe Co\n' };
    return {};
  };
  const snapshot = async () => {
    const hash = createHash('sha256');
    for (const name of [
      'relationships',
      'invitations',
      'partners',
      'memberships',
      'customers',
      'webhook_deliveries',
    ]) {
      const docs = await w.collection(name).find({}).sort({ _id: 1 }).toArray();
      hash.update(JSON.stringify(docs));
    }
    return hash.digest('hex');
  };

  it('answers 401 without a token on every route that needs one', async () => {
    const open = operations()
      .filter((op) => op.auth === 'none')
      .map((op) => op.path);
    expect(open.sort()).to.deep.equal(['/dev/personas', '/dev/sign-in', '/openapi.json']);
    for (const op of operations().filter((o) => o.auth === 'bearer')) {
      const res = await w.call(op.method.toUpperCase(), pathOf(op.path), {
        ...(op.method === 'get' ? {} : { body: bodyOf(op.path) }),
      });
      expect(res.status, `${op.method} ${op.path}`).to.equal(401);
    }
  });

  for (const [who, person] of [
    ['a customer with no partner', () => cast.customer],
    ["another reseller's Global admin", () => stranger],
  ] as const) {
    it(`changes nothing and shows nothing of the pair for ${who}`, async () => {
      const before = await snapshot();
      const api = w.as(person());
      for (const op of operations().filter((o) => o.auth === 'bearer')) {
        const path = pathOf(op.path);
        const res =
          op.method === 'get'
            ? await api.get(path)
            : op.method === 'put'
              ? await api.put(path, bodyOf(op.path))
              : op.method === 'delete'
                ? await w.call('DELETE', path, { token: await w.tokenOf(person()) })
                : await api.post(path, bodyOf(op.path));
        const where = `${op.method} ${op.path}: ${res.status}`;
        // A Global admin makes keys (and webhooks) of their own partner: allowed, not the pair's;
        // and checks a file of its own partner's (a dry run, the default: nothing made).
        // So does the connection to Microsoft Graph (a consent link, a disconnect).
        const ownKeys =
          [
            '/api-keys',
            '/webhooks',
            '/invitations/bulk/csv',
            '/graph/connection',
            '/graph/connection/consent-link',
          ].includes(op.path) && person() === stranger;
        if (op.method !== 'get' && !op.path.endsWith('/bulk') && !ownKeys) {
          expect([403, 404], where).to.include(res.status);
        }
        if (op.path.endsWith('/bulk')) {
          expect(
            res.body.results.every((r: { ok: boolean }) => !r.ok),
            where
          ).to.equal(true);
        }
        expect(res.text, where).to.not.include('Contoso');
        expect(res.text, where).to.not.include('Fourth Coffee');
      }
      expect(await snapshot()).to.equal(before);
    });
  }
});
