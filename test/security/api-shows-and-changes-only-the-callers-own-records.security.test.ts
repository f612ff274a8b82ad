import { expect } from 'chai';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * Through the REST API, a person sees and changes only what the bot would let them: another
 * pair's relationship is not found (404, as the bot answers, so its existence is not told),
 * a person without a partner role is refused (403), and input that does not parse or a stale
 * If-Match is refused before anything changes.
 */
describe("security: the REST API shows and changes only the caller's own records", function () {
  let w: ApiWorld;
  const stranger = outsider(7, 'Sven', 'Litware Reseller');
  let id = '';
  let historyLength = 0;

  before(async () => {
    w = await startApiWorld();
    await w.partnerOf('reseller', stranger);
    const r = await w.service.request(w.actor(cast.reseller), w.provider.id, GRANT, true);
    await w.service.authorize(w.actor(cast.provider), r.id);
    id = r.id;
    historyLength = (await w.service.view(w.actor(cast.provider), id)).relationship.history.length;
  });
  after(async () => {
    await w?.stop();
  });

  const unchanged = async () => {
    const { relationship } = await w.service.view(w.actor(cast.provider), id);
    expect(relationship.state).to.equal('active');
    expect(relationship.history).to.have.length(historyLength);
    expect(relationship.pendingChange).to.equal(undefined);
  };

  it("another partner's person neither sees nor changes the relationship (404)", async () => {
    const api = w.as(stranger);
    expect((await api.get(`/relationships/${id}`)).status).to.equal(404);
    const list = await api.get('/relationships');
    expect(list.status).to.equal(200);
    expect(list.body.total).to.equal(0);
    for (const [action, body] of [
      ['end', { confirmed: true }],
      ['extend', { days: 30 }],
      ['autoExtendOn', {}],
    ] as const) {
      const res = await api.post(`/relationships/${id}/${action}`, body);
      expect(res.status, action).to.equal(404);
      expect(res.text).to.not.include('Contoso');
    }
    const bulk = await api.post('/relationships/bulk', {
      action: 'end',
      confirmed: true,
      ids: [id],
    });
    expect(bulk.body.results[0]).to.include({ ok: false });
    expect(bulk.body.results[0].error.code).to.equal('notFound');
    const csv = await api.get('/relationships.csv');
    expect(csv.text).to.not.include(id);
    await unchanged();
  });

  it('a person of the tenant without a role is refused (403), a customer has no partner (404)', async () => {
    const noRole = {
      ...cast.reseller,
      aadObjectId: '11111111-0000-4000-8000-000000000999',
      name: 'No Role',
      id: 'no-role',
    };
    await w.app.post(w.app.teams.install(noRole));
    const res = await w.as(noRole).post(`/relationships/${id}/end`, { confirmed: true });
    expect(res.status).to.equal(403);
    const customer = await w.as(cast.customer).get('/relationships');
    expect(customer.status).to.equal(404);
    await unchanged();
  });

  it('refuses input that does not parse with 400 naming the field, and changes nothing', async () => {
    const api = w.as(cast.reseller);
    for (const [action, body] of [
      ['extend', { days: 0 }],
      ['extend', { days: '30; drop' }],
      ['extend', { days: 30, roles: ['owner'] }],
      ['end', { confirmed: 'yes' }],
      ['autoExtendOn', { on: false }],
    ] as const) {
      const res = await api.post(`/relationships/${id}/${action}`, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.code).to.equal('invalid');
      expect(res.body.fields[0].field).to.match(/^body\./);
    }
    const notJson = await fetch(`${w.base}/relationships/${id}/end`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await w.tokenOf(cast.reseller)}`,
        'Content-Type': 'text/plain',
      },
      body: 'confirmed=true',
    });
    expect(notJson.status).to.equal(415);
    const badQuery = await api.get('/relationships?pageSize=1000');
    expect(badQuery.status).to.equal(400);
    await unchanged();
  });

  it('refuses a change made on a stale copy (If-Match) with 412', async () => {
    const api = w.as(cast.reseller);
    const seen = await api.get(`/relationships/${id}`);
    const etag = seen.headers.get('etag')!;
    expect(etag).to.be.a('string');
    const stale = await api.post(
      `/relationships/${id}/end`,
      { confirmed: true },
      { 'If-Match': '"0-0"' }
    );
    expect(stale.status).to.equal(412);
    await unchanged();
    const fresh = await api.post(`/relationships/${id}/autoExtendOn`, {}, { 'If-Match': etag });
    expect(fresh.status).to.equal(200);
    expect(fresh.body.autoExtend).to.equal(true);
  });
});
