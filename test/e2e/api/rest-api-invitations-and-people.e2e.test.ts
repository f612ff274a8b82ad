import { expect } from 'chai';
import { OPERATOR_ENV, personas } from '../../helpers/personas.js';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from './api-world.js';

/**
 * The REST API's other resources through the real server (open mode): invitations (list,
 * revoke, a refused revoke, bulk resend with a per-row failure), customers, users and roles,
 * the operators' applications, the Overview, and the OpenAPI document listing every route.
 */
describe('REST API: invitations, customers, users, applications, overview, OpenAPI', function () {
  let w: ApiWorld;
  const applicant = outsider(3, 'Ada', 'Alpine Ski House');
  const ids: Record<string, string> = {};

  before(async () => {
    w = await startApiWorld({ ...OPERATOR_ENV });
    await w.app.post(w.app.teams.install(personas.operator));
    const invitations = w.app.app.modules.invitations.service;
    const reseller = w.actor(cast.reseller);
    const tailspin = await invitations.inviteCustomer(reseller, {
      companyName: 'Tailspin Toys',
      adminEmail: 'admin@tailspin.example',
    });
    ids.tailspin = tailspin.view.invitation.id;
    ids.wingtip = (
      await invitations.inviteCustomer(reseller, { companyName: 'Wingtip' })
    ).view.invitation.id;
    // The customer opens its code and accepts: a customer of the reseller.
    const customer = w.actor(cast.customer);
    const opened = await invitations.open(customer, tailspin.secrets.code);
    await invitations.accept(customer, opened.invitation.id);
    ids.coho = (
      await invitations.inviteCustomer(reseller, { companyName: 'Coho Winery' })
    ).view.invitation.id;
    // An application under review, and a relationship that ends within 30 days.
    await w.partnerOf('reseller', applicant, { status: 'underReview' });
    const r = await w.service.request(
      reseller,
      w.provider.id,
      { ...GRANT, durationDays: 20 },
      true
    );
    await w.service.authorize(w.actor(cast.provider), r.id);
    ids.relationship = r.id;
    await w.drained();
  });
  after(async () => {
    await w?.stop();
  });

  it('lists invitations with a state filter and search; revokes one; refuses it twice', async () => {
    const api = w.as(cast.reseller);
    const all = await api.get('/invitations?sort=to&order=asc');
    expect(all.status).to.equal(200);
    expect(all.body.items.map((i: { to: string }) => i.to)).to.deep.equal([
      'Coho Winery',
      'Tailspin Toys',
      'Wingtip',
    ]);
    const accepted = await api.get('/invitations?state=accepted');
    expect(accepted.body.items).to.have.length(1);
    expect(accepted.body.items[0]).to.include({
      to: 'Tailspin Toys',
      tenantId: cast.customer.tenantId,
    });
    expect(accepted.body.items[0].acceptedBy).to.equal(cast.customer.name);
    expect(
      (await api.get('/invitations?q=Wing')).body.items.map((i: { id: string }) => i.id)
    ).to.deep.equal([ids.wingtip]);
    const seen = await api.get(`/invitations/${ids.wingtip}`);
    const stale = await api.post(
      `/invitations/${ids.wingtip}/revoke`,
      {},
      { 'If-Match': '"pending-0"' }
    );
    expect(stale.status).to.equal(412);
    const revoked = await api.post(
      `/invitations/${ids.wingtip}/revoke`,
      {},
      {
        'If-Match': seen.headers.get('etag')!,
      }
    );
    expect(revoked.status).to.equal(200);
    expect(revoked.body).to.include({ state: 'revoked' });
    expect(revoked.body.actions).to.deep.equal([]);
    const again = await api.post(`/invitations/${ids.wingtip}/revoke`);
    expect(again.status).to.equal(409);
    const detail = await api.get(`/invitations/${ids.wingtip}`);
    expect(detail.body.history.map((e: { action: string }) => e.action)).to.deep.equal([
      'pending',
      'revoked',
    ]);
  });

  it('bulk-resends with a result per row (the revoked one cannot be)', async () => {
    const res = await w.as(cast.reseller).post('/invitations/bulk', {
      action: 'resend',
      ids: [ids.coho, ids.wingtip],
    });
    expect(res.status).to.equal(200);
    expect(res.body.results[0]).to.include({ id: ids.coho, ok: true });
    // No address to mail: the new link and code are shown once, as the card shows them.
    expect(res.body.results[0].item.sent.mailed).to.equal('none');
    expect(res.body.results[0].item.sent.link).to.match(/\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(res.body.results[0].item.sent.code).to.match(/^C/);
    expect(res.body.results[1]).to.include({ id: ids.wingtip, ok: false });
    expect(res.body.results[1].error.code).to.equal('conflict');
  });

  it("lists a provider's waiting reseller invitations; revokes one as the card does", async () => {
    const resellers = w.app.app.modules.relationships.invitations;
    const sent = await resellers.invite(
      w.actor(cast.provider),
      { email: 'partners@woodgrove.example', grant: GRANT },
      'en'
    );
    const api = w.as(cast.provider);
    const list = await api.get('/invitations?kind=reseller');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((i: { to: string }) => i.to)).to.deep.equal([
      'partners@woodgrove.example',
    ]);
    expect(list.body.items[0].actions).to.deep.equal(['resend', 'revoke']);
    // Another provider's person, or the reseller, does not find it.
    expect(
      (await w.as(cast.reseller).post(`/invitations/${sent.invitation.id}/revoke?kind=reseller`))
        .status
    ).to.be.oneOf([403, 404]);
    const revoked = await api.post(`/invitations/${sent.invitation.id}/revoke?kind=reseller`);
    expect(revoked.status).to.equal(200);
    expect(revoked.body.state).to.equal('revoked');
    expect((await api.get('/invitations?kind=reseller')).body.total).to.equal(0);
  });

  it("lists the reseller's customers, and the sales agent may not manage users", async () => {
    const customers = await w.as(cast.reseller).get('/customers');
    expect(customers.status).to.equal(200);
    expect(customers.body.items).to.have.length(1);
    expect(customers.body.items[0]).to.include({
      company: 'Tailspin Toys',
      tenantId: cast.customer.tenantId,
    });
    expect((await w.as(cast.resellerSales).get('/users')).status).to.equal(403);
  });

  it('lets a Global admin give roles, as the users card does (the person is told)', async () => {
    const api = w.as(cast.reseller);
    const users = await api.get('/users?state=salesAgent');
    expect(users.body.items.map((u: { aadObjectId: string }) => u.aadObjectId)).to.deep.equal([
      cast.resellerSales.aadObjectId,
    ]);
    const res = await api.put(`/users/${cast.resellerSales.aadObjectId}/roles`, {
      roles: ['adminAgent'],
    });
    expect(res.status).to.equal(200);
    expect(res.body.roles).to.deep.equal(['adminAgent']);
    await w.received(cast.resellerSales, 'Admin agent');
    const bad = await api.put(`/users/${cast.resellerSales.aadObjectId}/roles`, {
      roles: ['owner'],
    });
    expect(bad.status).to.equal(400);
  });

  it('lets an operator approve an application under review; others are refused', async () => {
    const queue = await w.as(personas.operator).get('/applications');
    expect(queue.status).to.equal(200);
    const row = queue.body.items.find(
      (a: { legalName: string }) => a.legalName === 'Alpine Ski House'
    );
    expect(row.actions).to.deep.equal(['approve', 'reject']);
    expect((await w.as(cast.reseller).get('/applications')).status).to.equal(403);
    expect((await w.as(cast.reseller).post(`/applications/${row.id}/approve`)).status).to.equal(
      403
    );
    const empty = await w
      .as(personas.operator)
      .post(`/applications/${row.id}/reject`, { reason: '' });
    expect(empty.status).to.equal(400);
    const approved = await w.as(personas.operator).post(`/applications/${row.id}/approve`);
    expect(approved.status).to.equal(200);
    expect(approved.body).to.include({ state: 'approved', changedNow: true });
    expect((await w.as(personas.operator).post(`/applications/${row.id}/approve`)).status).to.equal(
      409
    );
  });

  it('shows the Overview: what expires within 30 days, counts by state, what needs me', async () => {
    const reseller = await w.as(cast.reseller).get('/overview');
    expect(reseller.status).to.equal(200);
    expect(reseller.body.expiring).to.deep.equal({ within30: 1, within7: 0, within1: 0 });
    expect(reseller.body.counts.relationships).to.deep.equal({ active: 1 });
    expect(reseller.body.counts.invitations).to.include({ accepted: 1, revoked: 1 });
    expect(reseller.body.expiriesByMonth).to.have.length(12);
    expect(
      reseller.body.expiriesByMonth.reduce((n: number, m: { count: number }) => n + m.count, 0)
    ).to.equal(1);
    const operator = await w.as(personas.operator).get('/overview');
    expect(operator.body.needsMe.map((n: { kind: string }) => n.kind)).to.not.include(
      'relationship'
    );
  });

  it('serves an OpenAPI 3.1 document listing every route, its schemas resolvable', async () => {
    const res = await w.call('GET', '/openapi.json');
    expect(res.status).to.equal(200);
    const doc = res.body;
    expect(doc.openapi).to.equal('3.1.0');
    const operations = w.app.app.modules.api.operations;
    expect(operations.length).to.be.greaterThan(20);
    for (const op of operations) {
      const path = `/api/v1${op.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[op.method], `${op.method} ${path}`).to.be.an('object');
    }
    const refs = [...res.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!
    );
    expect(refs).to.include('Relationship');
    for (const ref of refs) expect(doc.components.schemas[ref], ref).to.be.an('object');
    const extend = doc.paths['/api/v1/relationships/{id}/extend'].post;
    const body = extend.requestBody.content['application/json'].schema;
    expect(body.properties.days).to.include({ minimum: 1, maximum: 730 });
  });

  it('serves a reference page at /api/docs listing every route (a plain page, never framed)', async () => {
    const res = await fetch(`${w.app.url}/api/docs`, { headers: { 'Accept-Language': 'ru' } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).to.include('<html lang="ru">');
    for (const op of w.app.app.modules.api.operations) {
      expect(html, op.path).to.include(`${op.method.toUpperCase()} /api/v1${op.path}`);
    }
  });

  it('answers every read with the shape its declared schema (and so the document) gives', async () => {
    const ops = w.app.app.modules.api.operations;
    const reads: [string, typeof cast.reseller][] = [
      ['/me', cast.reseller],
      ['/overview', cast.reseller],
      ['/relationships', cast.reseller],
      [`/relationships/${ids.relationship}`, cast.reseller],
      ['/invitations', cast.reseller],
      [`/invitations/${ids.tailspin}`, cast.reseller],
      ['/invitations?kind=reseller', cast.provider],
      ['/customers', cast.reseller],
      ['/users', cast.reseller],
      ['/applications', personas.operator],
      ['/dev/personas', cast.reseller],
    ];
    for (const [path, who] of reads) {
      const route = path.split('?')[0]!.replace(/\/[0-9a-f]{24}$/, '/:id');
      const op = ops.find((o) => o.method === 'get' && o.path === route)!;
      expect(op, route).to.be.an('object');
      const res = await w.as(who).get(path);
      expect(res.status, path).to.equal(200);
      const parsed = (op.response as import('zod').ZodType).safeParse(res.body);
      expect(parsed.success, `${path}: ${parsed.error?.message}`).to.equal(true);
    }
  });
});
