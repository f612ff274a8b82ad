import { createHash } from 'node:crypto';
import type { ConnectorCall, ConnectorGate, FakeConnector } from '../helpers/fake-connector.js';
import { visible } from '../e2e/security/security-world.js';
import type { Persona } from '../helpers/personas.js';

/** Seeded random numbers (mulberry32): a failing soak run is replayed with the seed it printed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, by `random`. */
export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * A person in a tenant of their own, with GUID ids as Teams sends them (the activity guard
 * refuses anything else). `group` keeps the tenants of resellers, providers and newcomers apart.
 */
export function soakPersona(group: number, n: number, role: string, locale = 'en-US'): Persona {
  const tenantId = `${hex(0x50a00000 + group * 0x1000 + n, 8)}-0000-4000-8000-${hex(n, 12)}`;
  const givenName = `${role[0].toUpperCase()}${role.slice(1)}${n}`;
  const email = `${givenName.toLowerCase()}@${role}${n}.example`;
  return {
    id: `user-soak-${role}-${n}`,
    tenantId,
    aadObjectId: `${hex(0xa0000000 + group * 0x1000 + n, 8)}-0000-4000-8000-${hex(n, 12)}`,
    name: `${givenName} Soak`,
    givenName,
    surname: 'Soak',
    email,
    upn: email,
    locale,
    organization: `${role} ${n}`,
  };
}

/** How often the connector misbehaves, by kind (fractions of all calls). */
export interface FaultMix {
  readonly throttled: number;
  readonly serverError: number;
  /** The connector gives up on Teams: 504 after `slowMs`. */
  readonly gatewayTimeout: number;
  /** Answered normally, after `slowMs`. */
  readonly slow: number;
  readonly slowMs: readonly [number, number];
  /** Faults in a row for one send at most (see `flakyConnectorGate`). */
  readonly maxInARow: number;
}

/**
 * A gate for the fake connector that answers a fraction of calls with 429 (Retry-After),
 * 500/502/503, a 504 after a wait, or a slow success. One send (the same content to the same
 * conversation) never gets more than `maxInARow` faults in a row: these are the transient faults
 * Teams produces all day, which the SDK's retries (turn replies, 3) and the outbox
 * (notifications) must absorb; an outage that outlasts the retries is the dead-letter tests'
 * subject, not this one's (with independent faults a reply failing four times would turn up
 * every few runs, and the test would be flaky rather than informative).
 */
export function flakyConnectorGate(random: () => number, mix: FaultMix) {
  const inARow = new Map<string, number>();
  const injected: Record<string, number> = {};
  let calls = 0;
  const gate: ConnectorGate = (call) => {
    calls++;
    // Retries of one send carry the same content (a proactive retry gets a new replyToId).
    // A notice's card carries its text as the summary: both tell notices apart.
    const key = `${call.method} ${call.conversationId ?? call.path} ${contentHash(
      call.body?.text ?? call.body?.summary,
      call.body?.attachments?.[0]?.content
    )}`;
    const row = inARow.get(key) ?? 0;
    const wait = () => Math.round(mix.slowMs[0] + random() * (mix.slowMs[1] - mix.slowMs[0]));
    let x = random();
    const take = (share: number) => (x -= share) < 0;
    let rule: ReturnType<ConnectorGate>;
    if (row >= mix.maxInARow) rule = undefined;
    else if (take(mix.throttled))
      rule = { status: 429, retryAfterSeconds: pick(random, [0, 1, 1, 2]) };
    else if (take(mix.serverError)) rule = { status: pick(random, [500, 502, 503]) };
    else if (take(mix.gatewayTimeout)) rule = { status: 504, delayMs: wait() };
    else if (take(mix.slow)) rule = { delayMs: wait() };
    const label = rule?.status ? String(rule.status) : rule ? 'slow' : undefined;
    if (label) injected[label] = (injected[label] ?? 0) + 1;
    if (rule?.status) inARow.set(key, row + 1);
    else inARow.delete(key);
    return rule;
  };
  return {
    gate,
    /** Faults injected so far, by status ('slow' for slow successes). */
    injected,
    get calls() {
      return calls;
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight, as many Teams clients at once. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** What a person sees of an activity the bot sent: its text and card, as one short hash. */
export function contentHash(text: unknown, card: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify([text ?? null, card ?? null]))
    .digest('hex')
    .slice(0, 16);
}

const ACTIVITY_PATH = /\/activities(\/[^/]+)?$/;

/** An activity the bot sent in answer to a turn: its id and what the person reads in it. */
export interface Reply {
  readonly id: string;
  readonly seen: string;
}

/**
 * Compact bookkeeping of what the bot sent: the fake connector keeps every call with its body
 * (tens of megabytes over a soak, which would drown the bot's own heap in the measurement), so
 * calls are taken out as they come and only what the checks need is kept: the replies to turns
 * still waiting for their check, and counts of everything else the bot posted.
 */
export class ConnectorLedger {
  /** Turns whose replies are collected until `takeReplies`. */
  private readonly waiting = new Map<string, Reply[]>();
  /** Posts that answered no turn (the outbox's), by `conversationId|contentHash`. */
  private readonly posted = new Map<string, number>();
  /** Posts that answered no turn. */
  proactivePosts = 0;
  /** Activities sent (replies or not) whose text is one of the watched apologies. */
  apologies = 0;

  constructor(
    private readonly connector: FakeConnector,
    private readonly apologyTexts: ReadonlySet<string> = new Set()
  ) {}

  /** Collects the replies to the activity `activityId` (call before posting it). */
  expectReply(activityId: string): void {
    this.waiting.set(activityId, []);
  }

  /** The replies (POST or PUT with that replyToId) to a turn, and stops collecting them. */
  takeReplies(activityId: string): Reply[] {
    this.absorb();
    const replies = this.waiting.get(activityId) ?? [];
    this.waiting.delete(activityId);
    return replies;
  }

  /** Takes the calls the connector recorded so far into the ledger. */
  absorb(): void {
    for (const call of this.connector.calls.splice(0)) this.add(call);
  }

  /** How many times the outbox's sends put this content in a conversation. */
  timesPosted(conversationId: string, hash: string): number {
    return this.posted.get(`${conversationId}|${hash}`) ?? 0;
  }

  private add(call: ConnectorCall): void {
    if (call.status >= 300 || !ACTIVITY_PATH.test(call.path)) return;
    if (call.method !== 'POST' && call.method !== 'PUT') return;
    const body = call.body ?? {};
    if (typeof body.text === 'string' && this.apologyTexts.has(body.text)) this.apologies++;
    const replies = typeof body.replyToId === 'string' && this.waiting.get(body.replyToId);
    if (replies) {
      replies.push({ id: String(call.response?.id ?? ''), seen: visible(body) });
      return;
    }
    if (call.method !== 'POST') return;
    this.proactivePosts++;
    const key = `${call.conversationId}|${contentHash(
      body.text ?? body.summary,
      body.attachments?.[0]?.content
    )}`;
    this.posted.set(key, (this.posted.get(key) ?? 0) + 1);
  }
}
