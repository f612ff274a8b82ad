import type { Benchmark } from '../bench-types.js';
import { durableWrites } from './durable-writes.bench.js';
import { indexedLookups } from './lookups.bench.js';
import { recovery } from './recovery.bench.js';

/** Every benchmark `npm run bench` knows, in the order they run. Add new ones here. */
export const benchmarks: Benchmark[] = [durableWrites, indexedLookups, recovery];
