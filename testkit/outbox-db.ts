import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../logging/logger.js';
import { MongoNotificationOutbox } from '../models/notifications/notification.repository.js';

/** A fresh embedded database and an outbox on it; `stop` removes everything. */
export async function startOutboxDb() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-notify-'));
  const server = await startEmbeddedMongo({ dataDir, logger: testLogger() });
  const conn = mongoose.createConnection(server.uri);
  await conn.asPromise();
  const outbox = new MongoNotificationOutbox(conn);
  await outbox.init();
  return {
    conn,
    outbox,
    dataDir,
    uri: server.uri,
    async stop() {
      await conn.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
