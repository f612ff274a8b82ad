import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../../logging/logger.js';
import { createEnrollmentStores } from '../../../models/enrollment/enrollment-stores.js';
import { memoryStores, type StoreFactory } from '../../domain/enrollment/enrollment-world.js';
import { afterThisFile } from '../../helpers/root-hooks.js';

let server: Promise<{ db: EmbeddedMongo; dir: string }> | undefined;

/**
 * One embedded server for the test file in `--parallel` mode (the next file in this worker
 * process starts its own), for the whole run otherwise; a fresh database per test.
 */
function embedded() {
  if (!server) {
    const started = (async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroll-db-'));
      const db = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
      return { db, dir };
    })();
    server = started;
    afterThisFile(async () => {
      if (server === started) server = undefined;
      const { db, dir } = await started;
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  return server;
}

/** Stores on the embedded database: the real mongoose models, unique indexes and all. */
export const embeddedStores: StoreFactory = async () => {
  const { db } = await embedded();
  const conn = await mongoose
    .createConnection(db.uri, { dbName: `enroll-${randomUUID()}` })
    .asPromise();
  const stores = await createEnrollmentStores(conn);
  return {
    ...stores,
    async close() {
      await conn.dropDatabase();
      await conn.close();
    },
  };
};

/** The stores each service suite runs against: the in-memory fakes and the embedded database. */
export function storeFactories(): [string, StoreFactory][] {
  return [
    ['memory', memoryStores],
    ['embedded db', embeddedStores],
  ];
}
