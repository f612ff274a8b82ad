import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { productModules, type ProductModules } from '../../app-modules.js';
import { testLogger } from '../../logging/logger.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { FAST_WORKER } from '../e2e/enrollment/enrollment-e2e-world.js';
import { cast, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';

/**
 * Only a live key we issued opens the API: a key revoked on one bot process is refused at once
 * on another on the same database (each call looks the key up; nothing is cached); a made-up
 * key of the right shape, a key one character off, and a stored plain SHA-256 of a key (no
 * server secret) are all refused with 401, in the caller's language; a revocation raced twice
 * revokes once.
 */
describe('security: revoked, forged or plainly hashed API keys are refused, on every process', function () {
  this.timeout(60_000);
  let dbDir: string;
  let mongo: EmbeddedMongo;
  let w: ApiWorld;
  let other: TestApp<ProductModules>;
  // Every process on one database shares the key of the stored hashes.
  const env = () => ({
    MONGODB_URI: mongo.uri,
    INVITATION_CODE_KEY: Buffer.alloc(32, 7).toString('base64'),
  });

  before(async () => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-keys-'));
    mongo = await startEmbeddedMongo({
      dataDir: dbDir,
      logger: testLogger(),
      localSocket: false,
      port: 0,
    });
    w = await startApiWorld(env());
    other = await startTestApp(env(), {
      modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }),
      connector: w.app.connector,
    });
  });
  after(async () => {
    await other?.stop().catch(() => undefined);
    await w?.stop().catch(() => undefined);
    await mongo?.stop().catch(() => undefined);
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  const onOther = async (key: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${other.url}/api/v1/me`, {
      headers: { Authorization: `Bearer ${key}`, ...headers },
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const newKey = async (name: string) => {
    const res = await w.as(cast.reseller).post('/api-keys', { name, scope: 'read-write' });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: string; key: string };
  };

  it('refuses a key revoked on one process at once on the other', async () => {
    const { id, key } = await newKey('Billing');
    const used = await onOther(key);
    expect(used.status).to.equal(200);
    expect(used.body.partner.id).to.equal(w.reseller.id);
    const revoked = await w.call('DELETE', `/api-keys/${id}`, {
      token: await w.tokenOf(cast.reseller),
    });
    expect(revoked.status).to.equal(200);
    const refused = await onOther(key);
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal('unauthorized');
    expect((await w.call('GET', '/me', { token: key })).status).to.equal(401);
  });

  it('refuses a made-up key and a key one character off, in the caller’s language', async () => {
    const { key } = await newKey('Real');
    const forged = `pck_${randomBytes(32).toString('base64url')}`;
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    for (const attempt of [forged, key.slice(0, -1) + last, key.slice(0, -1), `${key}A`]) {
      const res = await onOther(attempt, { 'Accept-Language': 'ru-RU' });
      expect(res.status, attempt).to.equal(401);
      expect(res.body.title).to.match(/ключ API недействителен/);
    }
    expect((await onOther(key)).status).to.equal(200);
  });

  it('refuses a key whose plain SHA-256 is what is stored: the hash must be keyed', async () => {
    const planted = `pck_${randomBytes(32).toString('base64url')}`;
    await w.collection('api_keys').insertOne({
      secretHash: createHash('sha256').update(planted).digest('hex'),
      partnerRef: w.reseller.id,
      tenantId: cast.reseller.tenantId,
      name: 'Planted',
      scope: 'read-write',
      createdAt: new Date(),
      createdBy: { aadObjectId: cast.reseller.aadObjectId },
    });
    expect((await onOther(planted)).status).to.equal(401);
    expect((await w.call('GET', '/me', { token: planted })).status).to.equal(401);
  });

  it('revokes once when two processes revoke the same key at once', async () => {
    const { id } = await newKey('Raced');
    const token = await w.tokenOf(cast.reseller);
    const del = (base: string) =>
      fetch(`${base}/api/v1/api-keys/${id}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const [a, b] = await Promise.all([del(w.app.url), del(other.url)]);
    expect([a.status, b.status]).to.deep.equal([200, 200]);
    expect(a.body.revokedAt).to.equal(b.body.revokedAt);
    expect(await w.collection('api_keys').countDocuments({ name: 'Raced' })).to.equal(1);
  });
});
