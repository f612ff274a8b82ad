import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { FakeConnector } from '../helpers/fake-connector.js';
import { personas } from '../helpers/personas.js';
import { postActivity, TeamsActivities } from '../helpers/teams-activity.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** A span as the OTLP/HTTP JSON exporter sends it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: number } }[];
}

/** A local OTLP/HTTP collector: keeps every span POSTed to /v1/traces. */
async function startCollector() {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'POST' && req.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        for (const a of rs.resource?.attributes ?? [])
          if (a.key === 'service.name') services.add(a.value.stringValue);
        for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    services,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** `npm start`'s entry point in a child process, JSON log lines collected. */
function runIndex(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL|OTEL_|APPLICATIONINSIGHTS)/.test(
          k
        )
    )
  );
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsxLoader, path.join(root, 'index.ts')],
    // One bot process: the traces of one turn are this test's subject, not the processes.
    {
      cwd: env.DATA_DIR,
      env: { ...clean, WEB_CONCURRENCY: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  const lines: Record<string, any>[] = [];
  let rest = '';
  const onData = (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p));
      } catch {
        lines.push({ raw: p });
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exited };
}

// A turn reads its working set in one aggregate (models/turn-reads.ts); a database without
// $unionWith falls back to finds. Either is the turn's database read.
const isDbRead = (name: string) => /^mongodb (find|aggregate)$/.test(name);

async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  detail: () => string,
  ms = 90_000
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('OpenTelemetry traces of a turn (OTEL_EXPORTER_OTLP_ENDPOINT, the real process)', function () {
  this.timeout(180_000);
  let dir: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let connector: FakeConnector;
  let running: ReturnType<typeof runIndex> | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-otel-'));
    collector = await startCollector();
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    await connector.close();
    await collector.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports HTTP -> bot turn -> database commands and the connector call as one trace, whose id the turn log line carries', async () => {
    running = runIndex({
      PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'partner-connect-test',
      // The SDK's own variable: export within 100 ms instead of 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const out = () => running!.lines.map((l) => JSON.stringify(l)).join('\n');
    const listening = await eventually(
      () => running!.lines.find((l) => l.msg === 'listening'),
      'listening',
      out
    );
    const url = `http://127.0.0.1:${listening.port}`;
    const teams = new TeamsActivities({ serviceUrl: connector.url });
    const res = await postActivity(url, teams.message(personas.reseller, 'status'));
    expect(res.status).to.equal(200);
    expect(connector.activities().length, 'the bot replied').to.be.greaterThan(0);

    const turnLine = await eventually(
      () => running!.lines.find((l) => l.msg === 'turn'),
      'the turn log line',
      out
    );
    expect(turnLine.trace_id, 'the turn line carries the trace id').to.match(/^[0-9a-f]{32}$/);
    const traceId: string = turnLine.trace_id;
    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    const turn = await eventually(
      () => inTrace().find((s) => s.name === 'bot turn'),
      'the bot turn span',
      () => JSON.stringify(collector.spans.map((s) => s.name))
    );
    const byId = new Map(inTrace().map((s) => [s.spanId, s]));
    const server = byId.get(turn.parentSpanId ?? '');
    expect(server, 'the turn is a child of the incoming request span').to.not.equal(undefined);
    expect(server!.kind, 'SERVER').to.equal(2);
    expect(server!.parentSpanId || undefined, 'the request span is the root').to.equal(undefined);
    expect(turnLine.span_id, 'logged inside the turn span').to.equal(turn.spanId);
    const attr = (s: OtlpSpan, key: string) =>
      s.attributes?.find((a) => a.key === key)?.value.stringValue;
    expect(attr(turn, 'partner_connect.kind')).to.equal('command:status');
    expect(attr(turn, 'partner_connect.outcome')).to.equal('ok');

    const children = () => inTrace().filter((s) => s.parentSpanId === turn.spanId);
    await eventually(
      () =>
        children().some((s) => s.kind === 3 && /^POST/.test(s.name)) &&
        children().some((s) => isDbRead(s.name))
          ? true
          : undefined,
      'the database and connector spans under the turn',
      () => JSON.stringify(inTrace().map((s) => [s.name, s.kind, s.parentSpanId]))
    );
    const db = children().find((s) => isDbRead(s.name))!;
    expect(db.kind, 'CLIENT').to.equal(3);
    expect(attr(db, 'db.system.name')).to.equal('mongodb');
    const connectorCall = children().find((s) => s.kind === 3 && /^POST/.test(s.name))!;
    const port = new URL(connector.url).port;
    expect(
      connectorCall.attributes?.some((a) =>
        String(a.value.stringValue ?? a.value.intValue).includes(port)
      ),
      'the connector call names the connector'
    ).to.equal(true);
    expect([...collector.services]).to.deep.equal(['partner-connect-test']);
    // Probes make no traces.
    await fetch(`${url}/healthz`);
    running.child.kill('SIGTERM');
    expect(await running.exited).to.equal(0);
    expect(collector.spans.filter((s) => /healthz/.test(JSON.stringify(s)))).to.deep.equal([]);
  });

  it('sends the turn to Azure Monitor with APPLICATIONINSIGHTS_CONNECTION_STRING, and the same trace id is logged', async () => {
    const ingested: any[] = [];
    const tls = path.join(root, 'test/fixtures/tls');
    const cert = path.join(tls, 'localhost.cert.pem');
    const ingestion = https.createServer(
      { cert: fs.readFileSync(cert), key: fs.readFileSync(path.join(tls, 'localhost.key.pem')) },
      async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        if (req.url?.includes('/track')) ingested.push(...JSON.parse(body.toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      }
    );
    await new Promise<void>((r) => ingestion.listen(0, '127.0.0.1', r));
    // The exporter sends over https whatever the scheme here.
    const ingestionUrl = `https://127.0.0.1:${(ingestion.address() as AddressInfo).port}/`;
    try {
      running = runIndex({
        PORT: '0',
        DATA_DIR: dir,
        LOG_LEVEL: 'info',
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=${ingestionUrl}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        NODE_EXTRA_CA_CERTS: cert,
        // No calls home from the test (Azure Monitor's own usage statistics).
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
      });
      const out = () => running!.lines.map((l) => JSON.stringify(l)).join('\n');
      const listening = await eventually(
        () => running!.lines.find((l) => l.msg === 'listening'),
        'listening',
        out
      );
      const teams = new TeamsActivities({ serviceUrl: connector.url });
      const url = `http://127.0.0.1:${listening.port}`;
      await postActivity(url, teams.message(personas.reseller, 'status'));
      const turnLine = await eventually(
        () => running!.lines.find((l) => l.msg === 'turn'),
        'turn',
        out
      );
      expect(turnLine.trace_id).to.match(/^[0-9a-f]{32}$/);
      const request = await eventually(
        () =>
          ingested.find(
            (e) =>
              e.data?.baseType === 'RequestData' &&
              e.tags?.['ai.operation.id'] === turnLine.trace_id
          ),
        'the request telemetry of the turn',
        () => JSON.stringify(ingested.map((e) => [e.data?.baseType, e.tags?.['ai.operation.id']]))
      );
      expect(request.data.baseData.url).to.include('/api/messages');
      await eventually(
        () =>
          ingested.some(
            (e) =>
              e.data?.baseType === 'RemoteDependencyData' &&
              e.tags?.['ai.operation.id'] === turnLine.trace_id &&
              isDbRead(e.data.baseData.name)
          )
            ? true
            : undefined,
        'the database dependency of the turn',
        () => JSON.stringify(ingested.map((e) => [e.data?.baseType, e.data?.baseData?.name]))
      );
    } finally {
      await new Promise<void>((r) => {
        ingestion.close(() => r());
        ingestion.closeAllConnections();
      });
    }
  });

  it('starts no tracing without the variables', async () => {
    running = runIndex({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'info' });
    const out = () => running!.lines.map((l) => JSON.stringify(l)).join('\n');
    const listening = await eventually(
      () => running!.lines.find((l) => l.msg === 'listening'),
      'listening',
      out
    );
    const teams = new TeamsActivities({ serviceUrl: connector.url });
    await postActivity(
      `http://127.0.0.1:${listening.port}`,
      teams.message(personas.reseller, 'status')
    );
    const turnLine = await eventually(
      () => running!.lines.find((l) => l.msg === 'turn'),
      'turn',
      out
    );
    expect(turnLine).to.not.have.property('trace_id');
    expect(running.lines.filter((l) => l.module === 'tracing')).to.deep.equal([]);
  });
});
