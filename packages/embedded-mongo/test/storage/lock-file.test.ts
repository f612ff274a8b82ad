import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { openStore, removeDirs, tempDir } from './storage-helpers.js';

async function openError(dir: string): Promise<Error | undefined> {
  try {
    const store = await openStore(dir);
    await store.close();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

const lockFile = (dir: string) => path.join(dir, 'mongod.lock');
const lockPid = (dir: string) => Number(fs.readFileSync(lockFile(dir), 'utf8').split('\n')[0]);
const inUse = (dir: string, pid: number) =>
  `Data folder ${dir} is already in use by process ${pid}. Stop it or use another DATA_DIR.`;

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
}

/** Start time of a process as /proc shows it (Linux), as the lock file records it. */
function startTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

describe('DataStore: lock file', () => {
  afterEach(removeDirs);

  it('holds mongod.lock with its pid while open and removes it on close', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    expect(lockPid(dir)).to.equal(process.pid);
    await store.close();
    expect(fs.existsSync(lockFile(dir))).to.equal(false);
  });

  it('refuses a second open of the same folder in this process, with a clear message', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    expect((await openError(dir + '/.'))?.message).to.equal(inUse(dir, process.pid));
    await store.close();
    expect(await openError(dir)).to.equal(undefined);
  });

  describe('with another process', () => {
    let other: ReturnType<typeof spawn>;
    beforeEach(() => {
      other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    });
    afterEach(() => other.kill('SIGKILL'));

    it('refuses a folder locked by another running process', async () => {
      const dir = tempDir();
      const content = `${other.pid}\n${process.platform === 'linux' ? startTime(other.pid!) : ''}\n`;
      fs.writeFileSync(lockFile(dir), content);
      expect((await openError(dir))?.message).to.equal(inUse(dir, other.pid!));
      expect(fs.readFileSync(lockFile(dir), 'utf8')).to.equal(content);
    });

    it('takes over a lock whose pid now belongs to a process started later (pid reuse)', async function () {
      if (process.platform !== 'linux') this.skip();
      const dir = tempDir();
      fs.writeFileSync(lockFile(dir), `${other.pid}\n1\n`);
      const store = await openStore(dir);
      expect(lockPid(dir)).to.equal(process.pid);
      await store.close();
    });
  });

  it('takes over a stale lock left by a dead process, or an empty one left mid-write', async () => {
    for (const content of [`${deadPid()}\n`, '']) {
      const dir = tempDir();
      fs.writeFileSync(lockFile(dir), content);
      const store = await openStore(dir);
      expect(lockPid(dir)).to.equal(process.pid);
      await store.close();
    }
  });
});
