import { open, readFile, realpath, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger.js';

/** Folders this process has open: a second open in the same process must fail too. */
const heldInThisProcess = new Set<string>();

interface LockOwner {
  pid: number;
  /** The owner's start time (Linux /proc), so a pid reused after a reboot is not mistaken for it. */
  started?: string;
}

/**
 * `mongod.lock` in the data folder, holding the owner's pid. A lock whose process is gone (a
 * crash) is stale and is taken over. Node has no portable flock, so two processes racing to take
 * over the same stale lock at the same instant is not fully excluded.
 */
export class LockFile {
  private constructor(
    private readonly dir: string,
    private readonly path: string
  ) {}

  static async acquire(dataDir: string, logger: Logger): Promise<LockFile> {
    // The real path, so a symlinked or relative spelling of the same folder is still one folder.
    const dir = await realpath(resolve(dataDir));
    const path = join(dir, 'mongod.lock');
    if (heldInThisProcess.has(dir)) throw inUse(dir, process.pid);
    const started = await startTimeOf(process.pid);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await tryCreate(path, { pid: process.pid, started })) {
        heldInThisProcess.add(dir);
        return new LockFile(dir, path);
      }
      const owner = await readOwner(path);
      if (owner === 'gone') continue;
      if (owner && (await isAlive(owner))) throw inUse(dir, owner.pid);
      logger.warn({ dataDir: dir, stalePid: owner?.pid }, 'taking over a stale lock file');
      await unlink(path).catch(ignoreMissing);
    }
    throw new Error(`Could not take the lock file ${path}; another process keeps changing it.`);
  }

  /** Removes the lock file if it is still ours. */
  async release(): Promise<void> {
    heldInThisProcess.delete(this.dir);
    const owner = await readOwner(this.path);
    if (owner !== 'gone' && owner?.pid === process.pid) {
      await unlink(this.path).catch(ignoreMissing);
    }
  }
}

function inUse(dir: string, pid: number): Error {
  return new Error(
    `Data folder ${dir} is already in use by process ${pid}. Stop it or use another DATA_DIR.`
  );
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(`${owner.pid}\n${owner.started ?? ''}\n`);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  return true;
}

/** The lock's owner; undefined if unreadable (a crash mid-write); 'gone' if the file is. */
async function readOwner(path: string): Promise<LockOwner | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const [pidLine, startedLine] = text.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, started: startedLine?.trim() || undefined };
}

/**
 * Whether the lock's owner still runs. Our own pid in a lock this process does not hold is a
 * previous run (containers reuse small pids); another pid counts only if it started when the
 * lock says, where the start time is known.
 */
async function isAlive(owner: LockOwner): Promise<boolean> {
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.started === undefined) return true;
  const started = await startTimeOf(owner.pid);
  return started === undefined || started === owner.started;
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), if known. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
