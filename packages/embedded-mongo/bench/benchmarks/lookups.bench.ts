import path from 'node:path';
import type { Model } from 'mongoose';
import type { Benchmark } from '../bench-types.js';
import { fmt, seedPartners, startBenchServer, type BenchPartner } from '../support/bench-data.js';

const SIZES = [1_000, 100_000] as const;
const ROUNDS = 9;
const OPS_PER_ROUND = 300;

type Lookup = (model: Model<BenchPartner>, doc: BenchPartner) => Promise<unknown>;
const lookups: Array<[string, Lookup]> = [
  ['findById', (m, d) => m.findById(d._id).lean().exec()],
  ['unique findOne({ email })', (m, d) => m.findOne({ email: d.email }).lean().exec()],
];

/**
 * Indexed lookups must not scan: the same lookups on 100,000 documents as on 1,000. Rounds
 * alternate between the two sizes so that load from other processes hits both alike.
 */
export const indexedLookups: Benchmark = {
  id: 'lookups',
  title: 'findById and unique findOne on 1,000 vs 100,000 documents (mongoose, lean)',
  async run(ctx) {
    const dir = ctx.tempDir('lookups');
    const bench = await startBenchServer(path.join(dir, 'data'), ctx.logger);
    try {
      const sets = [];
      for (const size of SIZES) {
        ctx.progress(`seeding ${fmt(size)} documents`);
        const model = await bench.modelFor(`partners_${size}`);
        const docs = await seedPartners(bench.server.uri, `partners_${size}`, 0, size);
        sets.push({ size, model, docs });
      }
      const measurements: Array<[string, string]> = [];
      const targets = [];
      for (const [name, lookup] of lookups) {
        ctx.progress(`timing ${name}`);
        const totalMs = new Map<number, number>(SIZES.map((s) => [s, 0]));
        let seed = 12345;
        const pick = (docs: BenchPartner[]) => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return docs[seed % docs.length];
        };
        for (const { model, docs } of sets) {
          for (let i = 0; i < 200; i++) await lookup(model, pick(docs)); // warm-up
        }
        const roundRatios: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const roundMs = new Map<number, number>();
          for (const { size, model, docs } of round % 2 === 0 ? sets : [...sets].reverse()) {
            const started = performance.now();
            for (let i = 0; i < OPS_PER_ROUND; i++) {
              const found = (await lookup(model, pick(docs))) as BenchPartner | null;
              if (!found) throw new Error(`${name} found nothing on ${size} documents`);
            }
            roundMs.set(size, performance.now() - started);
            totalMs.set(size, totalMs.get(size)! + roundMs.get(size)!);
          }
          roundRatios.push(roundMs.get(SIZES[1])! / roundMs.get(SIZES[0])!);
        }
        const ops = ROUNDS * OPS_PER_ROUND;
        const [small, large] = SIZES.map((s) => totalMs.get(s)! / ops);
        for (const [size, ms] of [
          [SIZES[0], small],
          [SIZES[1], large],
        ] as const) {
          measurements.push([
            `${name} on ${fmt(size)} docs`,
            `${fmt(ms * 1000)} µs/op, ${fmt(1000 / ms)} ops/s`,
          ]);
        }
        // The median round: one round slowed by another process's burst does not decide it.
        const ratio = roundRatios.sort((a, b) => a - b)[roundRatios.length >> 1];
        targets.push({
          name: `${name}: latency on 100,000 ÷ on 1,000 docs`,
          measured: fmt(ratio, 2),
          target: '≤ 1.20',
          pass: ratio <= 1.2,
        });
      }
      return {
        measurements,
        targets,
        notes: [
          `Sequential lookups of random existing documents, ${ROUNDS} alternating rounds of ` +
            `${OPS_PER_ROUND} per size; the ratio is the median of the rounds' ratios.`,
        ],
      };
    } finally {
      await bench.close();
    }
  },
};
