import os from 'node:os';
import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { MAX_BSON_SIZE } from '../engine/collection.js';
import type { CommandContext, CommandHandler } from './command-context.js';

/** The MongoDB release this server answers as (wire version 21 = 7.0). */
export const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;

function hello(legacyName: boolean): CommandHandler {
  return (cmd: Document, ctx: CommandContext) => {
    const reply: Document = {};
    if (cmd.helloOk === true) reply.helloOk = true;
    if (legacyName) reply.ismaster = true;
    else reply.isWritablePrimary = true;
    Object.assign(reply, {
      maxBsonObjectSize: MAX_BSON_SIZE,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: ctx.connectionId,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
    });
    return reply;
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['embedded'],
    openssl: { running: 'disabled' },
  };
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  maxBSONDepth: 100,
  cursorTimeoutMillis: 600_000,
};

function getParameter(cmd: Document): Document {
  if (
    cmd.getParameter === '*' ||
    (typeof cmd.getParameter === 'object' && cmd.getParameter?.allParameters)
  ) {
    return { ...PARAMETERS };
  }
  const reply: Document = {};
  for (const key of Object.keys(cmd)) if (key in PARAMETERS) reply[key] = PARAMETERS[key];
  if (Object.keys(reply).length === 0) {
    throw Errors.invalidOptions('no option found to get');
  }
  return reply;
}

function serverStatus(_cmd: Document, ctx: CommandContext): Document {
  const uptimeMillis = Date.now() - ctx.server.startedAt.getTime();
  const mem = process.memoryUsage();
  return {
    host: `${os.hostname()}:${ctx.server.port}`,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: {
      current: ctx.server.currentConnections(),
      available: 1000,
      totalCreated: ctx.server.totalConnections(),
    },
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1048576),
      virtual: Math.round(mem.rss / 1048576),
      supported: true,
    },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    storageEngine: { name: 'embedded', supportsCommittedReads: false, persistent: true },
  };
}

/** hello, isMaster, ping, buildInfo, getParameter, serverStatus and other server-level commands. */
export const handshakeCommands: Record<string, CommandHandler> = {
  hello: hello(false),
  isMaster: hello(true),
  ismaster: hello(true),
  ping: () => ({}),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  serverStatus,
  hostInfo: () => ({
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      numCores: os.cpus().length,
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
  }),
  whatsmyuri: (_cmd, ctx) => ({ you: `127.0.0.1:${ctx.connectionId}` }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }),
  getCmdLineOpts: () => ({ argv: ['mongod'], parsed: {} }),
  getLog: () => ({ totalLinesWritten: 0, log: [] }),
  logout: () => ({}),
  endSessions: () => ({}),
  killSessions: () => ({}),
  killAllSessions: () => ({}),
  refreshSessions: () => ({}),
  startSession: () => ({}),
  getFreeMonitoringStatus: () => ({ state: 'disabled' }),
};
