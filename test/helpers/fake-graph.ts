import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A throwaway CA and a certificate for 127.0.0.1 it signed (openssl, in a temp dir). */
export function throwawayCa(): { dir: string; caFile: string; key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fake-graph-'));
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Partner Connect test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  );
  ssl('req', ...ec, '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('srv.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('srv.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf')
  );
  return {
    dir,
    caFile: f('ca.pem'),
    key: fs.readFileSync(f('srv.key')),
    cert: fs.readFileSync(f('srv.pem')),
  };
}

/** A delegatedAdminRelationship as the fake keeps it. */
export interface FakeGdap {
  id: string;
  partnerTenantId: string;
  displayName: string;
  duration: string;
  autoExtendDuration: string;
  customer: { tenantId: string; displayName?: string };
  roleIds: string[];
  status: string;
  createdDateTime: string;
  activatedDateTime: string | null;
  endDateTime: string | null;
  requests: string[];
}

/** A call the fake saw (method, path without query, the tenant its token was for). */
export interface FakeGraphCall {
  readonly method: string;
  readonly path: string;
  readonly tenant?: string;
  readonly status: number;
}

type Fault =
  | { status: number; retryAfter?: string }
  | 'drop'
  /** Answered only once released: a Graph call that takes as long as the test says. */
  | { hold: Promise<void>; seen: () => void };

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const ISO_DAYS = /^P(\d+)D$/;
const BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';

/**
 * Local fakes of Entra (OpenID metadata, instance discovery, the client-credentials token
 * endpoint) and of Graph's GDAP API over HTTPS, following the documented shapes and rules:
 * displayName unique per partner and ≤ 50, duration P1D–P730D, autoExtend PT0S/P0D/P180D and
 * not with Global Administrator, the state machine through /requests, 403 without consent,
 * PATCH with If-Match of the current etag (412 otherwise; autoExtendDuration while created or
 * active, the rest while created only).
 */
export class FakeGraph {
  readonly relationships = new Map<string, FakeGdap>();
  readonly calls: FakeGraphCall[] = [];
  /** Tenants that gave the admin consent: others get 403 from Graph. */
  readonly consented = new Set<string>();
  private readonly tokens = new Map<string, string>();
  /** Faults for the next Graph calls matching `method path-prefix`, in order. */
  private readonly faults: { match: string; fault: Fault }[] = [];
  /** Every Graph call answers 503 (Retry-After: 0) while set. */
  down = false;
  /** Tokens only for tenants that consented (else Graph answers 403 to an unconsented one). */
  tokenNeedsConsent = false;

  private constructor(
    private readonly server: https.Server,
    readonly caFile: string,
    private readonly dir: string,
    readonly clientId: string,
    readonly clientSecret: string
  ) {}

  static async start(
    clientId = randomUUID(),
    clientSecret = 'fake-graph-secret'
  ): Promise<FakeGraph> {
    const ca = throwawayCa();
    let fake: FakeGraph | undefined;
    const server = https.createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
      void fake!.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeGraph(server, ca.caFile, ca.dir, clientId, clientSecret);
    return fake;
  }

  get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The bot's settings pointing at this fake. */
  get env(): Record<string, string> {
    return {
      GRAPH_CLIENT_ID: this.clientId,
      GRAPH_CLIENT_SECRET: this.clientSecret,
      GRAPH_BASE_URL: `${this.origin}/v1.0`,
      ENTRA_AUTHORITY_HOST: this.origin,
      GRAPH_EXTRA_CA_CERTS: this.caFile,
    };
  }

  /** The next Graph call matching `"POST /v1.0/…"` (a prefix) answers `fault` instead. */
  failNext(match: string, fault: Fault): void {
    this.faults.push({ match, fault });
  }

  /**
   * Holds the answer to the next Graph call matching `match` until `release()`; `seen`
   * resolves once that call arrived.
   */
  holdNext(match: string): { seen: Promise<void>; release: () => void } {
    let release!: () => void;
    let seen!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const arrived = new Promise<void>((r) => (seen = r));
    this.faults.push({ match, fault: { hold, seen } });
    this.releases.push(release);
    return { seen: arrived, release };
  }

  private readonly releases: (() => void)[] = [];

  /** The customer's Global Administrator approves in the admin center. */
  approve(id: string): void {
    const r = this.relationships.get(id)!;
    const now = new Date();
    const days = Number(ISO_DAYS.exec(r.duration)![1]);
    r.status = 'active';
    r.activatedDateTime = now.toISOString();
    r.endDateTime = new Date(now.getTime() + days * 86_400_000).toISOString();
  }

  /** Someone ends it outside the product (the customer in the admin center, or expiry). */
  setStatus(id: string, status: 'terminated' | 'expired'): void {
    this.relationships.get(id)!.status = status;
  }

  /** The partner tenant's relationships of a display name. */
  named(displayName: string): FakeGdap[] {
    return [...this.relationships.values()].filter((r) => r.displayName === displayName);
  }

  graphCalls(method: string, pathPrefix = BASE): FakeGraphCall[] {
    return this.calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix));
  }

  async stop(): Promise<void> {
    for (const release of this.releases) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({
        method: req.method ?? '',
        path: url.pathname,
        status,
        ...(tenant ? { tenant } : {}),
      });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    let tenant: string | undefined;
    // Entra: instance discovery, OpenID metadata, the token endpoint.
    if (url.pathname.endsWith('/discovery/instance')) {
      const host = url.host;
      return send(200, {
        tenant_discovery_endpoint: `${this.origin}/common/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }
    const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (meta) {
      const t = meta[1];
      return send(200, {
        issuer: `${this.origin}/${t}/v2.0`,
        authorization_endpoint: `${this.origin}/${t}/oauth2/v2.0/authorize`,
        token_endpoint: `${this.origin}/${t}/oauth2/v2.0/token`,
        end_session_endpoint: `${this.origin}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `${this.origin}/${t}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== this.clientId ||
        form.get('client_secret') !== this.clientSecret
      ) {
        return send(401, { error: 'invalid_client' });
      }
      // Entra knows no service principal of the app in a tenant that never consented.
      if (!this.consented.has(token[1]!) && this.tokenNeedsConsent) {
        return send(400, {
          error: 'unauthorized_client',
          error_description: 'AADSTS700016: Application not found in the directory',
          error_codes: [700016],
        });
      }
      const accessToken = `fake.${randomUUID()}`;
      this.tokens.set(accessToken, token[1]!);
      return send(200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      });
    }
    // Graph.
    if (!url.pathname.startsWith('/v1.0/')) return send(404, { error: { code: 'NotFound' } });
    tenant = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!tenant) return send(401, { error: { code: 'InvalidAuthenticationToken' } });
    if (this.down)
      return send(503, { error: { code: 'ServiceUnavailable' } }, { 'retry-after': '0' });
    const at = this.faults.findIndex((f) => `${req.method} ${url.pathname}`.startsWith(f.match));
    if (at >= 0) {
      const [{ fault }] = this.faults.splice(at, 1);
      if (fault === 'drop') {
        // Done, but the answer is lost (a crash or a cut between Graph and the product).
        this.graph(req.method ?? '', url, body, tenant, () => {}, ifMatchOf(req));
        this.calls.push({ method: req.method ?? '', path: url.pathname, status: 0, tenant });
        req.socket.destroy();
        return;
      }
      if ('hold' in fault) {
        fault.seen();
        await fault.hold;
      } else {
        return send(
          fault.status,
          { error: { code: 'Injected' } },
          fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}
        );
      }
    }
    if (!this.consented.has(tenant))
      return send(403, { error: { code: 'Authorization_RequestDenied' } });
    this.graph(req.method ?? '', url, body, tenant, send, ifMatchOf(req));
  }

  /** Every PATCH body the fake accepted, with the etag it named. */
  readonly patches: { id: string; ifMatch: string; body: Record<string, unknown> }[] = [];

  private patch(
    r: FakeGdap,
    body: string,
    ifMatch: string | undefined,
    send: (status: number, json?: unknown) => void
  ): void {
    if (!ifMatch) return send(400, { error: { code: 'BadRequest' } });
    if (ifMatch !== etagOf(r)) return send(412, { error: { code: 'PreconditionFailed' } });
    const input = JSON.parse(body) as Record<string, any>;
    const keys = Object.keys(input);
    const onlyAutoExtend = keys.every((k) => k === 'autoExtendDuration');
    if (r.status !== 'created' && !(onlyAutoExtend && r.status === 'active')) {
      return send(400, { error: { code: 'InvalidStateTransition' } });
    }
    if ('autoExtendDuration' in input) {
      const autoExtend = String(input.autoExtendDuration);
      if (!['PT0S', 'P0D', 'P180D'].includes(autoExtend))
        return send(400, { error: { code: 'BadRequest' } });
      if (autoExtend === 'P180D' && r.roleIds.includes(GLOBAL_ADMIN)) {
        return send(400, { error: { code: 'BadRequest' } });
      }
      r.autoExtendDuration = autoExtend;
    }
    this.patches.push({ id: r.id, ifMatch, body: input });
    return send(200, view(r));
  }

  private graph(
    method: string,
    url: URL,
    body: string,
    tenant: string,
    send: (status: number, json?: unknown) => void,
    ifMatch?: string
  ): void {
    const mine = [...this.relationships.values()].filter((r) => r.partnerTenantId === tenant);
    if (url.pathname === BASE && method === 'GET') {
      const filter = /^displayName eq '(.*)'$/.exec(url.searchParams.get('$filter') ?? '');
      const list = filter
        ? mine.filter((r) => r.displayName === filter[1]!.replace(/''/g, "'"))
        : mine;
      return send(200, { value: list.map(view) });
    }
    if (url.pathname === BASE && method === 'POST') {
      const input = JSON.parse(body) as Record<string, any>;
      const roleIds: string[] = (input.accessDetails?.unifiedRoles ?? []).map(
        (r: any) => r.roleDefinitionId
      );
      const days = Number(ISO_DAYS.exec(String(input.duration))?.[1] ?? NaN);
      const autoExtend = input.autoExtendDuration ?? 'PT0S';
      const name = String(input.displayName ?? '');
      if (!name || name.length > 50 || !(days >= 1 && days <= 730) || roleIds.length === 0) {
        return send(400, { error: { code: 'BadRequest' } });
      }
      if (!['PT0S', 'P0D', 'P180D'].includes(autoExtend))
        return send(400, { error: { code: 'BadRequest' } });
      if (autoExtend === 'P180D' && roleIds.includes(GLOBAL_ADMIN)) {
        return send(400, { error: { code: 'BadRequest' } });
      }
      if (mine.some((r) => r.displayName === name))
        return send(409, { error: { code: 'Conflict' } });
      const r: FakeGdap = {
        id: `${randomUUID()}-${randomUUID()}`,
        partnerTenantId: tenant,
        displayName: name,
        duration: String(input.duration),
        autoExtendDuration: autoExtend,
        customer: input.customer ?? { tenantId: '' },
        roleIds,
        status: 'created',
        createdDateTime: new Date().toISOString(),
        activatedDateTime: '',
        endDateTime: null,
        requests: [],
      };
      this.relationships.set(r.id, r);
      return send(201, view(r));
    }
    const one = new RegExp(`^${BASE}/([^/]+)(/requests)?$`).exec(url.pathname);
    const r = one ? this.relationships.get(decodeURIComponent(one[1]!)) : undefined;
    if (!one || !r || r.partnerTenantId !== tenant)
      return send(404, { error: { code: 'NotFound' } });
    if (!one[2] && method === 'GET') return send(200, view(r));
    if (!one[2] && method === 'PATCH') return this.patch(r, body, ifMatch, send);
    if (one[2] && method === 'POST') {
      const action = String((JSON.parse(body) as { action?: unknown }).action);
      r.requests.push(action);
      if (action === 'lockForApproval' && r.status === 'created') r.status = 'approvalPending';
      else if (
        action === 'terminate' &&
        ['approvalPending', 'active', 'expiring'].includes(r.status)
      ) {
        r.status = 'terminated';
        r.endDateTime = new Date().toISOString();
      } else return send(400, { error: { code: 'InvalidStateTransition' } });
      return send(201, { id: randomUUID(), action, status: 'created' });
    }
    return send(405, { error: { code: 'MethodNotAllowed' } });
  }
}

/** Changes with every property the product can change or read back (a version, as Graph's). */
export function etagOf(r: FakeGdap): string {
  const version = [r.status, r.autoExtendDuration, r.endDateTime ?? ''].join('|');
  return `W/"${Buffer.from(version).toString('base64')}"`;
}

function ifMatchOf(req: IncomingMessage): string | undefined {
  const value = req.headers['if-match'];
  return Array.isArray(value) ? value[0] : value;
}

function view(r: FakeGdap) {
  return {
    '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
    '@odata.etag': etagOf(r),
    id: r.id,
    displayName: r.displayName,
    duration: r.duration,
    customer: r.customer,
    accessDetails: { unifiedRoles: r.roleIds.map((id) => ({ roleDefinitionId: id })) },
    status: r.status,
    autoExtendDuration: r.autoExtendDuration,
    createdDateTime: r.createdDateTime,
    activatedDateTime: r.activatedDateTime,
    endDateTime: r.endDateTime,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
