import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { EMBEDDED_DB_NAME, embeddedDataDir, redactUri } from '../models/connection.js';

/** A connected MongoDB to dump from or copy from, and how to let it go. */
export interface Source {
  readonly client: MongoClient;
  /** Where it is, credentials removed (for messages). */
  readonly where: string;
  /** The bot's own database: the embedded one's name, or the one a URI names. */
  readonly botDb: string;
  /** True when this is the embedded database of a bot that is running now (reached by its socket). */
  readonly live: boolean;
  close(): Promise<void>;
}

export interface SourceOptions {
  /** Any MongoDB URI; otherwise MONGODB_URI, otherwise the embedded database in DATA_DIR/db. */
  readonly uri?: string;
  /** The embedded database's folder, instead of DATA_DIR/db. */
  readonly dbpath?: string;
}

/**
 * Where the embedded server of `dataDir` listens on a Unix socket: the folder, or the temp
 * folder when that path is too long for a socket (the same rule as packages/embedded-mongo's
 * start.ts, which does not export it).
 */
export function embeddedSocketPath(dataDir: string): string {
  const inDataDir = path.join(path.resolve(dataDir), 'mongod.sock');
  if (Buffer.byteLength(inDataDir) <= 100) return inDataDir;
  return tempSocketPath(dataDir);
}

/** Where it listens when the folder cannot hold a socket (a network mount): the temp folder. */
function tempSocketPath(dataDir: string): string {
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `embedded-mongo-${id}.sock`);
}

/** The database a URI names, or undefined (the driver would then use `test`). */
export function uriDatabase(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/**
 * Opens the source the way the bot would: `--uri`, else MONGODB_URI, else the embedded folder.
 * A running bot holds that folder's lock, so we go through its Unix socket (the bot keeps
 * running); when no bot answers there we open the folder ourselves (on a private socket).
 */
export async function openSource(options: SourceOptions): Promise<Source> {
  let uri = options.uri;
  let dataDir = options.dbpath;
  if (!uri && !dataDir) {
    // Only what the database needs: no Bot Framework secret is required to back up the data.
    const config = loadConfig(process.env, { credentials: false });
    uri = config.mongodbUri;
    dataDir = embeddedDataDir(config);
  }
  if (uri) {
    const client = await MongoClient.connect(uri);
    return {
      client,
      where: redactUri(uri),
      botDb: uriDatabase(uri) ?? 'test',
      live: false,
      close: () => client.close(),
    };
  }
  for (const socket of new Set([embeddedSocketPath(dataDir!), tempSocketPath(dataDir!)])) {
    if (!fs.existsSync(socket)) continue;
    const socketUri = `mongodb://${encodeURIComponent(socket)}/?directConnection=true`;
    const client = new MongoClient(socketUri, { serverSelectionTimeoutMS: 2000 });
    try {
      await client.connect();
      return {
        client,
        where: `the running bot's embedded database (${socket})`,
        botDb: EMBEDDED_DB_NAME,
        live: true,
        close: () => client.close(),
      };
    } catch {
      // A socket file left by a crash: nobody listens, so the folder is free to open.
      await client.close().catch(() => undefined);
    }
  }
  // On a socket of its own in a private folder: none in the bot's folder for another command to
  // take for a running bot, and no TCP port any local process could reach meanwhile.
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-db-'));
  const removePrivateDir = () => fs.rmSync(privateDir, { recursive: true, force: true });
  let server: EmbeddedMongo;
  try {
    server = await startEmbeddedMongo({
      dataDir: dataDir!,
      localSocket: path.join(privateDir, 'mongod.sock'),
      // Its start and stop lines would only clutter the command's own output.
      logger: createLogger('warn'),
    });
  } catch (err) {
    removePrivateDir();
    throw err;
  }
  const client = await MongoClient.connect(server.uri).catch(async (err: unknown) => {
    await server.stop();
    removePrivateDir();
    throw err;
  });
  return {
    client,
    where: `the embedded database in ${dataDir}`,
    botDb: EMBEDDED_DB_NAME,
    live: false,
    async close() {
      await client.close();
      await server.stop();
      removePrivateDir();
    },
  };
}
