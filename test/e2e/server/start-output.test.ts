import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

interface Started {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * Starts `npm start`'s entry point as a child process with piped output (as under CI, a process
 * manager or `| tee`), waits until it listens, stops it with SIGTERM and returns what it wrote.
 */
async function startAndStop(): Promise<Started> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-'));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL|NODE_OPTIONS)/.test(k)
    )
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'index.ts')], {
    cwd: dir,
    env: {
      ...env,
      PORT: '0',
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      WEB_CONCURRENCY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`did not listen:\n${stdout}${stderr}`)),
        60_000
      );
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        if (stdout.includes('"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited before listening:\n${stdout}${stderr}`)));
    });
    // index.ts installs its signal handlers just after the server listens.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const code = await exited;
    return { stdout, stderr, code };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('what a start writes (npm start, output piped)', function () {
  this.timeout(120_000);
  let started: Started;
  before(async () => {
    started = await startAndStop();
  });

  it('prints no deprecation warning (restify no longer loads spdy and http-deceiver)', () => {
    expect(started.stderr).to.not.include('DeprecationWarning');
    expect(started.stderr).to.not.include('DEP0111');
    expect(started.code).to.equal(0);
  });

  it('writes its logs as JSON, one object a line, when stdout is not a terminal', () => {
    const lines = started.stdout.split('\n').filter(Boolean);
    expect(lines.length).to.be.greaterThan(2);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((l) => l.msg))
      .to.include('listening')
      .and.include('stopped');
    expect(
      parsed.every((l) => typeof l.level === 'number' && l.app === 'partner-connect')
    ).to.equal(true);
  });
});

/** util-linux `script`: runs a command with its output on a pseudo-terminal, as a person sees it. */
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('what a start shows a person at a terminal', function () {
  this.timeout(120_000);

  it('writes readable log lines, not JSON, when stdout is a terminal', async function () {
    if (!hasScript) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-tty-'));
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, '--import', tsxLoader, path.join(root, 'index.ts')]
      .map(quote)
      .join(' ');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL|NODE_OPTIONS)/.test(k)
      )
    );
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: {
        ...env,
        PORT: '0',
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'info',
        WEB_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let screen = '';
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line:\n${screen}`)), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          // Without colours and carriage returns: what the person reads.
          screen += c
            .toString('utf8')
            // eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
            .replace(/\x1b\[[0-9;]*m/g, '')
            .replace(/\r/g, '');
          if (/\] INFO: \[worker-\d+\] listening\n/.test(screen)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const lines = screen.split('\n').filter((l) => /^\[\d{2}:\d{2}:\d{2}\.\d{3}\]/.test(l));
    expect(
      lines.some((l) => /\] INFO: \[worker-\d+\] listening$/.test(l)),
      screen
    ).to.equal(true);
    expect(screen).to.not.match(/^\{"level"/m);
  });
});
