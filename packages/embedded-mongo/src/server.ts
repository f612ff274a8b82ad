import fs from 'node:fs';
import net from 'node:net';
import type { Document } from 'bson';
import type { Logger } from './logger.js';
import {
  decodeMessage,
  encodeOpMsg,
  encodeOpReply,
  HEADER_SIZE,
  type WireRequest,
} from './wire/wire-message.js';

/** Largest message accepted: maxMessageSizeBytes plus room for the header. */
const MAX_MESSAGE_BYTES = 48_000_000 + 16 * 1024;

/** Runs one decoded request for a connection and returns the reply document. */
export type RequestHandler = (req: WireRequest, connectionId: number) => Promise<Document>;

/**
 * The TCP side: frames MongoDB wire messages, runs each connection's requests one at a time
 * in arrival order, and writes OP_MSG (or, for the legacy handshake, OP_REPLY) answers.
 */
export class WireServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private local?: { server: net.Server; path: string };
  private nextConnectionId = 1;
  private total = 0;
  /** When each open connection last sent a message (performance.now()), for {@link recentlyActive}. */
  private readonly lastMessageAt = new Map<net.Socket, number>();

  constructor(
    private readonly handle: RequestHandler,
    private readonly logger: Logger
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  get connections(): number {
    return this.sockets.size;
  }

  get totalConnections(): number {
    return this.total;
  }

  /** Connections that sent a message in the last `windowMs`: the writers group commit waits for. */
  recentlyActive(windowMs = 10): number {
    const since = performance.now() - windowMs;
    let n = 0;
    for (const at of this.lastMessageAt.values()) if (at >= since) n++;
    return n;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Also accepts connections on a Unix domain socket at `socketPath` (owner-only), as mongod does
   * on /tmp/mongodb-27017.sock: for a client on the same machine it costs far less CPU per
   * round trip than loopback TCP, and only the data folder's owner can connect.
   */
  listenLocal(socketPath: string): Promise<void> {
    const local = net.createServer((socket) => this.accept(socket));
    // The caller holds the data folder's lock, so a socket file there is a crashed run's leftover.
    fs.rmSync(socketPath, { force: true });
    return new Promise((resolve, reject) => {
      local.once('error', reject);
      local.listen(socketPath, () => {
        local.off('error', reject);
        try {
          fs.chmodSync(socketPath, 0o600);
        } catch (err) {
          local.close();
          return reject(err as Error);
        }
        this.local = { server: local, path: socketPath };
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const servers = [this.server, ...(this.local ? [this.local.server] : [])];
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.sockets) s.destroy();
    await Promise.all(closed);
    if (this.local) fs.rmSync(this.local.path, { force: true });
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    this.total += 1;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let expected = 0;
    let queue = Promise.resolve();

    socket.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      for (;;) {
        if (expected === 0) {
          if (pendingBytes < 4) return;
          if (pending[0].length < 4) pending = [Buffer.concat(pending)];
          expected = pending[0].readInt32LE(0);
          if (expected < HEADER_SIZE || expected > MAX_MESSAGE_BYTES) {
            this.logger.warn(
              { connectionId, length: expected },
              'bad message length; closing connection'
            );
            socket.destroy();
            return;
          }
        }
        // Joined only once the whole message is here, so big messages are copied once.
        if (pendingBytes < expected) return;
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
        const message = all.subarray(0, expected);
        const rest = all.subarray(expected);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        expected = 0;
        this.lastMessageAt.set(socket, performance.now());
        queue = queue.then(() => this.process(socket, message, connectionId));
      }
    });
    socket.on('error', (err) => this.logger.debug({ err, connectionId }, 'connection error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.lastMessageAt.delete(socket);
    });
  }

  private async process(socket: net.Socket, message: Buffer, connectionId: number): Promise<void> {
    let req: WireRequest;
    try {
      req = decodeMessage(message);
    } catch (err) {
      this.logger.warn({ err, connectionId }, 'undecodable message; closing connection');
      socket.destroy();
      return;
    }
    let parts: Buffer[];
    try {
      const reply = await this.handle(req, connectionId);
      if (req.moreToCome || socket.destroyed) return;
      parts = req.legacy ? encodeOpReply(req.requestId, reply) : encodeOpMsg(req.requestId, reply);
    } catch (err) {
      this.logger.error({ err, connectionId }, 'request failed unexpectedly');
      if (req.moreToCome || socket.destroyed) return;
      const reply = { ok: 0, errmsg: (err as Error).message, code: 1, codeName: 'InternalError' };
      parts = req.legacy ? encodeOpReply(req.requestId, reply) : encodeOpMsg(req.requestId, reply);
    }
    socket.cork();
    for (const p of parts) socket.write(p);
    socket.uncork();
  }
}
