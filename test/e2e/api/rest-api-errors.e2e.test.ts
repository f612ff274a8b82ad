import { expect } from 'chai';
import { cast, startApiWorld, type ApiWorld } from './api-world.js';

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
});
