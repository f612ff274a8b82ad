import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runIndex, type Running } from '../e2e/server/run-index.js';

/** An address of this machine other than loopback, where a LAN neighbour would connect. */
const external = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** True when a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('rule: the unauthenticated bot listens on loopback only (the process npm start runs)', function () {
  this.timeout(120_000);
  let dir: string;
  let running: Running | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bind-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the bot with `env` and returns its `listening` line once it serves. */
  async function start(env: Record<string, string>) {
    running = runIndex(dir, {
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(dir, 'data'),
      ...env,
    });
    const line = await running.waitForLine((l) => l.msg === 'listening');
    expect(await reachable('127.0.0.1', line.port), 'served on loopback').to.equal(true);
    return { address: line.address as string, port: line.port as number };
  }

  it('without MicrosoftAppId binds 127.0.0.1: the machine’s other addresses are refused', async () => {
    const { address, port } = await start({ MicrosoftAppId: '' });
    expect(address).to.equal('127.0.0.1');
    if (external) expect(await reachable(external, port), `refused on ${external}`).to.equal(false);
  });

  it('without MicrosoftAppId binds every interface when HOST=0.0.0.0 asks for it', async () => {
    const { address, port } = await start({ MicrosoftAppId: '', HOST: '0.0.0.0' });
    expect(address).to.equal('0.0.0.0');
    if (external) expect(await reachable(external, port), `served on ${external}`).to.equal(true);
  });

  it('with MicrosoftAppId binds every interface, as before', async () => {
    const { address, port } = await start({
      MicrosoftAppId: '5b0c2f1e-0000-4000-8000-00000000b075',
      MicrosoftAppPassword: 'not-used-to-start',
    });
    expect(address).to.be.oneOf(['::', '0.0.0.0']);
    if (external) expect(await reachable(external, port), `served on ${external}`).to.equal(true);
  });
});
