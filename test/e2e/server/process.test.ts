import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { FakeConnector } from '../../helpers/fake-connector.js';
import { postActivity, TeamsActivities, type TeamsPersona } from '../../helpers/teams-activity.js';
import { runIndex, type Running } from './run-index.js';

const patti: TeamsPersona = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  aadObjectId: '11111111-0000-0000-0000-000000000005',
  name: 'Patti Fernandez',
  email: 'pattif@contoso-reseller.example',
  locale: 'en-US',
};

describe('index.ts (the process npm start runs)', function () {
  this.timeout(120_000);
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
      running = runIndex(dir, {
        PORT: '0',
        LOG_LEVEL: 'info',
        MicrosoftAppId: '',
        WEB_CONCURRENCY: '1',
      });
      const listening = await running.waitForLine((l) => l.msg === 'listening', 60_000);
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
