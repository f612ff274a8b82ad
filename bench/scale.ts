/**
 * `scale`: the bot's own queries (the directory search, the providers / resellers / invitations
 * list pages, the lookups by id, pair, code and token) on a small database and on a large one
 * of the same shape, through the real repositories, with each query's plan from `explain`.
 * The documents are copies of ones the product itself created (a partner, a relationship, an
 * invitation made on a card), inserted with the raw driver in big batches.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandStartedEvent, Document } from 'mongodb';
import mongoose from 'mongoose';
import { Verbs } from '../cards/verbs.js';
import { visible } from '../testkit/visible.js';
import { MongoInvitationRepository } from '../models/invitations/invitation.repository.js';
import {
  directoryCountUpTo,
  type DirectoryQuery,
} from '../domain/partners/partner-repository.port.js';
import { MongoPartnerRepository } from '../models/partners/partner.repository.js';
import { MongoRelationshipRepository } from '../models/relationships/relationship.repository.js';
import { benchPersona, quantile, round, type Bench, type BenchResult, type Figure } from './lib.js';
import { forkDatabaseProcess, type ForkedDatabase } from '../server/database-process.js';
import { approvedPartner, databaseEnv, GRANT, startProduct, type ProductApp } from './world.js';

/** The issue's size: 100,000 partners, 1,000,000 relationships, 1,000,000 invitations. */
export const FULL_PARTNERS = 100_000;
const SMALL_PARTNERS = 1_000;
/** Relationships and invitations per partner, as in the issue's sizes. */
export const PER_PARTNER = 10;
/** One partner in 50 is a provider: each provider has ~500 resellers (the list pages are long). */
const PROVIDER_EVERY = 50;
const BATCH = 10_000;
/** Seconds the default run may spend seeding the large database. */
const SEED_BUDGET_S = 90;
const ROUNDS = 5;
const PER_ROUND = 10;
const TARGET_RATIO = 2;
/** The issue's bound on a bot process once the database has a process of its own. */
const BOT_RSS_TARGET_MB = 300;
const NAMES = ['Adatum', 'Contoso', 'Fabrikam', 'Litware', 'Northwind', 'Tailspin', 'Woodgrove'];
const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'PL', 'NL', 'RU', 'ES'];

export interface Templates {
  readonly partner: Document;
  readonly relationship: Document;
  readonly invitation: Document;
}

/** A partner, a relationship and an invitation made by the product, read back raw. */
export async function templates(app: ProductApp): Promise<Templates> {
  const reseller = benchPersona(1, 'sc-reseller');
  const provider = benchPersona(1, 'sc-provider');
  for (const p of [reseller, provider]) await app.post(app.teams.install(p));
  await approvedPartner(app, 'reseller', reseller);
  const providerPartner = await approvedPartner(app, 'provider', provider);
  const service = app.app.modules.relationships.service;
  const rel = await service.request(reseller, providerPartner.id, GRANT, true);
  await service.authorize(provider, rel.id);
  const created = await app.post(
    app.teams.cardAction(reseller, Verbs.invitationCreate, {
      relationshipRef: rel.id,
      companyName: 'Northwind Traders',
      adminEmail: 'it@northwind.example',
      note: 'bench',
    })
  );
  const db = app.app.db.connection;
  const [partner, relationship, invitation] = await Promise.all([
    db.collection('partners').findOne({ _id: new mongoose.Types.ObjectId(providerPartner.id) }),
    db.collection('relationships').findOne({}),
    db.collection('invitations').findOne({}),
  ]);
  if (!partner || !relationship || !invitation)
    throw new Error(`no template documents: ${visible(created.body).slice(0, 200)}`);
  return { partner, relationship, invitation };
}

const hex = (n: number) => crypto.randomBytes(n).toString('hex');

/** Partner i's documents: the partner, its relationships (a reseller's) and its invitations. */
function partnerDoc(
  t: Templates,
  i: number,
  id: mongoose.Types.ObjectId,
  providerEvery: number
): Document {
  const provider = i % providerEvery === 0;
  const tenant = `5c${i.toString(16).padStart(6, '0')}-0000-4000-8000-${hex(6)}`;
  return {
    ...t.partner,
    _id: id,
    partnerType: provider ? 'provider' : 'reseller',
    partnerId: String(10_000_000 + i),
    tenantId: tenant,
    tenantCountry: COUNTRIES[i % COUNTRIES.length],
    legalName: `${NAMES[i % NAMES.length]} ${provider ? 'Distribution' : 'Reseller'} ${i}`,
    submittedBy: { ...t.partner.submittedBy, tenantId: tenant },
  };
}

export interface Sizes {
  readonly partners: number;
  readonly providers: number;
  readonly relationships: number;
  readonly invitations: number;
}

/** How the seeded partners split: one in `providerEvery` a provider, plus providers already stored. */
export interface SeedShape {
  readonly providerEvery: number;
  /**
   * Providers that exist already (one a person can sign in as): they take relationships as the
   * seeded ones do, first in the list. With PER_PARTNER providers in all, each has every reseller.
   */
  readonly moreProviders?: readonly mongoose.Types.ObjectId[];
}

/** Seeds a database with `n` partners and PER_PARTNER relationships and invitations per reseller. */
export async function seed(
  db: mongoose.Connection,
  t: Templates,
  n: number,
  shape: SeedShape = { providerEvery: PROVIDER_EVERY }
) {
  const every = shape.providerEvery;
  const ids = Array.from({ length: n }, () => new mongoose.Types.ObjectId());
  const providers = [...(shape.moreProviders ?? []), ...ids.filter((_, i) => i % every === 0)];
  const resellers = ids.filter((_, i) => i % every !== 0);
  const t0 = performance.now();
  let docs = 0;
  const insert = async (name: string, make: (i: number) => Document, count: number) => {
    for (let start = 0; start < count; start += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) =>
        make(start + k)
      );
      await db.collection(name).insertMany(batch, { ordered: false });
      docs += batch.length;
    }
  };
  await insert('partners', (i) => partnerDoc(t, i, ids[i], every), n);
  const base = t.relationship.requestedAt as Date;
  // Each reseller has PER_PARTNER relationships, each with a different provider (one open per pair).
  const relCount = resellers.length * PER_PARTNER;
  await insert(
    'relationships',
    (i) => {
      const r = Math.floor(i / PER_PARTNER);
      const p = (r * 7 + (i % PER_PARTNER)) % providers.length;
      const active = i % 3 !== 2;
      const at = new Date(base.getTime() - i * 60_000);
      const { open: _open, ...rest } = t.relationship;
      return {
        ...rest,
        _id: new mongoose.Types.ObjectId(),
        providerRef: String(providers[p]),
        resellerRef: String(resellers[r]),
        state: active ? 'active' : 'ended',
        // Only open relationships carry `open` (the unique partial index keys on it).
        ...(active ? { open: true } : {}),
        requestedAt: at,
        createdAt: at,
        updatedAt: at,
        expiresAt: new Date(at.getTime() + (30 + (i % 365)) * 86_400_000),
      };
    },
    relCount
  );
  await insert(
    'invitations',
    (i) => {
      const at = new Date(base.getTime() - i * 60_000);
      return {
        ...t.invitation,
        _id: new mongoose.Types.ObjectId(),
        partnerRef: String(resellers[Math.floor(i / PER_PARTNER) % resellers.length]),
        tokenHash: hex(32),
        codeHash: hex(32),
        createdAt: at,
        updatedAt: at,
      };
    },
    relCount
  );
  const seconds = (performance.now() - t0) / 1000;
  const sizes: Sizes = {
    partners: n,
    providers: providers.length,
    relationships: relCount,
    invitations: relCount,
  };
  return { sizes, seconds, docsPerSecond: docs / seconds, providers, resellers };
}

interface Db {
  readonly conn: mongoose.Connection;
  readonly partners: MongoPartnerRepository;
  readonly relationships: MongoRelationshipRepository;
  readonly invitations: MongoInvitationRepository;
}

async function database(app: ProductApp, name: string): Promise<Db> {
  const conn = app.app.db.connection.useDb(name, { useCache: true });
  const db = {
    conn,
    partners: new MongoPartnerRepository(conn),
    relationships: new MongoRelationshipRepository(conn),
    invitations: new MongoInvitationRepository(conn),
  };
  await Promise.all(Object.values(conn.models).map((m) => m.init()));
  return db;
}

type Query = (db: Db, sample: Sample) => Promise<unknown>;
interface Sample {
  readonly provider: string;
  readonly reseller: string;
  readonly relationship: Document;
  readonly invitation: Document;
  readonly partner: Document;
}

/** Directory pages as the service asks for them: the page, and the count past it. */
const directoryPage = (
  skip: number,
  limit: number
): Pick<DirectoryQuery, 'skip' | 'limit' | 'countUpTo'> => ({
  skip,
  limit,
  countUpTo: directoryCountUpTo({ skip, limit }),
});
const firstPage = directoryPage(0, 10);
const page5 = directoryPage(40, 10);

/** The queries the bot runs, as its features call them. */
const QUERIES: Record<string, Query> = {
  'directory: providers in DE, first page': (db) =>
    db.partners.searchDirectory({
      partnerType: 'provider',
      country: 'DE',
      ...firstPage,
    }),
  'directory: providers named "fab…", every country': (db) =>
    db.partners.searchDirectory({
      partnerType: 'provider',
      namePrefix: 'fab',
      ...firstPage,
    }),
  'directory: resellers in FR, page 5': (db) =>
    db.partners.searchDirectory({
      partnerType: 'reseller',
      country: 'FR',
      ...page5,
    }),
  "resellers page (a provider's ~500)": (db, s) =>
    db.relationships.listPage({ partnerRef: s.provider, side: 'provider', skip: 0, limit: 10 }),
  "resellers page, expiring soon (a provider's)": (db, s) =>
    db.relationships.listPage({
      partnerRef: s.provider,
      side: 'provider',
      expiringBefore: new Date((s.relationship.requestedAt as Date).getTime() + 90 * 86_400_000),
      skip: 0,
      limit: 10,
    }),
  "providers page (a reseller's)": (db, s) =>
    db.relationships.listPage({ partnerRef: s.reseller, side: 'reseller', skip: 0, limit: 10 }),
  "invitations page (a reseller's)": (db, s) =>
    db.invitations.listPage({ partnerRef: s.reseller, skip: 0, limit: 10 }),
  'relationship by id': (db, s) => db.relationships.get(String(s.relationship._id)),
  'open relationship of a pair': (db, s) =>
    db.relationships.findOpen(
      String(s.relationship.providerRef),
      String(s.relationship.resellerRef)
    ),
  'invitation by code': (db, s) => db.invitations.findByCodeHash(String(s.invitation.codeHash)),
  'invitation by token': (db, s) => db.invitations.findByTokenHash(String(s.invitation.tokenHash)),
  'partner by tenant': (db, s) => db.partners.findByTenant(String(s.partner.tenantId)),
};

/** A random provider, reseller, relationship and invitation of the database, drawn per call. */
async function sampler(db: Db, providers: mongoose.Types.ObjectId[]) {
  const [rels, invs, parts] = await Promise.all([
    db.conn
      .collection('relationships')
      .aggregate([{ $sample: { size: 200 } }])
      .toArray(),
    db.conn
      .collection('invitations')
      .aggregate([{ $sample: { size: 200 } }])
      .toArray(),
    db.conn
      .collection('partners')
      .aggregate([{ $sample: { size: 200 } }])
      .toArray(),
  ]);
  let k = 0;
  return (): Sample => {
    k++;
    const rel = rels[k % rels.length];
    return {
      provider: String(providers[k % providers.length]),
      reseller: String(rel.resellerRef),
      relationship: rel,
      invitation: invs[k % invs.length],
      partner: parts[k % parts.length],
    };
  };
}

/** The plan of a command the driver sent: `IXSCAN <index>`, `IDHACK`, `COLLSCAN`, with SORT/LIMIT. */
function planOf(explained: Document): string {
  const stages: string[] = [];
  let node = explained.queryPlanner?.winningPlan as Document | undefined;
  while (node) {
    stages.push(node.indexName ? `${node.stage} ${node.indexName}` : String(node.stage));
    node = node.inputStage as Document | undefined;
  }
  return stages.join(' ← ') || 'unknown';
}

/** Runs `query` once with command monitoring on and explains each find/aggregate it sent. */
async function explainQuery(app: ProductApp, db: Db, query: () => Promise<unknown>) {
  const client = app.app.db.connection.getClient();
  const seen: { name: string; command: Document }[] = [];
  const onStarted = (e: CommandStartedEvent) => {
    if (['find', 'aggregate', 'count'].includes(e.commandName) && e.databaseName === db.conn.name)
      seen.push({ name: e.commandName, command: e.command });
  };
  client.on('commandStarted', onStarted);
  try {
    await query();
  } finally {
    client.off('commandStarted', onStarted);
  }
  const plans: string[] = [];
  for (const { name, command } of seen) {
    const inner: Document = {};
    for (const [k, v] of Object.entries(command)) {
      if (!['$db', 'lsid', '$clusterTime', 'txnNumber', 'readConcern', 'cursor'].includes(k))
        inner[k] = v;
    }
    if (inner.aggregate !== undefined) inner.cursor = {};
    const explained = await db.conn.db!.command({ explain: inner, verbosity: 'queryPlanner' });
    plans.push(`${name === 'aggregate' ? 'count (aggregate)' : name}: ${planOf(explained)}`);
  }
  return plans;
}

export const scaleBench: Bench = {
  id: 'scale',
  title: 'Scale: the bot’s queries on 1,000 partners vs a large database of the same shape',
  async run(options): Promise<BenchResult> {
    const log = options.log ?? (() => undefined);
    const asked = options.scalePartners;
    // Asked for a size (a test, `--full`): the small one is at most half of it.
    const small = Math.min(SMALL_PARTNERS, Math.floor((asked ?? 2 * SMALL_PARTNERS) / 2));
    // The embedded database in its own process, as `npm start` runs it: the bot process's
    // memory is then its own, whatever the data size (none with MONGODB_URI).
    const dbDir = databaseEnv().MONGODB_URI
      ? undefined
      : fs.mkdtempSync(path.join(os.tmpdir(), 'pc-scale-db-'));
    let dbProcess: ForkedDatabase | undefined;
    let app: ProductApp | undefined;
    try {
      if (dbDir) dbProcess = await forkDatabaseProcess({ dataDir: dbDir });
      app = await startProduct(undefined, {
        monitorCommands: true,
        ...(dbProcess ? { embeddedUri: dbProcess.uri } : {}),
      });
      const t = await templates(app);
      const smallDb = await database(app, 'scale_small');
      log(`scale: seeding ${small} partners`);
      const s = await seed(smallDb.conn, t, small);
      // The large size: asked for, or the most the seeding budget allows at the rate just seen.
      const rate = s.docsPerSecond;
      const perPartnerDocs = 1 + 2 * PER_PARTNER * (1 - 1 / PROVIDER_EVERY);
      // The rate falls as the collections and their indexes grow: 0.6 of the small one's rate
      // is what the large seeding kept on the 2-core machine measured.
      const fits = Math.floor((0.6 * rate * SEED_BUDGET_S) / perPartnerDocs / 1000) * 1000;
      const large = asked ?? Math.max(small * 10, Math.min(FULL_PARTNERS, fits));
      const largeDb = await database(app, 'scale_large');
      log(`scale: seeding ${large} partners (${round(rate)} docs/s so far)`);
      const l = await seed(largeDb.conn, t, large);

      const samples = {
        small: await sampler(smallDb, s.providers),
        large: await sampler(largeDb, l.providers),
      };
      const times = new Map<string, { small: number[]; large: number[] }>();
      const totals = new Map<string, { small?: number; large?: number }>();
      for (const name of Object.keys(QUERIES)) {
        times.set(name, { small: [], large: [] });
        totals.set(name, {});
      }
      log('scale: timing the queries in alternating rounds');
      for (let round = 0; round < ROUNDS + 1; round++) {
        for (const [size, db] of [
          ['small', smallDb],
          ['large', largeDb],
        ] as const) {
          for (const [name, q] of Object.entries(QUERIES)) {
            for (let k = 0; k < PER_ROUND; k++) {
              const sample = samples[size]();
              const t0 = performance.now();
              const out = await q(db, sample);
              const total = (out as { total?: number } | null)?.total;
              if (typeof total === 'number') totals.get(name)![size] = total;
              // Round 0 warms up (compiles, loads the pages) and is not counted.
              if (round > 0) times.get(name)![size].push(performance.now() - t0);
            }
          }
        }
      }
      const figures: Figure[] = [];
      const plans: Record<string, string[]> = {};
      const scans: string[] = [];
      for (const [name, q] of Object.entries(QUERIES)) {
        const tm = times.get(name)!;
        const p50s = quantile(tm.small, 0.5);
        const p50l = quantile(tm.large, 0.5);
        const ratio = p50l / p50s;
        figures.push(
          {
            name: `${name}: p50 on ${large.toLocaleString('en')} partners`,
            value: round(p50l, 2),
            unit: 'ms',
            baseline: {
              name: `on ${small.toLocaleString('en')}`,
              value: round(p50s, 2),
              unit: 'ms',
            },
          },
          {
            name: `${name}: large ÷ small`,
            value: round(ratio, 2),
            unit: 'x',
            target: `≤ ${TARGET_RATIO}x`,
            met: ratio <= TARGET_RATIO,
          }
        );
        plans[name] = await explainQuery(app, largeDb, () => q(largeDb, samples.large()));
        if (plans[name].some((p) => /COLLSCAN/.test(p)) || plans[name].length === 0)
          scans.push(name);
      }
      figures.push({
        name: 'queries with a collection scan in their plan',
        value: scans.length,
        unit: 'queries',
        target: '0',
        met: scans.length === 0,
      });
      // A page's `total` is counted over every match: a count grows with the matches, not the page.
      const slow = figures.filter((f) => f.met === false && /large ÷ small$/.test(f.name));
      const bounds = slow.map((f) => {
        const name = f.name.replace(/: large ÷ small$/, '');
        const tot = totals.get(name)!;
        return tot.large === undefined
          ? `${name} (${f.value}x)`
          : `${name} (${f.value}x): its page counts ${tot.small} matches on the small database and ${tot.large} on the large one; ` +
              'the count walks every matching key of the index and fetches each document (the `count (aggregate)` plan below), ' +
              'so it grows with the matches, while the page itself (`find`, LIMIT) does not';
      });
      const mem = process.memoryUsage();
      const botRss = mem.rss / 2 ** 20;
      const dbRss = dbProcess ? rssMb(dbProcess.pid) : undefined;
      figures.push(
        {
          name: 'seeding rate (raw insertMany, batches of 10,000)',
          value: round(l.docsPerSecond),
          unit: 'docs/s',
        },
        {
          name: 'bot process RSS after the runs',
          value: round(botRss),
          unit: 'MB',
          target: `≤ ${BOT_RSS_TARGET_MB} MB`,
          met: botRss <= BOT_RSS_TARGET_MB,
        },
        ...(dbRss !== undefined
          ? [{ name: 'database process RSS after the runs', value: round(dbRss), unit: 'MB' }]
          : []),
        {
          name: 'bot process heap used after the runs',
          value: round(mem.heapUsed / 2 ** 20),
          unit: 'MB',
        }
      );
      const fullDocs = FULL_PARTNERS * perPartnerDocs;
      const notes = [
        `Small: ${fmtSizes(s.sizes)}; large: ${fmtSizes(l.sizes)} (seeded in ${round(l.seconds)} s, ${round(l.docsPerSecond)} docs/s). ` +
          (large < FULL_PARTNERS
            ? `The issue's size (${fmtSizes({ partners: FULL_PARTNERS, providers: FULL_PARTNERS / PROVIDER_EVERY, relationships: FULL_PARTNERS * PER_PARTNER * (1 - 1 / PROVIDER_EVERY), invitations: FULL_PARTNERS * PER_PARTNER * (1 - 1 / PROVIDER_EVERY) })}) would take about ${round(fullDocs / l.docsPerSecond)} s to seed at this rate, over this bench's ${SEED_BUDGET_S} s share of the 10-minute budget; ` +
              'this run used the largest size that fits. `npm run bench -- scale --full` (or BENCH_FULL=1) seeds the full size.'
            : 'This is the issue’s full size.'),
        `One partner in ${PROVIDER_EVERY} is a provider; each reseller has ${PER_PARTNER} relationships (two in three active, with different providers, so ~${Math.round((PER_PARTNER * (PROVIDER_EVERY - 1)) / 1)} per provider at either size) and ${PER_PARTNER} invitations. ` +
          'Documents are copies of a partner, a relationship and an invitation the product created (the invitation on the reseller’s card), with their own ids, tenants, names, dates and hashes. ' +
          `Each query runs through the bot’s own repository, ${PER_ROUND} times per round for ${ROUNDS} rounds alternating small and large (after a warm-up round), with a different partner, relationship or invitation each time; the figure is the p50.`,
        ...(bounds.length > 0 ? [`Over ${TARGET_RATIO}x: ${bounds.join('; ')}.`] : []),
        '**Plans** (the commands the repository sent, explained on the large database; `←` reads "fed by"):',
        ...Object.entries(plans).map(
          ([name, p]) => `- ${name}: ${p.map((x) => `\`${x}\``).join(', ')}`
        ),
        dbRss !== undefined
          ? `Memory, before any garbage collection is forced: the embedded database runs in a process of its own as under \`npm start\` and holds both data sets (${round(dbRss)} MB RSS); the bot process (this bench's, the app as one bot process runs it) ${round(botRss)} MB RSS, ${round(mem.heapUsed / 2 ** 20)} MB heap, ${round(mem.external / 2 ** 20)} MB external. Under \`npm start\` each of the WEB_CONCURRENCY bot processes is such a process.`
          : `Memory, before any garbage collection is forced: the bot process on MONGODB_URI ${round(botRss)} MB RSS, ${round(mem.heapUsed / 2 ** 20)} MB heap, ${round(mem.external / 2 ** 20)} MB external.`,
      ];
      return { figures, notes, details: { plans, sizes: { small: s.sizes, large: l.sizes } } };
    } finally {
      await app?.stop();
      await dbProcess?.stop();
      if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
    }
  },
};

/** A process's resident memory in MB, as `ps` reports it (Linux and macOS). */
function rssMb(pid: number): number {
  const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }));
  return kb / 1024;
}

function fmtSizes(s: Sizes): string {
  const f = (n: number) => Math.round(n).toLocaleString('en');
  return `${f(s.partners)} partners (${f(s.providers)} providers), ${f(s.relationships)} relationships, ${f(s.invitations)} invitations`;
}
