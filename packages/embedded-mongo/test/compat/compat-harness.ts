import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

/** What a compatibility test talks to: a connected driver and a database of its own. */
export interface CompatTarget {
  uri: string;
  client: MongoClient;
  db: Db;
  dbName: string;
  /** True against the embedded server (for waits that differ, never for expectations). */
  embedded: boolean;
  /** What `hello` says the target is; a few documented behaviours differ by deployment. */
  deployment: Deployment;
}

/** The kinds of deployment a compatibility target can be. */
export type Deployment = 'standalone' | 'replica set' | 'mongos';

/** Reads the deployment kind from a `hello` reply, as the driver's topology discovery does. */
export function deploymentOf(hello: Record<string, unknown>): Deployment {
  if (hello.msg === 'isdbgrid') return 'mongos';
  if (typeof hello.setName === 'string') return 'replica set';
  return 'standalone';
}

/**
 * Skips the running test visibly (the reason goes into its title) unless the target is a
 * standalone: the behaviour it checks (refused transactions, change streams) is a standalone's.
 */
export function standaloneOnly(ctx: Mocha.Context, target: CompatTarget): void {
  if (target.deployment === 'standalone') return;
  if (ctx.test) ctx.test.title += ` (skipped: the target is a ${target.deployment})`;
  ctx.skip();
}

/** A unique database name per run, so runs against a shared server never collide. */
export function uniqueDbName(prefix: string): string {
  return `compat_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function registerAgainst(
  label: string,
  name: string,
  start: () => Promise<{ uri: string; stop: () => Promise<void> }>,
  embedded: boolean,
  body: (target: () => CompatTarget) => void
): void {
  describe(`${name} [${label}]`, function () {
    let target: CompatTarget | undefined;
    let stop: (() => Promise<void>) | undefined;
    before(async function () {
      const started = await start();
      stop = started.stop;
      const client = await MongoClient.connect(started.uri, { serverSelectionTimeoutMS: 5000 });
      const dbName = uniqueDbName(name.replace(/\W+/g, '_').slice(0, 20));
      const deployment = deploymentOf(await client.db('admin').command({ hello: 1 }));
      target = { uri: started.uri, client, db: client.db(dbName), dbName, embedded, deployment };
    });
    after(async function () {
      if (target) {
        await target.db.dropDatabase().catch(() => undefined);
        await target.client.close();
      }
      await stop?.();
    });
    body(() => {
      if (!target) throw new Error('compat target not started');
      return target;
    });
  });
}

/**
 * Registers `body` against the embedded server, and against a real MongoDB at
 * MONGODB_TEST_URI when that is set (a visible pending test otherwise), so the suite proves
 * the embedded server behaves like the documented MongoDB behaviour the tests encode.
 */
export function describeCompat(name: string, body: (target: () => CompatTarget) => void): void {
  registerAgainst(
    'embedded',
    name,
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
      const server: EmbeddedMongo = await startEmbeddedMongo({
        dataDir: dir,
        logger: testLogger(),
        ttlIntervalMs: 200,
      });
      return {
        uri: server.uri,
        stop: async () => {
          await server.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    true,
    body
  );
  const external = process.env.MONGODB_TEST_URI;
  if (external) {
    registerAgainst(
      'MONGODB_TEST_URI',
      name,
      async () => ({ uri: external, stop: async () => undefined }),
      false,
      body
    );
  } else {
    describe(`${name} [MONGODB_TEST_URI]`, () => {
      it('against MONGODB_TEST_URI (skipped: MONGODB_TEST_URI not set)');
    });
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
