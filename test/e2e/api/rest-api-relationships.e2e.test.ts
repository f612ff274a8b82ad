import { expect } from 'chai';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from './api-world.js';

/**
 * The REST API through the real server (open mode: the local sign-in), on the relationships
 * world: the provider lists its indirect resellers with paging, sort, search and a state
 * filter; acts as the card's buttons do; bulk-extends with a per-row result; exports CSV.
 */
describe('REST API: relationships (through the real server)', function () {
  let w: ApiWorld;
  const northwind = outsider(1, 'Nora', 'Northwind Traders');
  const adatum = outsider(2, 'Adam', '=HYPERLINK("http://evil.example","Adatum")');
  const ids: Record<string, string> = {};

  before(async () => {
    w = await startApiWorld();
    const nw = await w.partnerOf('reseller', northwind);
    const ad = await w.partnerOf('reseller', adatum);
    // Three resellers ask the provider, one day apart (requestedAt orders them).
    ids.contoso = (await w.service.request(w.actor(cast.reseller), w.provider.id, GRANT, true)).id;
    w.advanceDays(1);
    ids.northwind = (await w.service.request(w.actor(northwind), w.provider.id, GRANT, true)).id;
    w.advanceDays(1);
    ids.adatum = (await w.service.request(w.actor(adatum), w.provider.id, GRANT, true)).id;
    void nw;
    void ad;
  });
  after(async () => {
    await w?.stop();
  });

  it('signs in as a person the bot has seen and answers who they are', async () => {
    const personas = await w.call('GET', '/dev/personas');
    expect(personas.status).to.equal(200);
    expect(personas.body.personas.map((p: { name: string }) => p.name)).to.include(
      cast.provider.name
    );
    const me = await w.as(cast.provider).get('/me');
    expect(me.status).to.equal(200);
    expect(me.body.partner).to.include({ id: w.provider.id, partnerType: 'provider' });
    expect(me.body.roles).to.include('globalAdmin');
    expect(me.body.may).to.include('relationships.manage');
    // Nobody the bot has not seen, and no token it did not give.
    const unknown = await w.call('POST', '/dev/sign-in', {
      body: {
        aadObjectId: '00000000-0000-4000-8000-000000000000',
        tenantId: cast.provider.tenantId,
      },
    });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.token).to.equal(undefined);
    const forged = await w.call('GET', '/me', { token: 'A'.repeat(43) });
    expect(forged.status).to.equal(401);
  });

  it('lists with server-side paging, sort, search and a state filter', async () => {
    const api = w.as(cast.provider);
    const first = await api.get('/relationships?pageSize=2&sort=requestedAt&order=asc');
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ total: 3, page: 0, pageSize: 2 });
    expect(first.body.items.map((i: { id: string }) => i.id)).to.deep.equal([
      ids.contoso,
      ids.northwind,
    ]);
    const second = await api.get('/relationships?pageSize=2&page=1&sort=requestedAt&order=asc');
    expect(second.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.adatum]);
    const desc = await api.get('/relationships?sort=requestedAt&order=desc');
    expect(desc.body.items.map((i: { id: string }) => i.id)).to.deep.equal([
      ids.adatum,
      ids.northwind,
      ids.contoso,
    ]);
    const found = await api.get('/relationships?q=North');
    expect(found.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.northwind]);
    expect(found.body.items[0].actions).to.deep.equal(['authorize', 'decline']);
    const active = await api.get('/relationships?state=active');
    expect(active.body.total).to.equal(0);
  });

  it('authorizes as the card does: the reseller is told, the list shows it active', async () => {
    const res = await w.as(cast.provider).post(`/relationships/${ids.contoso}/authorize`, {});
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ state: 'active', changedNow: true });
    expect(res.body.history.map((e: { action: string }) => e.action)).to.deep.equal([
      'pending',
      'active',
    ]);
    await w.received(cast.reseller, 'Fabrikam Distribution');
    const active = await w.as(cast.provider).get('/relationships?state=active');
    expect(active.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.contoso]);
  });

  it('refuses what the viewer may not do, and changes nothing', async () => {
    // The reseller's Sales agent sees the relationship but may not end it.
    const seen = await w.as(cast.resellerSales).get(`/relationships/${ids.contoso}`);
    expect(seen.status).to.equal(200);
    expect(seen.body.actions).to.deep.equal(['viewCustomers']);
    const refused = await w
      .as(cast.resellerSales)
      .post(`/relationships/${ids.contoso}/end`, { confirmed: true });
    expect(refused.status).to.equal(403);
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(refused.body).to.include({ status: 403, code: 'notAllowed' });
    // The requester may not authorize its own request: not offered, so 409.
    const own = await w
      .as(northwind)
      .post(`/relationships/${ids.northwind}/authorize`, { consent: true });
    expect(own.status).to.equal(409);
    // End without the confirmation is bad input: 400, nothing changed.
    const unconfirmed = await w.as(cast.provider).post(`/relationships/${ids.contoso}/end`, {});
    expect(unconfirmed.status).to.equal(400);
    expect(unconfirmed.body.fields[0].field).to.equal('body.confirmed');
    const still = await w.service.view(w.actor(cast.provider), ids.contoso);
    expect(still.relationship.state).to.equal('active');
  });

  it('answers in Russian when asked', async () => {
    const res = await w
      .as(cast.resellerSales)
      .post(
        `/relationships/${ids.contoso}/end`,
        { confirmed: true },
        { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' }
      );
    expect(res.status).to.equal(403);
    expect(res.body.title).to.match(/[а-я]/i);
    expect(res.headers.get('content-language')).to.equal('ru');
  });

  it('bulk-extends with a result per row: the pending one fails, the active one asks its reseller', async () => {
    const res = await w.as(cast.provider).post('/relationships/bulk', {
      action: 'extend',
      days: 30,
      ids: [ids.contoso, ids.northwind],
    });
    expect(res.status).to.equal(200);
    const [contoso, northwindRow] = res.body.results;
    expect(contoso).to.include({ id: ids.contoso, ok: true });
    expect(contoso.item.pendingChange).to.not.equal(null);
    expect(northwindRow).to.include({ id: ids.northwind, ok: false });
    expect(northwindRow.error.code).to.equal('conflict');
    expect(northwindRow.error.message).to.be.a('string').and.not.empty;
  });

  it('exports the filtered list as CSV with a BOM, formulas neutralized', async () => {
    const res = await w.as(cast.provider).get('/relationships.csv?state=pending');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    const lines = res.text.slice(1).trim().split('\r\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.include('Indirect reseller');
    const adatumLine = lines.find((l) => l.includes(ids.adatum))!;
    expect(adatumLine).to.include(`"'=HYPERLINK(""http://evil.example"",""Adatum"")"`);
  });

  it('shows a reseller the directory of providers, with its open relationship to open instead', async () => {
    const res = await w.as(cast.reseller).get('/partners?q=Fabrikam');
    expect(res.status).to.equal(200);
    expect(res.body.items).to.have.length(1);
    expect(res.body.items[0]).to.include({ id: w.provider.id, legalName: 'Fabrikam Distribution' });
    expect(res.body.items[0].open).to.deep.equal({ id: ids.contoso, state: 'active' });
    // A provider has no directory of providers: refused as the bot refuses it.
    expect((await w.as(cast.provider).get('/partners')).status).to.equal(403);
  });
});
