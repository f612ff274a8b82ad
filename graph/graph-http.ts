import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { GraphConfig } from '../config/config.js';
import { GraphRefusedError } from '../domain/gdap/graph-gateway.port.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../notifications/clock.js';

/** Attempts of one call at most (the first and three retries): a sweep retries later. */
export const GRAPH_MAX_ATTEMPTS = 4;
/** The longest Retry-After honoured in place; longer leaves the call to the next sweep. */
export const GRAPH_MAX_RETRY_AFTER_MS = 30_000;
const BACKOFF_MS = 500;
/** OAuth errors of the token endpoint that mean "this app may not act in this tenant". */
const REFUSED_TOKEN_CODES = new Set(['unauthorized_client', 'invalid_client', 'invalid_grant']);
const TIMEOUT_MS = 20_000;

/** A Graph answer: status, headers and the parsed JSON body (undefined when empty). */
export interface GraphResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** Graph stayed unavailable (5xx, 429, the network) for every attempt of one call. */
export class GraphUnavailableError extends Error {
  constructor(readonly status: number | undefined) {
    super(`Microsoft Graph unavailable (${status ?? 'network'})`);
    this.name = 'GraphUnavailableError';
  }
}

/**
 * Calls Microsoft Graph as a partner's tenant: an app-only token by client credentials from
 * that tenant (msal-node, cached in memory per tenant, never stored or logged), JSON over
 * HTTPS, 429 retried after its Retry-After and 5xx with backoff, bounded.
 */
export class GraphHttp {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly agent: https.Agent;
  private readonly ca?: string[];
  private readonly log: Logger;

  constructor(
    private readonly config: GraphConfig,
    private readonly clock: Pick<Clock, 'sleep'>,
    logger: Logger
  ) {
    this.log = logger.child({ module: 'graph' });
    if (config.extraCaFile) {
      this.ca = [...tls.rootCertificates, fs.readFileSync(config.extraCaFile, 'utf8')];
    }
    this.agent = new https.Agent({ keepAlive: true, ...(this.ca ? { ca: this.ca } : {}) });
  }

  /**
   * `GET|POST|PATCH|DELETE <GRAPH_BASE_URL><path>` as `tenantId`; returns whatever status Graph
   * gave. A PATCH is repeated like a GET: it sets values, and its If-Match makes a repeat of one
   * already done a 412 rather than a second change.
   */
  async call(
    tenantId: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {}
  ): Promise<GraphResponse> {
    let lastStatus: number | undefined;
    // A POST that failed or timed out may have been done: only the caller knows how to look it
    // up (GDAP by its display name), so it is not repeated here. 429 means "not done".
    const repeatable = method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      let res: GraphResponse | undefined;
      try {
        const token = await this.token(tenantId);
        res = await this.send(method, `${this.config.baseUrl}${path}`, token, body, headers);
      } catch (err) {
        if (err instanceof GraphRefusedError) throw err;
        if (!repeatable || attempt >= GRAPH_MAX_ATTEMPTS) throw err;
        this.log.warn({ err, attempt }, 'Graph call failed; retrying');
        await this.clock.sleep(BACKOFF_MS * 2 ** (attempt - 1));
        continue;
      }
      lastStatus = res.status;
      if (res.status !== 429 && res.status < 500) return res;
      if (attempt >= GRAPH_MAX_ATTEMPTS || (res.status !== 429 && !repeatable)) break;
      // Graph sends Retry-After with 429 and with some 503s: honoured, up to a bound.
      const wait = retryAfterMs(res.headers['retry-after']);
      if (wait !== undefined && wait > GRAPH_MAX_RETRY_AFTER_MS) break;
      this.log.warn({ status: res.status, attempt, waitMs: wait }, 'Graph busy; retrying');
      await this.clock.sleep(wait ?? BACKOFF_MS * 2 ** (attempt - 1));
    }
    throw new GraphUnavailableError(lastStatus);
  }

  private async token(tenantId: string): Promise<string> {
    const { clientId, clientSecret, authorityHost } = this.config;
    if (!clientId || !clientSecret) throw new Error('GRAPH_CLIENT_ID / GRAPH_CLIENT_SECRET unset');
    let app = this.apps.get(tenantId);
    if (!app) {
      app = new ConfidentialClientApplication({
        auth: {
          clientId,
          clientSecret,
          authority: `${authorityHost}/${encodeURIComponent(tenantId)}`,
          // The configured host is trusted as it is: no instance discovery at Microsoft's.
          knownAuthorities: [new URL(authorityHost).host],
        },
        system: this.ca ? { customAgentOptions: { ca: this.ca } } : {},
      });
      this.apps.set(tenantId, app);
    }
    // msal-node keeps the token in its in-memory cache until shortly before it expires.
    let result;
    try {
      result = await app.acquireTokenByClientCredential({
        scopes: [`${new URL(this.config.baseUrl).origin}/.default`],
      });
    } catch (err) {
      // Entra refuses the app in this tenant (no consent, or it was withdrawn: AADSTS700016,
      // 7000229) or its credentials: no retry cures that; the partner is told instead.
      const code = (err as { errorCode?: unknown }).errorCode;
      if (typeof code === 'string' && REFUSED_TOKEN_CODES.has(code)) {
        throw new GraphRefusedError(401, code);
      }
      throw err;
    }
    if (!result?.accessToken) throw new Error('Entra gave no access token');
    return result.accessToken;
  }

  private send(
    method: string,
    url: string,
    token: string,
    body: unknown,
    extra: Readonly<Record<string, string>>
  ): Promise<GraphResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: TIMEOUT_MS,
          headers: {
            ...extra,
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
          res.on('error', reject);
        }
      );
      req.on('timeout', () => req.destroy(new Error('Graph call timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Retry-After in seconds (Graph's form) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
