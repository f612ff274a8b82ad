import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { FakeConnector } from '../../helpers/fake-connector.js';
import { postActivity, TeamsActivities, type TeamsPersona } from '../../helpers/teams-activity.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Node itself with tsx's loader (not the tsx CLI, which runs the app in a second process),
// so signals reach the app as they do under a process manager.
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

const patti: TeamsPersona = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  aadObjectId: '11111111-0000-0000-0000-000000000005',
  name: 'Patti Fernandez',
  email: 'pattif@contoso-reseller.example',
  locale: 'en-US',
};

interface Running {
  child: ChildProcess;
  lines: Record<string, any>[];
  output: () => string;
  exited: Promise<number | null>;
  waitForLine(
    predicate: (line: Record<string, any>) => boolean,
    timeoutMs?: number
  ): Promise<Record<string, any>>;
}

/** Runs `npm start`'s entry point in a child process, from `cwd` (where .env is read). */
function runIndex(cwd: string, env: Record<string, string>): Running {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL)/.test(k)
    )
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'index.ts')], {
    cwd,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const lines: Record<string, any>[] = [];
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const parts = text.split('\n');
    text = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ raw: part });
      }
    }
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    output: () => lines.map((l) => JSON.stringify(l)).join('\n') + text,
    waitForLine(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(predicate);
          if (line) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching log line; output:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`
            )
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

describe('index.ts (the process npm start runs)', function () {
  this.timeout(40_000);
  let dir: string;
  let running: Running | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-index-'));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads .env, serves, and on SIGTERM finishes the turn in flight, closes the database and exits 0', async () => {
    const dataDir = path.join(dir, 'data-from-dotenv');
    fs.writeFileSync(path.join(dir, '.env'), `DATA_DIR=${dataDir}\n`);
    const connector = await FakeConnector.start();
    try {
      running = runIndex(dir, { PORT: '0', LOG_LEVEL: 'info', MicrosoftAppId: '' });
      const listening = await running.waitForLine((l) => l.msg === 'listening');
      await running.waitForLine((l) => /UNAUTHENTICATED/.test(l.msg ?? ''));
      expect(fs.existsSync(dataDir), 'DATA_DIR from .env holds the embedded database').to.equal(
        true
      );
      const url = `http://127.0.0.1:${listening.port}`;
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);

      // Every reply of this turn takes 1.5 s, so SIGTERM arrives while it is in flight.
      connector.slow(1_500, { method: 'POST', times: Infinity });
      const teams = new TeamsActivities({ serviceUrl: connector.url });
      const turn = postActivity(url, teams.message(patti, 'help'));
      await connector.waitFor(() => true).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      running.child.kill('SIGTERM');

      const res = await turn.catch((err: Error) => {
        throw new Error(`${err.message}; output:\n${running!.output()}`);
      });
      expect(res.status).to.equal(200);
      expect(await running.exited).to.equal(0);
      expect(connector.calls.filter((c) => c.method === 'POST').length).to.be.greaterThan(0);
      const messages = running.lines.map((l) => l.msg);
      expect(messages).to.include('turn').and.include('database closed');
      expect(messages.indexOf('turn')).to.be.lessThan(messages.indexOf('database closed'));
    } finally {
      await connector.close();
    }
  });

  it('refuses a wrong configuration with one message naming every problem, and exits 1', async () => {
    running = runIndex(dir, { PORT: 'abc', LOG_LEVEL: 'loud', MicrosoftAppType: 'Nope' });
    expect(await running.exited).to.equal(1);
    const output = running.output();
    expect(output).to.include('PORT').and.include('LOG_LEVEL').and.include('MicrosoftAppType');
    expect(fs.existsSync(path.join(dir, 'data'))).to.equal(false);
  });
});
