import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { teamsMember, type TeamsPersona } from './teams-activity.js';

/** One request the bot made to the connector, with what it was answered. */
export interface ConnectorCall {
  readonly method: string;
  /** Decoded path, e.g. `/v3/conversations/a:1/activities/f:2`. */
  readonly path: string;
  readonly conversationId?: string;
  /** The activity id in the path (reply-to / update target), if any. */
  readonly activityId?: string;
  /** Parsed JSON body (undefined for GET). */
  readonly body: any;
  readonly headers: IncomingHttpHeaders;
  readonly status: number;
  /** What the connector answered (a posted activity's `{ id }`). */
  readonly response?: any;
  readonly at: Date;
}

/** A scripted answer for matching calls: a failure, a slow success, or both. */
export interface ConnectorRule {
  readonly method?: string;
  /** Matches the decoded path (a string matches as a substring). */
  readonly path?: RegExp | string;
  readonly conversationId?: string;
  /** Status to answer instead of the normal response (e.g. 429, 500, 403, 404). */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** Wait this long before answering (normally or with `status`). */
  readonly delayMs?: number;
  /** Answer only once this settles: holds calls in flight until the test releases them. */
  readonly until?: Promise<unknown>;
  readonly body?: unknown;
  /** How many matching calls this rule answers; default 1, `Infinity` for all. */
  readonly times?: number;
}

type Member = ReturnType<typeof teamsMember>;

/** Decides per call, before the scripted rules (see `FakeConnector.setGate`). */
export type ConnectorGate = (call: {
  readonly method: string;
  readonly path: string;
  readonly conversationId?: string;
  readonly body: any;
}) => ConnectorRule | undefined;

/**
 * A local Bot Connector: the REST endpoints the bot calls to send, reply, update and look up
 * members. It records every call and can be scripted to fail or be slow.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private rules: { rule: ConnectorRule; left: number }[] = [];
  private gate?: ConnectorGate;
  private readonly members = new Map<string, Member>();
  private pagedMembersMax = Infinity;
  private waiters = new Set<() => void>();
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    /** Base URL to use as the activities' `serviceUrl`. */
    readonly url: string
  ) {}

  /** Starts a connector on a free 127.0.0.1 port. */
  static async start(): Promise<FakeConnector> {
    let connector: FakeConnector | undefined;
    const server = http.createServer((req, res) => void connector!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    connector = new FakeConnector(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    );
    return connector;
  }

  /** Adds a scripted rule; rules are tried in the order added. */
  script(rule: ConnectorRule): this {
    this.rules.push({ rule, left: rule.times ?? 1 });
    return this;
  }

  /**
   * Consulted before the rules on every call: a rule to answer this call with (a 429 past a
   * rate limit), or undefined to go on as usual. One gate at a time; `undefined` removes it.
   */
  setGate(gate: ConnectorGate | undefined): this {
    this.gate = gate;
    return this;
  }

  /** The next matching call(s) get `status` (429 gets Retry-After: 1 unless given). */
  fail(status: number, match: Omit<ConnectorRule, 'status'> = {}): this {
    return this.script({ retryAfterSeconds: status === 429 ? 1 : undefined, ...match, status });
  }

  /** The next matching call(s) are answered normally after `delayMs`. */
  slow(delayMs: number, match: Omit<ConnectorRule, 'delayMs'> = {}): this {
    return this.script({ ...match, delayMs });
  }

  /** Makes people known to member lookups (TeamsInfo.getMember, pagedmembers). */
  addMembers(...people: (TeamsPersona | Member)[]): this {
    for (const p of people) {
      const m = 'id' in p ? p : teamsMember(p);
      this.members.set(m.id, m);
    }
    return this;
  }

  /**
   * Answers pagedmembers with at most `size` members a page (and a continuationToken while
   * more remain), whatever pageSize the bot asks for, so that paging is exercised.
   */
  pageMembersBy(size: number): this {
    this.pagedMembersMax = size;
    return this;
  }

  /** Activities the bot sent (new messages and replies), optionally in one conversation. */
  activities(conversationId?: string): any[] {
    return this.calls
      .filter(
        (c) => c.method === 'POST' && /\/activities(\/[^/]+)?$/.test(c.path) && c.status < 300
      )
      .filter((c) => !conversationId || c.conversationId === conversationId)
      .map((c) => c.body);
  }

  /**
   * What the bot showed in a conversation, in order: new messages and cards it updated in place
   * (PUT), each as the activity it sent.
   */
  shown(conversationId?: string): any[] {
    return this.calls
      .filter(
        (c) =>
          (c.method === 'POST' || c.method === 'PUT') &&
          /\/activities(\/[^/]+)?$/.test(c.path) &&
          c.status < 300
      )
      .filter((c) => !conversationId || c.conversationId === conversationId)
      .map((c) => c.body);
  }

  /** Texts of the activities the bot sent. */
  texts(conversationId?: string): string[] {
    return this.activities(conversationId)
      .map((a) => a.text)
      .filter((text): text is string => typeof text === 'string');
  }

  /** Resolves with the first call (already made or future) matching, or rejects after `timeoutMs`. */
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs = 5_000): Promise<ConnectorCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const call = this.calls.find(predicate);
        if (!call) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `FakeConnector.waitFor: no matching call within ${timeoutMs} ms; calls: ${this.describe()}`
          )
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits for an activity the bot sent that matches (by default any). */
  async waitForActivity(
    predicate: (activity: any) => boolean = () => true,
    timeoutMs = 5_000
  ): Promise<any> {
    const call = await this.waitFor(
      (c) =>
        c.method === 'POST' &&
        /\/activities(\/[^/]+)?$/.test(c.path) &&
        c.status < 300 &&
        predicate(c.body),
      timeoutMs
    );
    return call.body;
  }

  /** Forgets calls and rules (members stay). */
  reset(): void {
    this.calls.length = 0;
    this.rules = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private describe(): string {
    return JSON.stringify(this.calls.map((c) => `${c.method} ${c.path} -> ${c.status}`));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
    const method = req.method ?? 'GET';
    const m =
      /^\/v3\/conversations\/([^/]+)(?:\/(activities|members|pagedmembers)(?:\/([^/]+))?)?/.exec(
        path
      );
    const conversationId = m?.[1];
    const activityId = m?.[2] === 'activities' ? m[3] : undefined;
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }

    const rule =
      this.gate?.({ method, path, conversationId, body }) ??
      this.takeRule(method, path, conversationId);
    if (rule?.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    if (rule?.until) await rule.until.catch(() => undefined);
    let status: number;
    let answer: unknown;
    if (rule?.status) {
      status = rule.status;
      answer = rule.body ?? { error: { code: `Status${status}`, message: 'scripted failure' } };
      if (rule.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(rule.retryAfterSeconds));
    } else {
      [status, answer] = this.respond(method, path, m, body, url.searchParams);
    }
    this.calls.push({
      method,
      path,
      conversationId,
      activityId,
      body,
      headers: req.headers,
      status,
      response: answer,
      at: new Date(),
    });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(answer === undefined ? '' : JSON.stringify(answer));
    for (const waiter of [...this.waiters]) waiter();
  }

  private takeRule(
    method: string,
    path: string,
    conversationId?: string
  ): ConnectorRule | undefined {
    const entry = this.rules.find(
      ({ rule, left }) =>
        left > 0 &&
        (!rule.method || rule.method.toUpperCase() === method) &&
        (!rule.conversationId || rule.conversationId === conversationId) &&
        (!rule.path ||
          (typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path)))
    );
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.rule;
  }

  private respond(
    method: string,
    path: string,
    m: RegExpExecArray | null,
    body: any,
    query: URLSearchParams
  ): [number, unknown] {
    const notFound: [number, unknown] = [
      404,
      { error: { code: 'NotFound', message: `no route ${method} ${path}` } },
    ];
    if (method === 'POST' && path === '/v3/conversations') {
      const member = body?.members?.[0]?.id ?? `anon-${this.nextId}`;
      const id = `a:created-${member}`;
      return [201, { id, activityId: body?.activity ? `activity-${this.nextId++}` : undefined }];
    }
    if (!m) return notFound;
    const [, , kind, sub] = m;
    if (kind === 'activities') {
      if (method === 'POST') return [200, { id: `activity-${this.nextId++}` }];
      if (method === 'PUT' && sub) return [200, { id: sub }];
      if (method === 'DELETE' && sub) return [200, {}];
    }
    if (kind === 'members' && method === 'GET') {
      if (!sub) return [200, [...this.members.values()]];
      const member =
        this.members.get(sub) ?? [...this.members.values()].find((x) => x.aadObjectId === sub);
      return member
        ? [200, member]
        : [404, { error: { code: 'MemberNotFoundInConversation', message: sub } }];
    }
    if (kind === 'pagedmembers' && method === 'GET') return [200, this.pagedMembers(query)];
    return notFound;
  }

  /** A page of the roster; the continuationToken is the offset of the next page. */
  private pagedMembers(query: URLSearchParams): { members: Member[]; continuationToken?: string } {
    const all = [...this.members.values()];
    const from = Number(query.get('continuationToken') ?? 0) || 0;
    const size = Math.min(Number(query.get('pageSize')) || Infinity, this.pagedMembersMax);
    const members = all.slice(from, from + size);
    const next = from + members.length;
    return next < all.length ? { members, continuationToken: String(next) } : { members };
  }
}

/** Starts a FakeConnector (see the class). */
export const startFakeConnector = () => FakeConnector.start();
