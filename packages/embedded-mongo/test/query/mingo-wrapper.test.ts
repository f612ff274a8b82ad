import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../src', import.meta.url));
const WRAPPER = path.join('query', 'mingo.ts');
const IMPORTS_MINGO = /from\s+'mingo(\/[^']*)?'|import\(\s*'mingo/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('mingo behind one module', () => {
  it('is imported only by src/query/mingo.ts', () => {
    const importers = sources(ROOT)
      .filter((file) => IMPORTS_MINGO.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file));
    expect(importers).to.deep.equal([WRAPPER]);
  });
});
