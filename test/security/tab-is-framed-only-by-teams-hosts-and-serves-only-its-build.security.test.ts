import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createLogger } from '../../logging/logger.js';
import { createWebServer, type WebServer } from '../../web/server.js';
import { tabRoutes } from '../../web/tab.route.js';

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values])
  );
}

describe('GET /tab: the personal tab, framed by Teams only', () => {
  let dir: string;
  let web: WebServer;
  let url: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-tab-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>tab</title>');
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1);');
    web = createWebServer({
      messages: async (_req, res) => void res.send(200),
      ping: async () => undefined,
      logger: createLogger('silent'),
      routes: [...tabRoutes(dir), ...tabRoutes(path.join(dir, 'not-built')).map(under('/unbuilt'))],
    });
    ({ url } = await web.listen(0, '127.0.0.1'));
  });
  after(async () => {
    await web?.close(1000);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the page as HTML that Teams, Outlook and Microsoft 365 may frame, and nobody else', async () => {
    const res = await fetch(`${url}/tab?inTeams=1`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(await res.text()).to.include('<title>tab</title>');
    const policy = csp(res.headers.get('content-security-policy'));
    expect(policy.get('frame-ancestors')).to.include.members([
      'https://teams.microsoft.com',
      'https://*.teams.microsoft.com',
      'https://*.cloud.microsoft',
      'https://*.office.com',
      'https://outlook.office.com',
    ]);
    expect(policy.get('frame-ancestors')).to.not.include('*');
    expect(policy.get('frame-ancestors')!.every((a) => a === "'self'" || a.startsWith('https://')))
      .to.be.true;
    // Only its own script runs; nothing is loaded from anywhere else.
    expect(policy.get('script-src')).to.deep.equal(["'self'"]);
    expect(policy.get('default-src')).to.deep.equal(["'none'"]);
    expect(policy.get('connect-src')).to.deep.equal(["'self'"]);
    expect(res.headers.get('x-frame-options')).to.equal(null);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('serves the bundle as JavaScript, and nothing but the built files', async () => {
    const js = await fetch(`${url}/tab/app.js`);
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(await js.text()).to.equal('console.log(1);');
    for (const name of ['package.json', 'constructor', '..%2F..%2Fpackage.json', '%2e%2e']) {
      const res = await fetch(`${url}/tab/${name}`);
      expect(res.status, name).to.equal(404);
      await res.arrayBuffer();
    }
  });

  it('says the tab is not built (503) rather than failing when out/tab is missing', async () => {
    const res = await fetch(`${url}/unbuilt/tab`);
    expect(res.status).to.equal(503);
    expect(await res.text()).to.include('npm run build:tab');
  });

  it('leaves every other page unframeable', async () => {
    const res = await fetch(`${url}/privacy`);
    await res.text();
    expect(csp(res.headers.get('content-security-policy')).get('frame-ancestors')).to.deep.equal([
      "'none'",
    ]);
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
  });
});

/** The same routes under another prefix (a second, unbuilt tab in the same server). */
function under(prefix: string) {
  return <R extends { path: string }>(route: R): R => ({ ...route, path: prefix + route.path });
}
