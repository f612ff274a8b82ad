/**
 * Child process of the crash tests: starts the embedded server on the data folder given as
 * argv[2] (argv[3]: id prefix, argv[4]: optional compactAfterBytes) and writes under load through the official driver, printing one line per write AFTER
 * the server acknowledged it. The parent SIGKILLs this process mid-load.
 *   ACK <id>        insertOne of document <id> acknowledged
 *   SET <w> <n>     counter-<w> acknowledged with n = <n> (n only grows)
 *   DELETING <id>   about to send deleteOne of <id> (it may or may not happen)
 *   DEL <id>        deleteOne of <id> acknowledged
 * On Linux, writes to a pipe are synchronous, so a line printed before the kill reaches the parent.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/start.js';
import { testLogger } from '../../src/logger.js';
import { payloadFor } from './crash-data.js';

const WRITERS = 16;

async function main(): Promise<void> {
  const compactAfterBytes = process.argv[4] ? Number(process.argv[4]) : undefined;
  const server = await startEmbeddedMongo({
    dataDir: process.argv[2],
    logger: testLogger(),
    compactAfterBytes,
  });
  const client = await MongoClient.connect(server.uri, { maxPoolSize: WRITERS });
  const items = client
    .db('crash')
    .collection<{ _id: string; email: string; w: number; i: number; payload: string }>('items');
  const counters = client.db('crash').collection<{ _id: string; n: number }>('counters');
  await items.createIndex({ email: 1 }, { unique: true });
  const runId = process.argv[3] ?? 'r';
  process.stdout.write('READY\n');
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; ; i++) {
        const id = `${runId}-${w}-${i}`;
        await items.insertOne({
          _id: id,
          email: `${id}@example.test`,
          w,
          i,
          payload: payloadFor(id),
        });
        process.stdout.write(`ACK ${id}\n`);
        if (i % 5 === 4) {
          await counters.updateOne({ _id: `counter-${w}` }, { $set: { n: i } }, { upsert: true });
          process.stdout.write(`SET ${w} ${i}\n`);
        }
        if (i % 7 === 6) {
          const victim = `${runId}-${w}-${i - 3}`;
          process.stdout.write(`DELETING ${victim}\n`);
          await items.deleteOne({ _id: victim });
          process.stdout.write(`DEL ${victim}\n`);
        }
      }
    })
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-writer failed: ${String(err)}\n`);
  process.exit(1);
});
