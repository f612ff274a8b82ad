/**
 * Child process of the write benchmark:
 * `insert-load.ts <uri> <writers> <seconds> <firstIndex> <warmupSeconds>` connects mongoose,
 * prints READY, waits for a GO line on stdin, creates partners from `writers` concurrent loops
 * for `warmupSeconds` (not counted: JIT compilation and pool warm-up), then for `seconds`, and
 * prints `{ inserted, warmupInserted, elapsedMs, latencyMs, cpuMs }` as JSON. Clients in their
 * own processes keep mongoose's CPU from being billed to the server, and the GO line lets several
 * of them start at the same instant.
 */
import { once } from 'node:events';
import mongoose from 'mongoose';
import { partnerDoc, partnerSchema } from './bench-data.js';

async function main(): Promise<void> {
  const [uri, writersArg, secondsArg, firstIndexArg, warmupArg] = process.argv.slice(2);
  const writers = Number(writersArg);
  const conn = await mongoose
    .createConnection(uri, { maxPoolSize: writers + 2, minPoolSize: writers, dbName: 'bench' })
    .asPromise();
  const Partner = conn.model('Partner', partnerSchema);
  await Partner.init();
  process.stdout.write('READY\n');
  await once(process.stdin, 'data');
  let next = Number(firstIndexArg);
  const phase = async (seconds: number) => {
    let inserted = 0;
    let latencyMs = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await Partner.create(partnerDoc(next++));
          latencyMs += performance.now() - t;
          inserted++;
        }
      })
    );
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { inserted, elapsedMs: performance.now() - started, latencyMs, cpuMs };
  };
  const warmup = await phase(Number(warmupArg ?? 0));
  const measured = await phase(Number(secondsArg));
  await conn.close();
  process.stdout.write(JSON.stringify({ ...measured, warmupInserted: warmup.inserted }) + '\n');
  process.stdin.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`insert-load failed: ${String(err)}\n`);
  process.exit(1);
});
