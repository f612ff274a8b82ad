import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { buildTab } from '../../scripts/build-tab.js';

describe('npm run build:tab (esbuild)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-tab-build-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the page and one bundle of at most 500 KB gzipped, loading nothing from elsewhere', async () => {
    const built = await buildTab(dir);
    expect(fs.readdirSync(dir).sort()).to.include.members(['app.js', 'app.js.map', 'index.html']);
    const gzipped = gzipSync(fs.readFileSync(path.join(dir, 'app.js'))).length;
    expect(gzipped, `${Math.round(gzipped / 1024)} KB gzipped`).to.be.at.most(500 * 1024);
    expect(built.bundleBytes).to.be.greaterThan(50_000);
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    // Only the tab's own script, by a path the server answers; no CDN, no inline script.
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).to.deep.equal([
      '<script type="module" src="/tab/app.js">',
    ]);
    expect(html).to.not.match(/(src|href)="(https?:)?\/\//);
  });
});
