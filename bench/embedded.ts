/**
 * `embedded`: the embedded database's own benches (packages/embedded-mongo/bench), run as they
 * always were, in their own process; their report stays packages/embedded-mongo/bench/report.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench } from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'packages/embedded-mongo');

export const embeddedBench: Bench = {
  id: 'embedded',
  title: 'Embedded database (packages/embedded-mongo/bench)',
  async run(options) {
    const t0 = performance.now();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
        cwd: pkg,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    options.log?.(`embedded: exit ${code}`);
    if (code !== 0) throw new Error(`packages/embedded-mongo bench exited with ${code}`);
    const report = fs.readFileSync(path.join(pkg, 'bench/report.md'), 'utf8');
    // Its own PASS/FAIL table, restated as figures so the product report lists them too.
    const figures = [...report.matchAll(/^\| (PASS|FAIL) \| (.+?) \| (.+?) \| (.+?) \|$/gm)].map(
      (m) => ({
        name: m[2],
        value: Number.parseFloat(m[3]),
        unit: m[3].replace(/^[\d.,\s-]+/, '').trim() || '',
        target: m[4],
        met: m[1] === 'PASS',
      })
    );
    return {
      figures,
      notes: [
        `Ran in ${((performance.now() - t0) / 1000).toFixed(1)} s; the full figures are in packages/embedded-mongo/bench/report.md.`,
      ],
    };
  },
};
