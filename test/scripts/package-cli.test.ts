import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);

/** `npm run package` as a CI pipeline runs it: a fresh environment, no .env, no secrets. */
async function packageCli(env: Record<string, string>) {
  // Run from a folder with no .env, so only `env` configures it (tsx resolved from the repo).
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-package-'));
  try {
    const script = path.resolve('scripts/package-manifest.ts');
    const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;
    const { stdout, stderr } = await run(process.execPath, ['--import', tsx, script], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (e.stderr === undefined) throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('npm run package', function () {
  this.timeout(90_000);

  it('builds the app package from the app id and public URL alone, without a password', async () => {
    const res = await packageCli({
      MicrosoftAppId: 'a1b2c3d4-0000-4000-8000-00000000c0de',
      PUBLIC_BASE_URL: 'https://bot.contoso.example',
    });
    expect(res.stderr).to.equal('');
    expect(res.code).to.equal(0);
    expect(res.stdout).to.include('partner-connect.zip').and.include('a1b2c3d4-0000');
  });

  it('names every configuration problem in one message, with no stack trace', async () => {
    const res = await packageCli({
      MicrosoftAppId: 'not-a-guid',
      PUBLIC_BASE_URL: 'http://bot.contoso.example',
    });
    expect(res.code).to.equal(1);
    expect(res.stderr).to.include('Invalid configuration').and.include('MicrosoftAppId');
    expect(res.stderr).to.not.match(/\n\s+at /);
  });
});
