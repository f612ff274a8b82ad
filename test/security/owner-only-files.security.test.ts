import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { NodemailerMailService } from '../../notifications/mail.service.js';
import { testLogger } from '../../logging/logger.js';
import { startTestApp } from '../helpers/test-app.js';
import { personas } from '../helpers/personas.js';

/** Every folder and file under `root` with its permission bits. */
function modes(root: string): { file: string; dir: boolean; mode: number }[] {
  const out: { file: string; dir: boolean; mode: number }[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSocket()) return;
    out.push({ file: path.relative(root, p) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(root);
  return out;
}

describe('rule: files the bot creates under DATA_DIR are owner-only (0700 folders, 0600 files)', function () {
  this.timeout(30_000);
  let dir: string;
  let oldMask: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-modes-'));
    // A permissive umask as on many servers: the modes must come from the bot, not the umask.
    oldMask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(oldMask);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes .eml files and their folder owner-only', async () => {
    const mail = new NodemailerMailService(
      { mailFrom: 'bot@partner-connect.local', dataDir: dir },
      testLogger()
    );
    await mail.send({
      to: 'a@b.example',
      templateKey: 'verificationCode',
      language: 'en',
      values: { code: '123456' },
    });
    const found = modes(path.join(dir, 'mail'));
    expect(found.some((f) => f.file.endsWith('.eml'))).to.equal(true);
    for (const f of found) expect(f.mode, f.file).to.equal(f.dir ? 0o700 : 0o600);
  });

  it('keeps the embedded database folder, journal and lock owner-only', async () => {
    const dataDir = path.join(dir, 'data');
    const app = await startTestApp({}, { dataDir });
    try {
      await app.post(app.teams.message(personas.reseller, 'help'));
    } finally {
      await app.stop();
    }
    const found = modes(path.join(dataDir, 'db'));
    expect(found.filter((f) => !f.dir)).to.not.be.empty;
    for (const f of found) expect(f.mode, f.file).to.equal(f.dir ? 0o700 : 0o600);
  });

  it('tightens the folders an older version left world-readable (0755) to 0700 on start', async () => {
    const dataDir = path.join(dir, 'data');
    for (const sub of ['db', 'mail'])
      fs.mkdirSync(path.join(dataDir, sub), { recursive: true, mode: 0o755 });
    const oldMail = path.join(dataDir, 'mail', 'old.eml');
    fs.writeFileSync(oldMail, 'To: a@b.example\n', { mode: 0o644 });
    const app = await startTestApp({}, { dataDir });
    try {
      await app.post(app.teams.message(personas.reseller, 'help'));
    } finally {
      await app.stop();
    }
    const mail = new NodemailerMailService(
      { mailFrom: 'bot@partner-connect.local', dataDir },
      testLogger()
    );
    await mail.send({
      to: 'a@b.example',
      templateKey: 'verificationCode',
      language: 'en',
      values: { code: '123456' },
    });
    for (const sub of ['db', 'mail']) {
      expect(fs.statSync(path.join(dataDir, sub)).mode & 0o777, sub).to.equal(0o700);
    }
  });
});
