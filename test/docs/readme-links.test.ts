import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The targets of the Markdown links and images of a file (inline `](x)` and `[id]: x`), and the
 * documents it names as code (`docs/x.md`): a page named that way is a link a reader follows.
 */
function linkTargets(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  const inline = [...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const reference = [...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)];
  const named = [...withoutCode.matchAll(/`([^`\s]+\.md)`/g)];
  return [...inline, ...reference, ...named].map((m) => m[1]);
}

describe('README.md', () => {
  it('links only to files that are in the repository (a fresh clone has nothing beside it)', () => {
    const targets = linkTargets(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    const relative = targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'));
    expect(relative, 'the README has relative links to check').to.not.be.empty;
    const broken = relative.filter((target) => {
      const file = path.resolve(root, decodeURIComponent(target.split('#')[0]));
      const inside = file.startsWith(root + path.sep);
      return !inside || !fs.existsSync(file) || !fs.statSync(file).isFile();
    });
    expect(broken).to.deep.equal([]);
  });

  it('finds inline, reference-style and image links, and skips web addresses', () => {
    const md = '[a](docs/a.md) ![i](x.png "t") `../c.md`\n[w](https://x.example) [h](#top)';
    expect(linkTargets(md)).to.deep.equal([
      'docs/a.md',
      'x.png',
      'https://x.example',
      '#top',
      '../c.md',
    ]);
    expect(linkTargets('[b]: ../b.md')).to.deep.equal(['../b.md']);
  });
});
