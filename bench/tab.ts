/**
 * `tab`: the dashboard's speed on the `scale` bench's data (its builder, its shape), around one
 * provider a person signs in as, with every seeded reseller: the REST API's table page (sort,
 * search and state filter, 50 rows) against /healthz measured in the same run, a 10,000-row CSV
 * export streamed while the bot process's memory is sampled, and the tab's first paint in
 * headless Chromium (when it is installed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { EXPORT_MAX_ROWS } from '../bot/features/api/api-kit.js';
import { buildTab } from '../scripts/build-tab.js';
import { forkDatabaseProcess, type ForkedDatabase } from '../server/database-process.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumInstalled } from '../testkit/chromium.js';
import { benchPersona, load, quantile, round, type Bench, type Figure } from './lib.js';
import { PER_PARTNER, seed, templates } from './scale.js';
import { databaseEnv, startProduct, type ProductApp } from './world.js';

/** The targets ("Speed" of issue 30). */
const PAGE_P99_TARGET_MS = 150;
const EXPORT_TARGET_S = 3;
const FIRST_PAINT_TARGET_S = 1.5;
const BUNDLE_TARGET_KB = 500;
/**
 * Not in the issue: an export that streams holds a page of rows at a time, so the bot process
 * grows by far less than the 10,000 rows' views (tens of MB); 50 MB says it did not hold them.
 */
const EXPORT_GROWTH_TARGET_MB = 50;
const PAGE_SIZE = 50;
const CONCURRENCY = 4;
/** First-paint runs; one at a test's tiny size. */
const PAINT_RUNS = 5;
/** The tab's open-mode token key (tab/sign-in.tsx): a fresh context starts signed in with it. */
const DEV_TOKEN_KEY = 'partner-connect.dev-token';
const SEARCHES = ['Contoso', 'Fab', 'North', 'Wood'];
const STATES = ['active', 'ended', 'active', 'pending'];
const SORTS = ['expiresAt', 'requestedAt', 'state'];

/** The table page's query for call i: always a sort, a search and a state, on varying pages. */
function pageQuery(i: number): string {
  const q = new URLSearchParams({
    sort: SORTS[i % SORTS.length],
    order: i % 2 === 0 ? 'asc' : 'desc',
    q: SEARCHES[i % SEARCHES.length],
    state: STATES[Math.floor(i / SORTS.length) % STATES.length],
    page: String(i % 3),
    pageSize: String(PAGE_SIZE),
  });
  return q.toString();
}

export const tabBench: Bench = {
  id: 'tab',
  title:
    'Tab: the REST API’s table page and CSV export on a provider with 10,000 resellers, and the tab’s first paint',
  async run(options) {
    const log = options.log ?? (() => undefined);
    // `users`: the rows of the export (the provider's resellers); default the export's cap.
    const rows = options.users ?? EXPORT_MAX_ROWS;
    // PER_PARTNER providers in all (the signed-in one and PER_PARTNER - 1 seeded): each reseller
    // then has one relationship with each of them, so the signed-in provider has every reseller.
    const every = Math.ceil(rows / (PER_PARTNER - 1)) + 1;
    const partners = (PER_PARTNER - 1) * every;
    const calls = Math.max(20, Math.min(400, Math.floor(rows / 25)));
    const dbDir = databaseEnv().MONGODB_URI
      ? undefined
      : fs.mkdtempSync(path.join(os.tmpdir(), 'pc-tab-db-'));
    let dbProcess: ForkedDatabase | undefined;
    let app: ProductApp | undefined;
    try {
      if (dbDir) dbProcess = await forkDatabaseProcess({ dataDir: dbDir });
      app = await startProduct(undefined, dbProcess ? { embeddedUri: dbProcess.uri } : {});
      const t = await templates(app);
      // The provider templates() made: its admin has talked to the bot, so open mode signs in.
      const provider = benchPersona(1, 'sc-provider');
      log(`tab: seeding ${partners} partners around one provider`);
      const seeded = await seed(app.app.db.connection, t, partners, {
        providerEvery: every,
        moreProviders: [t.partner._id],
      });
      const base = app.url;
      const signIn = await fetch(`${base}/api/v1/dev/sign-in`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ aadObjectId: provider.aadObjectId, tenantId: provider.tenantId }),
      });
      if (signIn.status !== 200)
        throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
      const { token } = (await signIn.json()) as { token: string };
      const auth = { Authorization: `Bearer ${token}` };

      // (a) The table page against /healthz (a database ping through the same server).
      const first = await fetch(`${base}/api/v1/relationships?pageSize=1`, { headers: auth });
      const total = ((await first.json()) as { total: number }).total;
      if (total < rows) throw new Error(`the provider has ${total} relationships, not ${rows}`);
      let matched = 0;
      const tablePage = async (i: number) => {
        const res = await fetch(`${base}/api/v1/relationships?${pageQuery(i)}`, { headers: auth });
        const body = (await res.json()) as { items: unknown[] };
        if (body.items?.length > 0) matched++;
        return res.status === 200 && body.items.length <= PAGE_SIZE;
      };
      const health = async () => (await fetch(`${base}/healthz`)).status === 200;
      // Warm-up (compiles, loads the index pages), then alternating halves of each.
      await load(Math.min(20, calls), CONCURRENCY, tablePage);
      await load(Math.min(20, calls), CONCURRENCY, health);
      log(`tab: ${calls} table pages and ${calls} /healthz, ${CONCURRENCY} at a time`);
      const half = Math.ceil(calls / 2);
      const h1 = await load(half, CONCURRENCY, health);
      const p1 = await load(half, CONCURRENCY, tablePage);
      const h2 = await load(half, CONCURRENCY, health);
      const p2 = await load(half, CONCURRENCY, tablePage);
      const pageP99 = Math.max(p1.p99Ms, p2.p99Ms);
      const pageP50 = (p1.p50Ms + p2.p50Ms) / 2;
      const healthP99 = Math.max(h1.p99Ms, h2.p99Ms);
      const sequential = await load(Math.ceil(calls / 4), 1, (i) => tablePage(i + 7));

      // (b) The export: the provider's every relationship (the export's cap), streamed.
      log('tab: exporting the CSV');
      const exported = await exportCsv(`${base}/api/v1/relationships.csv`, auth);

      // (c) The tab's first paint, only where Chromium is.
      const paint = chromiumInstalled()
        ? await firstPaint(base, token, provider.name, rows < 1_000 ? 1 : PAINT_RUNS)
        : undefined;

      const figures: Figure[] = [
        {
          name: `table page (sort + search + state, ${PAGE_SIZE} rows) p99 @${CONCURRENCY}`,
          value: round(pageP99, 1),
          unit: 'ms',
          baseline: {
            name: `/healthz p99 @${CONCURRENCY}`,
            value: round(healthP99, 1),
            unit: 'ms',
          },
          target: `< ${PAGE_P99_TARGET_MS} ms`,
          met: pageP99 < PAGE_P99_TARGET_MS,
        },
        {
          name: `table page p50 @${CONCURRENCY}`,
          value: round(pageP50, 1),
          unit: 'ms',
          baseline: {
            name: `/healthz p50 @${CONCURRENCY}`,
            value: round((h1.p50Ms + h2.p50Ms) / 2, 1),
            unit: 'ms',
          },
        },
        {
          name: 'table page p99 ÷ /healthz p99',
          value: round(pageP99 / healthP99, 1),
          unit: 'x',
        },
        {
          name: 'table page p99 @1',
          value: round(sequential.p99Ms, 1),
          unit: 'ms',
          target: `< ${PAGE_P99_TARGET_MS} ms`,
          met: sequential.p99Ms < PAGE_P99_TARGET_MS,
        },
        {
          name: 'table page errors',
          value: p1.errors + p2.errors + sequential.errors,
          unit: 'calls',
          target: '0',
          met: p1.errors + p2.errors + sequential.errors === 0,
        },
        {
          name: `CSV export of ${exported.rows.toLocaleString('en')} rows: time`,
          value: round(exported.seconds, 2),
          unit: 's',
          target: `< ${EXPORT_TARGET_S} s`,
          met: exported.seconds < EXPORT_TARGET_S && exported.rows >= Math.min(rows, total),
        },
        { name: 'CSV export: first byte', value: round(exported.firstByteMs, 1), unit: 'ms' },
        { name: 'CSV export: size', value: round(exported.bytes / 2 ** 20, 2), unit: 'MB' },
        {
          name: 'bot process RSS growth during the export (peak − before)',
          value: round(exported.rssGrowthMb, 1),
          unit: 'MB',
          target: `≤ ${EXPORT_GROWTH_TARGET_MB} MB`,
          met: exported.rssGrowthMb <= EXPORT_GROWTH_TARGET_MB,
        },
        {
          name: 'bot process heap growth during the export (peak − before)',
          value: round(exported.heapGrowthMb, 1),
          unit: 'MB',
        },
      ];
      const notes = [
        `Data: the \`scale\` bench's builder (copies of a partner, a relationship and an invitation the product made): ${seeded.sizes.partners.toLocaleString('en')} partners, ${seeded.sizes.relationships.toLocaleString('en')} relationships, ${seeded.sizes.invitations.toLocaleString('en')} invitations; ${PER_PARTNER} providers, so the signed-in one (open mode's sign-in as the provider's admin) has every reseller: ${total.toLocaleString('en')} relationships, two in three active.`,
        `Table page: GET /api/v1/relationships with a sort (expiresAt, requestedAt, state; both orders), a search (${SEARCHES.join(', ')}: a name's start) and a state (active, ended, pending), pages 0–2 of ${PAGE_SIZE}; ${2 * half} calls ${CONCURRENCY} at a time in two halves alternating with /healthz's (the server's database ping), after a warm-up; then ${sequential.count} one at a time. ${matched} calls found rows. The judged p99 is the worse half's. The issue's target is absolute (p99 < ${PAGE_P99_TARGET_MS} ms); /healthz is beside it for the machine's noise.`,
        `Export: GET /api/v1/relationships.csv unfiltered, read as it streams and dropped (the client keeps no rows); the bot process (server in this process, the database in its own) sampled every 5 ms: RSS ${round(exported.rssBeforeMb)} MB before, ${round(exported.rssBeforeMb + exported.rssGrowthMb)} MB at peak (no collection forced: a peak counts garbage not yet collected as well as what is held). The ${EXPORT_GROWTH_TARGET_MB} MB bound is this bench's (the issue names none): a streamed export holds a page at a time.`,
      ];
      if (paint) {
        figures.push(
          {
            name: 'tab first paint: navigation → first rows of Indirect resellers, median',
            value: round(paint.medianS, 2),
            unit: 's',
            target: `< ${FIRST_PAINT_TARGET_S} s`,
            met: paint.medianS < FIRST_PAINT_TARGET_S,
          },
          {
            name: 'tab first paint: slowest run',
            value: round(paint.maxS, 2),
            unit: 's',
          },
          {
            name: 'tab first paint: navigation → Overview’s tabs, median',
            value: round(paint.shellS, 2),
            unit: 's',
          },
          {
            name: 'tab bundle (app.js, gzipped)',
            value: round(paint.gzipKb, 1),
            unit: 'KB',
            target: `≤ ${BUNDLE_TARGET_KB} KB`,
            met: paint.gzipKb <= BUNDLE_TARGET_KB,
          }
        );
        notes.push(
          `First paint: headless Chromium (${CHROMIUM_PATH}) on loopback, ${paint.runs} runs, each in a new browser context (empty cache) already holding the open-mode token, from \`goto /tab\` to the Overview's tabs, a click on Indirect resellers as soon as it shows, and its first row visible (the tab opens on Overview).`
        );
      } else {
        notes.push(
          `First paint not measured: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium, or CHROMIUM_PATH).`
        );
      }
      return {
        figures,
        notes,
        details: { sizes: seeded.sizes, providerRelationships: total, exportedRows: exported.rows },
      };
    } finally {
      await app?.stop();
      await dbProcess?.stop();
      if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
    }
  },
};

/** Streams the export, counting rows and bytes, while sampling this process's memory. */
async function exportCsv(url: string, headers: Record<string, string>) {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const t0 = performance.now();
  let firstByteMs = NaN;
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(url, { headers });
    if (res.status !== 200 || !res.body) throw new Error(`export: ${res.status}`);
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - t0;
      bytes += chunk.length;
      for (const b of chunk) if (b === 0x0a) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    firstByteMs,
    bytes,
    // The header line is not a row.
    rows: Math.max(0, lines - 1),
    rssBeforeMb: before.rss / 2 ** 20,
    rssGrowthMb: (peakRss - before.rss) / 2 ** 20,
    heapGrowthMb: (peakHeap - before.heapUsed) / 2 ** 20,
  };
}

/** The tab in headless Chromium: navigation to the first table rows, each run a cold context. */
async function firstPaint(base: string, token: string, who: string, runs: number) {
  const built = await buildTab();
  const gzipKb = zlib.gzipSync(fs.readFileSync(path.join(built.outDir, 'app.js'))).length / 1024;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  const times: number[] = [];
  const shells: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
      });
      try {
        await context.addInitScript(
          ([key, value]) => sessionStorage.setItem(key!, value!),
          [DEV_TOKEN_KEY, token]
        );
        const page = await context.newPage();
        const t0 = performance.now();
        await page.goto(`${base}/tab`);
        const resellers = page.getByRole('tab', { name: 'Indirect resellers' });
        await resellers.waitFor();
        shells.push(performance.now() - t0);
        await resellers.click();
        await page.locator('[data-row-id]').first().waitFor();
        times.push(performance.now() - t0);
        // Signed in as the provider, not the sign-in page's list.
        if ((await page.getByText(who).count()) === 0) throw new Error(`not signed in as ${who}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return {
    runs: times.length,
    medianS: quantile(times, 0.5) / 1000,
    maxS: Math.max(...times) / 1000,
    shellS: quantile(shells, 0.5) / 1000,
    gzipKb,
  };
}
