import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo } from '../../src/start.js';
import {
  deploymentOf,
  standaloneOnly,
  type CompatTarget,
  type Deployment,
} from './compat-harness.js';

/** Just enough of a mocha context to see whether, and how, a test was skipped. */
function fakeContext(): { ctx: Mocha.Context; test: { title: string }; skipped: () => boolean } {
  const test = { title: 'refuses change streams' };
  let skipped = false;
  const ctx = {
    test,
    skip() {
      skipped = true;
      throw new Error('skipped');
    },
  } as unknown as Mocha.Context;
  return { ctx, test, skipped: () => skipped };
}

const targetOf = (deployment: Deployment) => ({ deployment }) as CompatTarget;

describe('compat harness: deployment-specific expectations', () => {
  it('tells a standalone, a replica set member and a mongos apart from hello', () => {
    expect(deploymentOf({ isWritablePrimary: true, maxWireVersion: 21 })).to.equal('standalone');
    expect(deploymentOf({ isWritablePrimary: true, setName: 'rs0' })).to.equal('replica set');
    expect(deploymentOf({ isWritablePrimary: true, msg: 'isdbgrid' })).to.equal('mongos');
  });

  it('skips standalone-only tests on a replica set or mongos, naming the reason', () => {
    for (const deployment of ['replica set', 'mongos'] as const) {
      const { ctx, test, skipped } = fakeContext();
      expect(() => standaloneOnly(ctx, targetOf(deployment))).to.throw('skipped');
      expect(skipped()).to.equal(true);
      expect(test.title).to.equal(
        `refuses change streams (skipped: the target is a ${deployment})`
      );
    }
  });

  it('keeps standalone-only tests on a standalone', () => {
    const { ctx, test, skipped } = fakeContext();
    standaloneOnly(ctx, targetOf('standalone'));
    expect(skipped()).to.equal(false);
    expect(test.title).to.equal('refuses change streams');
  });

  it('sees the embedded server as a standalone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-harness-'));
    const server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    const client = await MongoClient.connect(server.uri);
    try {
      expect(deploymentOf(await client.db('admin').command({ hello: 1 }))).to.equal('standalone');
    } finally {
      await client.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
