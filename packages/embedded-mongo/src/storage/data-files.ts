import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Names of the files in a data folder; `N` orders journals and snapshots. */
export const journalName = (seq: number): string => `journal.${seq}`;
export const snapshotName = (seq: number): string => `snapshot.${seq}`;
export const TEMP_SUFFIX = '.tmp';

/** The journals, snapshots and leftover temp files found in a data folder. */
export interface DataFiles {
  journals: number[];
  snapshots: number[];
  temps: string[];
}

export async function listDataFiles(dir: string): Promise<DataFiles> {
  const files: DataFiles = { journals: [], snapshots: [], temps: [] };
  for (const name of await readdir(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) {
      if (name.startsWith('snapshot.') || name.startsWith('journal.')) files.temps.push(name);
      continue;
    }
    const m = /^(journal|snapshot)\.(\d+)$/.exec(name);
    if (!m) continue;
    (m[1] === 'journal' ? files.journals : files.snapshots).push(Number(m[2]));
  }
  files.journals.sort((a, b) => a - b);
  files.snapshots.sort((a, b) => a - b);
  return files;
}

/** Makes renames, creations and deletions in `dir` durable (they live in the directory entry). */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals its metadata itself.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems (and some network mounts) refuse fsync on a directory: nothing to add.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  } finally {
    await fh.close();
  }
}

export const pathOf = (dir: string, name: string): string => join(dir, name);
