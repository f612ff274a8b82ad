import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../logging/logger.js';

/** Commands of the driver's own housekeeping (monitoring, handshakes), not of the bot's work. */
const HOUSEKEEPING = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'endSessions',
  'buildInfo',
  'buildinfo',
  'saslStart',
  'saslContinue',
]);

/**
 * The first key of an OP_MSG's body (the command name), or undefined for other messages.
 * Layout: 16-byte header (opCode at 12), flagBits, section kind 0, then the BSON body whose
 * first element is type byte + cstring name.
 */
function commandName(message: Buffer): string | undefined {
  if (message.length < 27 || message.readInt32LE(12) !== 2013) return undefined;
  if (message[20] !== 0) return undefined;
  const start = 26;
  const end = message.indexOf(0, start);
  return end > start ? message.toString('utf8', start, end) : undefined;
}

/**
 * The collection an OP_MSG command names (`insert: "memberships"`): its first element's value
 * when that is a string (BSON type 0x02: int32 length, then the characters and a NUL).
 */
function collectionName(message: Buffer): string | undefined {
  if (message.length < 27 || message.readInt32LE(12) !== 2013 || message[25] !== 0x02) return;
  const end = message.indexOf(0, 26);
  if (end < 0 || end + 5 > message.length) return undefined;
  const length = message.readInt32LE(end + 1);
  return message.toString('utf8', end + 5, end + 4 + length);
}

/** Which commands a cut counts: all of the bot's, or only one command on one collection. */
export interface CutMatch {
  readonly command: string;
  readonly collection: string;
}

/**
 * A TCP proxy in front of a MongoDB server that a test can break the way networks break:
 * `refuse()` stops listening (new connections get ECONNREFUSED) and drops the open ones;
 * `cutAfter(n)` lets the bot's next n - 1 commands through and drops every connection on the
 * n-th: lost on its way, or run by the server with the reply lost, so the client cannot know
 * whether that command ran (the ambiguous case a crash-safe write path has to survive).
 */
export class DbProxy {
  private server?: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private cut?: {
    remaining: number;
    lose: 'request' | 'reply';
    only?: CutMatch;
    done: () => void;
  };
  /** Names of the bot's commands seen since the last {@link resetCount}. */
  readonly commands: string[] = [];

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number
  ) {}

  /** Starts a proxy to `targetUri` (a mongodb://host:port URI) on a free port. */
  static async start(targetUri: string): Promise<DbProxy> {
    const { hostname, port } = new URL(targetUri.replace(/^mongodb:/, 'http:'));
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new DbProxy({ host: hostname, port: Number(port) }, free);
    await proxy.accept();
    return proxy;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/?directConnection=true`;
  }

  /** Listens (again) on its port: the database is reachable. */
  async accept(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and drops every open connection: the socket refuses. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Arms the cut: on the n-th command of the bot from now on every connection is dropped, the
   * command lost on its way (`request`) or run by the server with its reply lost (`reply`, the
   * default). Resolves once the cut happened.
   */
  cutAfter(n: number, lose: 'request' | 'reply' = 'reply'): Promise<void> {
    return new Promise<void>((done) => (this.cut = { remaining: n, lose, done }));
  }

  /**
   * Like {@link cutAfter}, counting only `only.command` on `only.collection` (the first insert
   * into `memberships`): a cut between two named writes that the other traffic on the
   * connection (the delivery worker's polls) cannot move.
   */
  cutAt(only: CutMatch, lose: 'request' | 'reply' = 'reply', n = 1): Promise<void> {
    return new Promise<void>((done) => (this.cut = { remaining: n, lose, only, done }));
  }

  /** Disarms a cut that has not happened yet. */
  disarm(): void {
    this.cut = undefined;
  }

  resetCount(): void {
    this.commands.length = 0;
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    let pending = Buffer.alloc(0);
    let dropReplies = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const name = commandName(message);
        const counted = name !== undefined && !HOUSEKEEPING.has(name);
        if (counted) this.commands.push(name);
        const only = this.cut?.only;
        const matches =
          !only || (name === only.command && collectionName(message) === only.collection);
        if (counted && this.cut && matches && --this.cut.remaining === 0) {
          const { done, lose } = this.cut;
          this.cut = undefined;
          dropReplies = true;
          if (lose === 'request') {
            this.dropAll();
            done();
            return;
          }
          upstream.write(message);
          // Long enough for the server to run the command, never long enough for its reply to land.
          setTimeout(() => {
            this.dropAll();
            done();
          }, 50);
          return;
        }
        upstream.write(message);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!dropReplies) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  }
}

/**
 * An embedded database in a temporary folder that the bot reaches only through a DbProxy: point
 * MONGODB_URI at `proxy.uri` and break the network with the proxy. `stop` removes it all.
 */
export async function startProxiedDatabase(): Promise<{
  proxy: DbProxy;
  stop(): Promise<void>;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cut-'));
  // TCP, asked for: the proxy forwards to a port.
  const mongo = await startEmbeddedMongo({
    dataDir: dir,
    logger: testLogger(),
    localSocket: false,
    port: 0,
  });
  const proxy = await DbProxy.start(mongo.uri);
  return {
    proxy,
    async stop() {
      await proxy.close();
      await mongo.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
