import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config/config.js';
import { moduleLogger, type Logger } from '../logging/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
// Registers the turn memo's forget-on-write plugin before any model is compiled on a connection.
import './turn-memo.js';

/** One open database: its own mongoose connection (never the global one) and how to close it. */
export interface DatabaseHandle {
  readonly connection: mongoose.Connection;
  /** The URI in use, credentials removed: safe to log or show. */
  readonly uri: string;
  /** True on the embedded database: started for this process, or in its own (`embeddedUri`). */
  readonly embedded: boolean;
  /**
   * Other bot processes may use this database at once (MONGODB_URI, or the embedded database's
   * own process under `npm start`): what must happen once is guarded in it, not in memory.
   */
  readonly shared: boolean;
  /** Resolves when the server answers `ping`; rejects otherwise. */
  ping(): Promise<void>;
  /** Closes the connection, then stops the embedded server if one was started. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** How long the driver looks for a server before an operation fails (driver default 30 s). */
  readonly serverSelectionTimeoutMS?: number;
  /** The driver emits `commandStarted`/`commandSucceeded` (the bench counts commands per turn). */
  readonly monitorCommands?: boolean;
  /**
   * How soon the driver may look at a server again after a failure (driver default 500 ms):
   * tests that cut the connection a hundred times set it low so each recovery is quick.
   */
  readonly minHeartbeatFrequencyMS?: number;
  /**
   * The embedded database already runs in a process of its own (`npm start`'s, server/): its
   * URI, connected to instead of starting one here. Ignored with MONGODB_URI.
   */
  readonly embeddedUri?: string;
}

/** Folder under DATA_DIR holding the embedded database's files (mail and others live beside it). */
export const EMBEDDED_DB_FOLDER = 'db';

/** Where the embedded database of this configuration keeps its files: `DATA_DIR/db`. */
export function embeddedDataDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, EMBEDDED_DB_FOLDER);
}

/** Database name used on the embedded server. */
export const EMBEDDED_DB_NAME = 'partner-connect';

/** `mongodb://user:secret@host/db` -> `mongodb://***@host/db`, so URIs can be logged. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1***@');
}

/**
 * Connects to MONGODB_URI, or starts the embedded server in DATA_DIR when it is unset.
 * Models are registered per connection by each `*.schema.ts`.
 */
export async function connectDatabase(
  config: Config,
  logger: Logger,
  options: ConnectOptions = {}
): Promise<DatabaseHandle> {
  const log = moduleLogger(logger, 'db');
  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongodbUri;
  const elsewhere = !uri && options.embeddedUri !== undefined;
  if (!uri && options.embeddedUri !== undefined) {
    uri = options.embeddedUri;
    log.info({ uri: redactUri(uri) }, 'MONGODB_URI unset: using the embedded database process');
  } else if (!uri) {
    const dataDir = embeddedDataDir(config);
    embedded = await startEmbeddedMongo({ dataDir, logger: log });
    // Its Unix socket where there is one: each query costs the bot far less CPU than over TCP.
    uri = embedded.localUri ?? embedded.uri;
    log.info({ uri: redactUri(uri), dataDir }, 'MONGODB_URI unset: using the embedded database');
  } else {
    log.info({ uri: redactUri(uri) }, 'using MongoDB from MONGODB_URI');
  }

  const connection = mongoose.createConnection(uri, {
    // The embedded URI names no database; an external MONGODB_URI chooses its own.
    dbName: embedded || elsewhere ? EMBEDDED_DB_NAME : undefined,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS,
    ...(options.minHeartbeatFrequencyMS !== undefined
      ? { minHeartbeatFrequencyMS: options.minHeartbeatFrequencyMS }
      : {}),
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }

  let closed = false;
  return {
    connection,
    uri: redactUri(uri),
    embedded: embedded !== undefined || elsewhere,
    shared: embedded === undefined,
    async ping() {
      const db = connection.db;
      if (!db) throw new Error('database connection is not open');
      // Not gated on mongoose's readyState: after an outage that stays "disconnected" until the
      // driver's next heartbeat (10 s), while a command's server selection reconnects at once.
      // The health route's own timeout bounds the wait while the database is really down.
      await db.command({ ping: 1 });
    },
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
      await embedded?.stop();
      log.info('database closed');
    },
  };
}
