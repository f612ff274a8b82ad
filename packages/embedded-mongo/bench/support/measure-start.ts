/**
 * Child process of the recovery benchmark: `measure-start.ts <dataDir>` starts the embedded
 * server on the folder as a restart would (a fresh process), and prints
 * `{ ms, heldBytes }`: the start time and the memory then held (heapUsed + external after a full
 * GC, minus the same before). Needs `--expose-gc`.
 */
import { startEmbeddedMongo } from '../../src/start.js';
import { createLogger } from '../../src/logger.js';

function heldBytes(): number {
  for (let i = 0; i < 3; i++) globalThis.gc!();
  const m = process.memoryUsage();
  // Node counts arrayBuffers (Buffers) inside external already.
  return m.heapUsed + m.external;
}

async function main(): Promise<void> {
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn');
  const before = heldBytes();
  const started = performance.now();
  const server = await startEmbeddedMongo({ dataDir: process.argv[2], logger });
  const ms = performance.now() - started;
  const held = heldBytes() - before;
  await server.stop();
  process.stdout.write(JSON.stringify({ ms, heldBytes: held }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`measure-start failed: ${String(err)}\n`);
  process.exit(1);
});
