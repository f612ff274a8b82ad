import { expect } from 'chai';
import type { Persona } from '../../helpers/personas.js';
import { cast } from '../relationships/relationships-world.js';
import { startReceiver } from '../api/webhook-receiver.js';
import {
  allowed,
  changed,
  COLUMNS,
  door,
  reads,
  ROWS,
  settled,
  startMatrix,
  type ApiDoor,
  type Column,
  type Matrix,
  type Row,
} from './authorization-matrix.js';

/**
 * The authorization matrix through the REST API's door: every route that reads or changes a
 * partner's records, called as every column of the bot's matrix (authorization-matrix.ts), the
 * answer expected from the same rule (`allowed`, from ROLE_MATRIX) as the card or command the
 * route is the door of. A route with no card or command is an `api` row of its own here.
 */

/** Routes nobody is refused by role, each with the reason (their own tests check them). */
const NOT_ROLE_CHECKED: Readonly<Record<string, string>> = {
  'GET /me': "the caller's own person, partner and roles: what they may do, for anyone",
  'GET /overview':
    "the caller's own partner, each part read by its own rule (the lists' rows check them)",
  'GET /openapi.json': 'the API document, public',
  'GET /dev/personas': 'open mode only: whom to sign in as (api-every-route-needs-a-token…)',
  'POST /dev/sign-in': 'open mode only: the sign-in itself',
};

const KEY = { name: 'Probe', scope: 'read-write' } as const;
/** The webhook receiver's URL (a local one: deliveries end at once, with no network). */
let hookUrl = '';
const subscribe = async (w: Matrix) =>
  (
    await w.app.app.modules.webhooks.service.create(cast.provider, {
      url: hookUrl,
      events: ['relationship.ended'],
    })
  ).subscription.id;
const byId = (field: string, route: string, suffix = ''): ApiDoor =>
  door(route, (d) => ({
    path: route.split(' ')[1]!.replace(/:\w+/, String(d[field])) + suffix,
  }));

/** The API's own routes: no card or command does what they do. */
const API_ROWS: readonly Row[] = [
  // --- API keys and webhooks: a partner's Global admins, for their own partner ---
  {
    name: 'list API keys',
    kind: 'api',
    side: 'reseller',
    rule: 'apiKeys.manage',
    own: true,
    api: reads('/api-keys'),
  },
  {
    name: 'create an API key',
    kind: 'api',
    side: 'reseller',
    rule: 'apiKeys.manage',
    own: true,
    changes: true,
    api: [door('POST /api-keys', () => ({ path: '/api-keys', body: KEY }))],
  },
  {
    name: 'revoke an API key',
    kind: 'api',
    side: 'reseller',
    rule: 'apiKeys.manage',
    changes: true,
    api: [byId('keyRef', 'DELETE /api-keys/:id')],
    async prepare(w) {
      const { key } = await w.app.app.modules.api.apiKeys.create(cast.reseller, KEY);
      return { data: { keyRef: key.id } };
    },
  },
  {
    name: 'list webhook subscriptions',
    kind: 'api',
    side: 'provider',
    rule: 'apiKeys.manage',
    own: true,
    api: reads('/webhooks'),
  },
  {
    name: 'subscribe a webhook',
    kind: 'api',
    side: 'provider',
    rule: 'apiKeys.manage',
    own: true,
    changes: true,
    api: [
      door('POST /webhooks', () => ({
        path: '/webhooks',
        body: { url: hookUrl, events: ['relationship.ended'] },
      })),
    ],
  },
  ...(
    [
      ['delete a webhook subscription', 'DELETE /webhooks/:id', true],
      ["a webhook subscription's deliveries", 'GET /webhooks/:id/deliveries', false],
      ['send a webhook test event', 'POST /webhooks/:id/test', true],
    ] as const
  ).map(([name, route, changes]): Row => ({
    name,
    kind: 'api',
    side: 'provider',
    rule: 'apiKeys.manage',
    changes,
    api: [byId('subscriptionRef', route)],
    prepare: async (w) => ({ data: { subscriptionRef: await subscribe(w) } }),
  })),

  // --- Microsoft Graph: the state, as `status` shows it ---
  {
    name: 'the Microsoft Graph connection',
    kind: 'api',
    side: 'provider',
    rule: 'partner.viewStatus',
    own: true,
    api: reads('/graph/connection'),
  },

  // --- bulk invitations: the dry run, and a job's progress, file and resumption ---
  {
    name: "check a file of customers (a reseller's dry run)",
    kind: 'api',
    side: 'reseller',
    rule: 'customers.invite',
    own: true,
    api: [
      door('POST /invitations/bulk/csv', () => ({
        path: '/invitations/bulk/csv',
        body: { csv: 'company\nFabrikam Checked\n' },
      })),
    ],
  },
  {
    name: "check a file of resellers (a provider's dry run)",
    kind: 'api',
    side: 'provider',
    rule: 'relationships.manage',
    own: true,
    api: [
      door('POST /invitations/bulk/csv', () => ({
        path: '/invitations/bulk/csv',
        body: { csv: 'email\nowner@newcomer.example\n' },
      })),
    ],
  },
  {
    name: "a bulk job of the reseller's",
    kind: 'api',
    side: 'reseller',
    rule: 'customers.invite',
    api: [
      byId('jobId', 'GET /invitations/bulk/:jobId'),
      byId('jobId', 'GET /invitations/bulk/:jobId.csv'),
      byId('jobId', 'POST /invitations/bulk/:jobId/resume'),
    ],
    async prepare(w) {
      await w.clear();
      const bulk = w.app.app.modules.api.bulk;
      const job = await bulk.start(cast.reseller, 'company\nFabrikam Bulk\n', 'en');
      // The run goes on in the background: done before the cases compare the database.
      const until = Date.now() + 15_000;
      while ((await bulk.job(cast.reseller, job.id))?.state !== 'done') {
        if (Date.now() > until) throw new Error('the bulk job did not finish');
        await new Promise((r) => setTimeout(r, 20));
      }
      return { data: { jobId: job.id } };
    },
  },

  // --- a provider's reseller invitations still waiting ---
  {
    name: "a provider's waiting reseller invitations",
    kind: 'api',
    side: 'provider',
    rule: 'relationships.view',
    own: true,
    api: [door('GET /invitations', () => ({ path: '/invitations?kind=reseller' }))],
  },
  {
    name: "one of a provider's waiting reseller invitations",
    kind: 'api',
    side: 'provider',
    rule: 'relationships.view',
    api: [byId('invitationRef', 'GET /invitations/:id', '?kind=reseller')],
    prepare: async (w) => ({ data: { invitationRef: await w.waitingInvitation() } }),
  },
];

/** Every row with a door to the API: the bot's rows that have one, then the API's own. */
const DOORS = [...ROWS, ...API_ROWS].flatMap((row) =>
  (row.api ?? []).map((d) => ({ row, door: d }))
);

/** Whether the column may go through this door: the row's rule, with the door's overrides. */
function apiAllowed(row: Row, d: ApiDoor, column: Column): boolean {
  return allowed({ ...row, own: d.own ?? row.own }, column)!;
}

/** A client of /api/v1 on the matrix's server, signed in (open mode) as people the bot saw. */
function apiClient(w: Matrix) {
  const base = `${w.app.url}/api/v1`;
  const tokens = new Map<string, string>();
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: json };
  };
  return {
    call,
    async signIn(who: Persona): Promise<string> {
      const key = `${who.tenantId}/${who.aadObjectId}`;
      const known = tokens.get(key);
      if (known) return known;
      const res = await call('POST', '/dev/sign-in', undefined, {
        aadObjectId: who.aadObjectId,
        tenantId: who.tenantId,
      });
      if (res.status !== 200) throw new Error(`sign-in as ${who.name}: ${res.status} ${res.text}`);
      tokens.set(key, res.body.token as string);
      return res.body.token as string;
    },
  };
}

/**
 * Waits until no webhook delivery is on its way (a test event, or an event an allowed action
 * emitted, sent to the local receiver), so a delivery finishing later is not read as the next
 * call's change. Polls a condition with a bound, as `settled` does.
 */
async function deliveriesAtRest(w: Matrix): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    // Delivery runs on wall-clock time (the world's calendar only stands still for the records).
    const now = new Date();
    const moving = await w.collection('webhook_deliveries').countDocuments({
      $or: [{ state: 'leased' }, { state: 'due', dueAt: { $lte: now } }],
    });
    if (moving === 0) return;
    if (Date.now() > until) throw new Error('webhook deliveries did not come to rest');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What each case starts from: no keys, subscriptions or bulk jobs left by an earlier one. */
async function reset(w: Matrix): Promise<void> {
  await deliveriesAtRest(w);
  for (const name of [
    'api_keys',
    'webhook_subscriptions',
    'webhook_deliveries',
    'bulk_invitation_jobs',
    'bulk_invitation_rows',
  ]) {
    await w.collection(name).deleteMany({});
  }
}

/**
 * The API matrix's cases for some columns, on a server of its own (two files run beside each
 * other, as the bot's matrix). The first part also checks that every route has a row.
 */
export function describeApiMatrix(
  part: string,
  columns: (c: Column) => boolean,
  options: { readonly checksTheTable?: boolean } = {}
): void {
  describe(`authorization matrix: every REST API route, ${part} (real server)`, function () {
    this.timeout(600_000);
    let w: Matrix;
    let api: ReturnType<typeof apiClient>;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      receiver = await startReceiver();
      hookUrl = receiver.url;
      w = await startMatrix({ WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_TIMEOUT_MS: '2000' });
      api = apiClient(w);
    });
    after(async () => {
      await w?.stop();
      await receiver?.close();
    });

    if (options.checksTheTable)
      it('every route the API declares has a row of the matrix or a named reason', () => {
        const declared = w.app.app.modules.api.operations.map(
          (op) => `${op.method.toUpperCase()} ${op.path}`
        );
        // The routes of every feature were found (webhooks, Graph, bulk), not only the api module's.
        expect(declared)
          .to.include('POST /webhooks/:id/test')
          .and.include('DELETE /graph/connection')
          .and.include('POST /invitations/bulk/csv');
        const covered = new Set([
          ...DOORS.map((d) => d.door.route),
          ...Object.keys(NOT_ROLE_CHECKED),
        ]);
        const missing = declared.filter((r) => !covered.has(r));
        expect(missing, 'API routes with no row in the authorization matrix').to.deep.equal([]);
        const stale = [...covered].filter((r) => !declared.includes(r));
        expect(stale, 'rows for API routes that no longer exist').to.deep.equal([]);
      });

    for (const { row, door: d } of DOORS) {
      if (typeof row.rule === 'object') continue;
      const changes = d.changes ?? row.changes;
      for (const column of COLUMNS.filter(columns)) {
        const expected = apiAllowed(row, d, column);
        it(`${d.route} (${row.kind === 'api' ? row.name : `${row.kind} ${row.name}`}, ${String(
          row.rule
        )}): ${expected ? 'allowed' : 'refused'} for ${column.title} of the ${row.side}`, async () => {
          const who = w.who(row, column);
          const token = await api.signIn(who);
          await reset(w);
          const { data = {} } = (await row.prepare?.(w)) ?? {};
          const { path, body } = await d.call(data, w);
          const method = d.route.split(' ')[0]!;
          // The database is compared when the answer says something about it: a refusal changes
          // nothing, an allowed change changes it (an allowed read is only its answer: cheaper).
          const compares = !expected || !!changes;
          const atRest = async () => {
            await deliveriesAtRest(w);
            return compares ? settled(w) : '';
          };
          const before = await atRest();
          const res = await api.call(method, path, token, method === 'GET' ? undefined : body);
          const after = await atRest();
          const seen = `${method} ${path}: ${res.status} ${res.text.slice(0, 400)}`;
          expect(res.status, seen).to.be.below(500);
          const rows: { ok: boolean; error?: { code: string } }[] | undefined =
            d.bulk && res.status === 200 ? res.body.results : undefined;
          if (expected) {
            expect(res.status, seen).to.be.within(200, 299);
            if (rows)
              expect(
                rows.every((r) => r.ok),
                seen
              ).to.equal(true);
            if (changes)
              expect(after, `the allowed call changed nothing: ${seen}`).to.not.equal(before);
          } else {
            if (rows) {
              // A bulk call answers per record: every record refused, as a single call would be.
              expect(rows, seen).to.not.be.empty;
              for (const r of rows) {
                expect(r.ok, seen).to.equal(false);
                expect(['notAllowed', 'notFound'], seen).to.include(r.error!.code);
              }
            } else {
              expect([403, 404], seen).to.include(res.status);
              expect(res.type, seen).to.include('application/problem+json');
            }
            expect(
              changed(before, after),
              `a refused call changed the database: ${seen}`
            ).to.deep.equal([]);
          }
          if (column.kind === 'otherTenant' || column.kind === 'noPartner') {
            const mine = w.sides[row.side].partner;
            expect(res.text, seen).to.not.include(mine.legalName).and.not.include(mine.partnerId);
          }
        });
      }
    }
  });
}
