import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { calculateObjectSize } from 'bson';
import { DataStore } from '../../src/storage/data-store.js';
import type { Benchmark } from '../bench-types.js';
import { fmt, seedPartners, startBenchServer } from '../support/bench-data.js';

const DOCS = 100_000;

const MEASURE = fileURLToPath(new URL('../support/measure-start.ts', import.meta.url));

/** Starts the server on `dataDir` in a fresh process, as a restart does: time and memory held. */
async function measureStart(dataDir: string): Promise<{ ms: number; bytes: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', MEASURE, dataDir],
    { cwd: process.cwd() }
  );
  const { ms, heldBytes } = JSON.parse(stdout) as { ms: number; heldBytes: number };
  return { ms, bytes: heldBytes };
}

/** Recovery time and memory held for 100,000 documents, from the journal and from a snapshot. */
export const recovery: Benchmark = {
  id: 'recovery',
  title: `Recovery of ${fmt(DOCS)} documents and the memory they hold`,
  async run(ctx) {
    const dataDir = path.join(ctx.tempDir('recovery'), 'data');
    ctx.progress(`seeding ${fmt(DOCS)} documents`);
    const bench = await startBenchServer(dataDir, ctx.logger);
    let bsonBytes = 0;
    try {
      const docs = await seedPartners(bench.server.uri, 'partners', 0, DOCS);
      for (const d of docs) bsonBytes += calculateObjectSize(d);
    } finally {
      await bench.close();
    }

    ctx.progress('restarting from the journal');
    const fromJournal = await measureStart(dataDir);

    ctx.progress('compacting into a snapshot, restarting from it');
    const store = await DataStore.open(dataDir, { logger: ctx.logger });
    const state = store.takeRecovered();
    store.setSnapshotSource(() => state);
    await store.compact();
    await store.close();
    const fromSnapshot = await measureStart(dataDir);

    const slowest = Math.max(fromJournal.ms, fromSnapshot.ms);
    const most = Math.max(fromJournal.bytes, fromSnapshot.bytes);
    const mib = (b: number) => `${fmt(b / 1024 / 1024, 1)} MiB`;
    return {
      measurements: [
        ['BSON size of the documents', mib(bsonBytes)],
        ['server start, replaying the journal', `${fmt(fromJournal.ms)} ms`],
        ['server start, loading a snapshot', `${fmt(fromSnapshot.ms)} ms`],
        [
          'memory held after start (journal)',
          `${mib(fromJournal.bytes)} (${fmt(fromJournal.bytes / bsonBytes, 2)}x BSON)`,
        ],
        [
          'memory held after start (snapshot)',
          `${mib(fromSnapshot.bytes)} (${fmt(fromSnapshot.bytes / bsonBytes, 2)}x BSON)`,
        ],
      ],
      targets: [
        {
          name: `recovery of ${fmt(DOCS)} documents (slower of journal/snapshot)`,
          measured: `${fmt(slowest / 1000, 2)} s`,
          target: '< 3 s',
          pass: slowest < 3000,
        },
        {
          name: 'memory held ÷ BSON size of the data',
          measured: `${fmt(most / bsonBytes, 2)}x`,
          target: '< 3x',
          pass: most / bsonBytes < 3,
        },
      ],
      notes: [
        'Each start runs in a fresh process, as a restart does. ' +
          'Memory held = heapUsed + external after a full GC (`--expose-gc`), minus the same before ' +
          'the server started; Node counts arrayBuffers inside external. The collection has the ' +
          '`_id` index and a unique index on `email`.',
      ],
    };
  },
};
