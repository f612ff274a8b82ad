/**
 * Child process of the write benchmark: `insert-load.ts <uri> <writers> <seconds> <firstIndex>`
 * connects mongoose, prints READY, waits for a GO line on stdin, then creates partners from
 * `writers` concurrent loops for `seconds` and prints `{ inserted, elapsedMs, latencyMs }` as
 * JSON. Clients in their own processes keep mongoose's CPU from being billed to the server, and
 * the GO line lets several of them start at the same instant.
 */
import { once } from 'node:events';
import mongoose from 'mongoose';
import { partnerDoc, partnerSchema } from './bench-data.js';

async function main(): Promise<void> {
  const [uri, writersArg, secondsArg, firstIndexArg] = process.argv.slice(2);
  const writers = Number(writersArg);
  const conn = await mongoose
    .createConnection(uri, { maxPoolSize: writers + 2, minPoolSize: writers, dbName: 'bench' })
    .asPromise();
  const Partner = conn.model('Partner', partnerSchema);
  await Partner.init();
  process.stdout.write('READY\n');
  await once(process.stdin, 'data');
  let next = Number(firstIndexArg);
  let inserted = 0;
  let latencyMs = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + Number(secondsArg) * 1000;
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
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await conn.close();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ inserted, elapsedMs, latencyMs, cpuMs }) + '\n');
  process.stdin.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`insert-load failed: ${String(err)}\n`);
  process.exit(1);
});
