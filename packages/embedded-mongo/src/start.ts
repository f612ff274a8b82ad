import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'bson';
import { createLogger, moduleLogger, type Logger } from './logger.js';
import type { CommandContext, ServerFacts } from './commands/command-context.js';
import { dispatchCommand } from './commands/dispatch.js';
import { MongoCommandError } from './errors.js';
import { Catalog } from './engine/catalog.js';
import { CursorRegistry } from './engine/cursors.js';
import { TtlMonitor } from './engine/ttl-monitor.js';
import { WireServer } from './server.js';
import { DataStore, type DataStoreOptions } from './storage/data-store.js';
import type { WireRequest } from './wire/wire-message.js';

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /** Folder holding the journal, snapshots and lock file (created if missing). */
  dataDir: string;
  /**
   * TCP port (0: any free one), for clients that cannot use the Unix socket (mongosh or Compass
   * on another account, a proxy). Unset: no TCP, since anyone on the machine who reaches a TCP
   * port can read and write everything; except where there is no socket to serve on (Windows,
   * `localSocket: false`, a socket that cannot be made), then a free port on 127.0.0.1, warned.
   */
  port?: number;
  /** Interface the TCP port listens on; 127.0.0.1 by default. */
  host?: string;
  logger?: Logger;
  /** Journal size that triggers a snapshot (store default when unset; tests make it small). */
  compactAfterBytes?: number;
  /** How often expired TTL documents are swept (default 1000 ms; mongod uses 60 s). */
  ttlIntervalMs?: number;
  /**
   * Also listen on a Unix domain socket (default true, except on Windows): `localUri` then
   * reaches the server from this machine more cheaply than TCP. A path chooses where; otherwise
   * `<dataDir>/mongod.sock`, or a name in the temp folder when that path is too long for a socket.
   */
  localSocket?: boolean | string;
  /** Test hooks on the journal's fdatasync (observe or slow it down). */
  storageHooks?: Pick<DataStoreOptions, 'onDatasync' | 'datasync' | 'activeWriters'>;
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /**
   * How to reach it: `mongodb://host:port/?directConnection=true` when it listens on TCP, else
   * its Unix socket (`localUri`).
   */
  uri: string;
  /** The same server through its Unix domain socket (unset on Windows or when turned off). */
  localUri?: string;
  /** The TCP port; unset when it listens on its Unix socket only. */
  port?: number;
  /**
   * Durable commits and fdatasyncs so far (how well group commit is sharing them), and how many
   * frames waited for other writers' records first.
   */
  stats(): { commits: number; datasyncs: number; delayedFrames: number };
  /** Stops accepting connections, closes open ones and the data store (releasing the lock). */
  stop(): Promise<void>;
}

/**
 * Starts the in-process MongoDB-wire-compatible server over the data in `dataDir`: the
 * official driver and mongoose connect to the returned URI unmodified.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const logger = moduleLogger(options.logger ?? createLogger(), 'embedded-mongo');
  const host = options.host ?? '127.0.0.1';
  let wire: WireServer | undefined;
  const store = await DataStore.open(options.dataDir, {
    logger,
    compactAfterBytes: options.compactAfterBytes,
    // Group commit waits for more records only while other connections are writing too.
    activeWriters: () => wire?.recentlyActive() ?? 0,
    ...options.storageHooks,
  });
  const catalog = new Catalog(store);
  try {
    catalog.loadRecovered(store.takeRecoveredBson());
  } catch (err) {
    await store.close();
    throw err;
  }
  const cursors = new CursorRegistry();
  const facts: ServerFacts = {
    startedAt: new Date(),
    host,
    port: 0,
    currentConnections: () => wire?.connections ?? 0,
    totalConnections: () => wire?.totalConnections ?? 0,
  };
  let reportedFailure = false;
  const handle = (req: WireRequest, connectionId: number): Promise<Document> => {
    if (store.failure && !HANDSHAKE.has(Object.keys(req.command)[0] ?? '')) {
      // Memory may hold a write whose journal record failed: no reader may see it, no writer
      // build on it. Restarting replays the journal, which holds exactly what was acknowledged.
      if (!reportedFailure) {
        reportedFailure = true;
        logger.fatal(
          { err: store.failure },
          'journal failed: refusing every command until restart'
        );
      }
      return Promise.resolve(journalFailedReply(store.failure));
    }
    const ctx: CommandContext = {
      db: commandDb(req),
      catalog,
      cursors,
      server: facts,
      connectionId,
      logger,
    };
    return dispatchCommand(req.command, ctx);
  };
  wire = new WireServer(handle, logger);
  let port: number | undefined;
  let socketPath: string | undefined;
  try {
    socketPath = await listenLocal(wire, options, logger);
    let tcpPort = options.port;
    if (tcpPort === undefined && !socketPath) {
      logger.warn(
        { host },
        'no Unix socket to serve on: listening on TCP, where any local process can connect'
      );
      tcpPort = 0;
    }
    if (tcpPort !== undefined) port = await wire.listen(tcpPort, host);
  } catch (err) {
    await wire.close();
    await store.close();
    throw err;
  }
  facts.port = port ?? 0;
  const ttl = new TtlMonitor(catalog, logger, options.ttlIntervalMs ?? 1000);
  ttl.start();
  const reaper = setInterval(() => cursors.reapIdle(), 60_000);
  reaper.unref();
  const localUri = socketPath
    ? `mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`
    : undefined;
  const uri =
    port !== undefined ? `mongodb://${uriHost(host)}:${port}/?directConnection=true` : localUri!;
  logger.info(
    { uri, localUri, dataDir: options.dataDir },
    'embedded MongoDB-compatible server listening'
  );

  let stopping: Promise<void> | undefined;
  return {
    uri,
    ...(localUri ? { localUri } : {}),
    ...(port !== undefined ? { port } : {}),
    stats: () => {
      const { commits, datasyncs, delayedFrames } = store.stats();
      return { commits, datasyncs, delayedFrames };
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(reaper);
        await ttl.stop();
        await wire.close();
        cursors.clear();
        await store.close();
        logger.info('embedded server stopped');
      })();
      return stopping;
    },
  };
}

/** Answered even after a journal failure, so clients connect and then see why commands fail. */
const HANDSHAKE = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'buildInfo',
  'buildinfo',
  'endSessions',
]);

function journalFailedReply(failure: Error): Document {
  const err = new MongoCommandError(
    1,
    'InternalError',
    `The embedded database stopped after a failed journal write (${failure.message}); ` +
      'restart the process: recovery replays every acknowledged write from the journal'
  );
  return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName };
}

/** Longest socket path Linux and macOS accept (sun_path is 108 and 104 bytes with the NUL). */
const MAX_SOCKET_PATH = 100;

/**
 * Listens on the Unix socket the options ask for and returns its path: `localSocket` when it is
 * a path; else `<dataDir>/mongod.sock`, or a name in the temp folder when that path is too long
 * or the folder cannot hold a socket (network and Windows-host mounts, Azure App Service's
 * /home). Undefined when there is none (Windows, `localSocket: false`, no place would take it).
 */
async function listenLocal(
  wire: WireServer,
  options: EmbeddedMongoOptions,
  logger: Logger
): Promise<string | undefined> {
  if (options.localSocket === false || process.platform === 'win32') return undefined;
  const dataDir = path.resolve(options.dataDir);
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  // The driver takes a host ending in .sock as a socket path.
  const inTemp = path.join(os.tmpdir(), `embedded-mongo-${id}.sock`);
  const inDataDir = path.join(dataDir, 'mongod.sock');
  const candidates =
    typeof options.localSocket === 'string'
      ? [options.localSocket]
      : Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH
        ? [inDataDir, inTemp]
        : [inTemp];
  for (const socketPath of candidates) {
    try {
      await wire.listenLocal(socketPath);
      return socketPath;
    } catch (err) {
      logger.warn({ err, socketPath }, 'cannot listen on a Unix socket there');
    }
  }
  return undefined;
}

/** An IPv6 address goes in brackets in a URI. */
function uriHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function commandDb(req: WireRequest): string {
  if (typeof req.command.$db === 'string') return req.command.$db;
  const name = req.fullCollectionName ?? 'admin.$cmd';
  return name.slice(0, name.indexOf('.')) || 'admin';
}
