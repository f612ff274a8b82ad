import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The READMEs a reader navigates the code by: the repository's and each package's. */
const readmes = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => fs.existsSync(path.join(root, f))),
];

/**
 * The repository paths a README names in backticks (`bot/adapter.ts`, `domain/partners/`): a
 * folder path whose first part is an entry of one of `bases`, and any path to a source file
 * (`db/connection.ts` too, whose folder is gone). Patterns (`<feature>`, `*`), commands, URLs
 * and absolute paths are not paths to check.
 */
function namedPaths(markdown: string, bases: readonly string[]): string[] {
  const withoutBlocks = markdown.replace(/```[\s\S]*?```/g, '');
  const tokens = [...withoutBlocks.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  return tokens.filter((t) => {
    if (/[<>*{}$?=:@|,]|\.\.\./.test(t) || t.startsWith('/') || t.startsWith('-')) return false;
    const source = /\.(ts|js|json|md|ya?ml)$/.test(t);
    if (t.includes('/') && source) return true;
    if (!t.includes('/') && !source) return false;
    const first = t.replace(/^\.\//, '').split('/')[0];
    return bases.some((b) => fs.existsSync(path.join(b, first)));
  });
}

/** Files a person creates locally (secrets), which git ignores: named, never committed. */
function ignoredByGit(file: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', file], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('README paths', () => {
  for (const readme of readmes) {
    it(`${readme} names only files and folders that exist`, () => {
      const dir = path.dirname(path.join(root, readme));
      // A package's README names its sources from src/ (`query/mingo.ts`).
      const bases = [...new Set([dir, path.join(dir, 'src'), root])];
      const named = namedPaths(fs.readFileSync(path.join(root, readme), 'utf8'), bases);
      expect(named, 'the README names paths to check').to.not.be.empty;
      const missing = named.filter(
        (p) => !bases.some((b) => fs.existsSync(path.join(b, p))) && !ignoredByGit(p)
      );
      expect(missing).to.deep.equal([]);
    });
  }

  it('picks repository paths out of the backticks, and leaves patterns and commands', () => {
    const md = [
      '`bot/adapter.ts` `models/<feature>/` `npm test` `/api/messages` `app.ts`',
      '`db/connection.ts` `test/**/*.test.ts` `DATA_DIR/db` `nowhere/`',
      '```\nbot/ignored-in-a-block.ts\n```',
    ].join('\n');
    expect(namedPaths(md, [root])).to.deep.equal(['bot/adapter.ts', 'app.ts', 'db/connection.ts']);
  });
});
