import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { createLogger } from '../../logging/logger.js';

/** A fresh embedded server over TCP in its own temp folder, with a client; `done()` removes both. */
export interface TestServer {
  server: EmbeddedMongo;
  client: MongoClient;
  dir: string;
  done(): Promise<void>;
}

export async function testServer(dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ops-db-'));
  const server = await startEmbeddedMongo({ dataDir: dir, logger: createLogger('silent') });
  const client = await MongoClient.connect(server.uri);
  return {
    server,
    client,
    dir,
    async done() {
      await client.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
