import { expect } from 'chai';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from './api-world.js';

const RU = { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' };

/**
 * What an integration sees when it calls the API wrongly, through the real server: every
 * answer under /api/v1 is problem+json in the caller's language, a path nobody serves included,
 * and a refused field says what is wrong in that language too.
 */
describe('REST API: errors are problem+json in the caller’s language (through the real server)', function () {
  let w: ApiWorld;
  before(async () => {
    w = await startApiWorld();
  });
  after(async () => {
    await w?.stop();
  });

  it('answers a path nobody serves with a localized 404 problem', async () => {
    const res = await w.as(cast.provider).get('/relationshps', RU);
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.body.code).to.equal('notFound');
    expect(res.body.title).to.match(/[а-я]/i);
    expect(res.headers.get('content-language')).to.equal('ru');
  });

  it('answers a method a path does not take with a 405 problem naming the ones it does', async () => {
    const res = await w.call('DELETE', '/relationships', {
      token: await w.tokenOf(cast.provider),
    });
    expect(res.status).to.equal(405);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.body.code).to.equal('methodNotAllowed');
    expect(res.headers.get('allow')).to.equal('GET');
  });

  it('says what is wrong with a field in Russian when asked', async () => {
    const res = await w.as(cast.provider).get('/relationships?pageSize=lots', RU);
    expect(res.status).to.equal(400);
    const field = res.body.fields.find((f: { field: string }) => f.field === 'query.pageSize');
    expect(field, JSON.stringify(res.body)).to.not.equal(undefined);
    expect(field.message).to.match(/[а-я]/i);
  });

  it('says it in English otherwise', async () => {
    const res = await w.as(cast.provider).get('/relationships?pageSize=lots');
    expect(res.status).to.equal(400);
    const field = res.body.fields.find((f: { field: string }) => f.field === 'query.pageSize');
    expect(field.message).to.match(/^[\x20-\x7e]+$/);
  });

  it('reports every row of a bulk call when one meets a fault, and says so in the caller’s language', async () => {
    const northwind = outsider(1, 'Nora', 'Northwind Traders');
    await w.partnerOf('reseller', northwind);
    const ids: string[] = [];
    for (const who of [cast.reseller, northwind]) {
      const asked = await w.service.request(w.actor(who), w.provider.id, GRANT, true);
      await w.service.authorize(w.actor(cast.provider), asked.id, true);
      ids.push(asked.id);
    }
    // The first row's End meets a fault no refusal stands for (as a database gone would be).
    const service = w.service;
    const end = service.end.bind(service);
    service.end = async (actor, id) => {
      if (id === ids[0]) throw new Error('connection reset');
      return end(actor, id);
    };
    try {
      const res = await w
        .as(cast.provider)
        .post('/relationships/bulk', { action: 'end', confirmed: true, ids }, RU);
      expect(res.status, res.text).to.equal(200);
      const [faulted, ended] = res.body.results;
      expect(faulted).to.include({ id: ids[0], ok: false });
      expect(faulted.error.code).to.equal('internal');
      expect(faulted.error.message).to.match(/[а-я]/i);
      expect(ended).to.include({ id: ids[1], ok: true });
      expect(ended.item.state).to.equal('ended');
    } finally {
      service.end = end;
    }
  });

  it('refuses a bulk action’s own fields in the caller’s language', async () => {
    const res = await w
      .as(cast.provider)
      .post('/relationships/bulk', { action: 'extend', ids: ['0'.repeat(24)] }, RU);
    expect(res.status).to.equal(400);
    const field = res.body.fields.find((f: { field: string }) => f.field === 'body.days');
    expect(field, JSON.stringify(res.body)).to.not.equal(undefined);
    expect(field.message).to.match(/[а-я]/i);
  });
});
