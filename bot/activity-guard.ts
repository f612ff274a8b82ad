import { z } from 'zod';

/**
 * The one boundary check of an incoming activity, run by the messages route after the token
 * check and before anything reads or writes: every field the bot relies on is typed, bounded
 * and well-formed, or the request is refused (400) and nothing is stored. A few fields Teams may
 * legitimately send in odd shapes are sanitized instead (see `sanitize`). Query operators can
 * never reach the database through an activity: ids are plain strings of known formats, and
 * `$`-keys are dropped from card values.
 */
export type ActivityCheck =
  | { readonly ok: true; readonly activity: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

export interface ActivityGuardOptions {
  /**
   * No MicrosoftAppId: nobody vouches for `serviceUrl`; this machine is trusted as well then
   * (the Agents Playground and the Emulator listen there).
   */
  readonly openMode: boolean;
  /**
   * Hosts the operator adds to the Bot Framework / Teams service hosts (config
   * `TRUSTED_SERVICE_URL_HOSTS`): exact names, or `*.suffix` for any subdomain.
   */
  readonly trusted?: readonly string[];
}

/** Entra object ids and tenant ids are GUIDs; Teams always sends them so. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;

/** Teams refuses messages over about 28 KB, so no real text is longer. */
export const MAX_TEXT_CHARS = 28_000;
const MAX_ID = 1_024;
const MAX_NAME = 256;
const MAX_MEMBERS = 1_000;
const MAX_ENTITIES = 64;
const MAX_VALUE_DEPTH = 8;
const MAX_VALUE_KEYS = 1_000;

/** Hosts a serviceUrl may name in open mode besides the service hosts: this machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * The Bot Framework and Teams service hosts, in every cloud: the bot sends replies, and later
 * notifications, to the serviceUrl with its own token, so it must be Microsoft's even when the
 * token checked out (a token proves who sent the request, not that the URL is safe to call).
 * `smba.trafficmanager.net` exactly: any Azure customer can register `<name>.trafficmanager.net`.
 */
const SERVICE_HOSTS = [
  'smba.trafficmanager.net', // Teams, public cloud (/amer/, /emea/, /teams/...)
  '*.teams.microsoft.com', // Teams GCC (smba.infra.gcc.teams.microsoft.com)
  '*.teams.microsoft.us', // Teams GCC High and DoD (smba.infra.gov / .dod.teams.microsoft.us)
  '*.botframework.com', // Bot Framework channels (Direct Line, Web Chat), public cloud
  '*.botframework.azure.us', // Bot Framework, US Government clouds
  '*.botframework.us',
];

/** True when `host` is `entry`, or a subdomain of it for a `*.suffix` entry. */
function hostMatches(host: string, entry: string): boolean {
  return entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry;
}

const id = z.string().min(1).max(MAX_ID);
const optionalString = (max: number) => z.string().max(max).nullish();
const account = z.looseObject({
  id,
  // Display names are capped by sanitize(), not refused: Teams lets people pick long ones.
  name: z.string().nullish(),
  aadObjectId: z.string().regex(GUID, 'must be a GUID').nullish(),
  role: optionalString(32),
});
const member = z.looseObject({ id, name: z.string().nullish(), aadObjectId: z.string().nullish() });

const schema = z.looseObject({
  type: z.string().min(1).max(64),
  id: optionalString(MAX_ID),
  channelId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/),
  serviceUrl: z.string().min(1).max(2_048),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id,
    conversationType: optionalString(32),
    tenantId: z.string().regex(GUID, 'must be a GUID').nullish(),
    isGroup: z.boolean().nullish(),
  }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string().regex(GUID, 'must be a GUID').nullish() }).nullish(),
      team: z.looseObject({ id: optionalString(MAX_ID) }).nullish(),
    })
    .nullish(),
  locale: optionalString(64),
  text: z.string().nullish(),
  replyToId: optionalString(MAX_ID),
  name: optionalString(256),
  action: optionalString(64),
  entities: z.array(z.unknown()).max(MAX_ENTITIES).nullish(),
  attachments: z.array(z.unknown()).max(MAX_ENTITIES).nullish(),
  membersAdded: z.array(member).max(MAX_MEMBERS).nullish(),
  membersRemoved: z.array(member).max(MAX_MEMBERS).nullish(),
});

/**
 * `value` of an Action.Execute invoke (`adaptiveCard/action`): botbuilder reads `action.type`
 * and `action.verb` without checking, so a malformed one crashed the turn; each action's own
 * schema checks `data`'s fields afterwards.
 */
const cardActionValue = z.looseObject({
  action: z.looseObject({
    type: z.string().min(1).max(64),
    verb: z.string().max(256).nullish(),
    data: z.looseObject({}).nullish(),
  }),
  trigger: optionalString(32),
});

/**
 * One member from the Bot Connector's roster answers (TeamsInfo.getMember, pagedmembers). The
 * bot records these as users, so they are checked as an activity is: an object id that is not a
 * GUID string (a query operator, a number) would reach a database filter.
 */
const rosterMember = z.looseObject({
  id: z.string().max(MAX_ID).nullish(),
  aadObjectId: z.string().regex(GUID).nullish(),
  tenantId: z.string().regex(GUID).nullish(),
  name: z.string().nullish(),
  email: z.string().max(320).nullish(),
  userPrincipalName: z.string().max(320).nullish(),
});

/** The member as the bot may use it, or undefined when its fields are not what Teams sends. */
export function rosterEntry(value: unknown):
  | {
      id?: string;
      aadObjectId?: string;
      tenantId?: string;
      name?: string;
      email?: string;
      userPrincipalName?: string;
    }
  | undefined {
  const parsed = rosterMember.safeParse(value);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  return {
    ...(m.id ? { id: m.id } : {}),
    ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
    ...(m.tenantId ? { tenantId: m.tenantId } : {}),
    ...(m.name ? { name: m.name } : {}),
    ...(m.email ? { email: m.email } : {}),
    ...(m.userPrincipalName ? { userPrincipalName: m.userPrincipalName } : {}),
  };
}

/** Why `serviceUrl` may not be used, or undefined when it may. */
export function serviceUrlProblem(url: string, options: ActivityGuardOptions): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '"serviceUrl" must be a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return '"serviceUrl" must be an http(s) URL';
  if (parsed.username || parsed.password) return '"serviceUrl" must not carry credentials';
  const host = parsed.hostname.toLowerCase();
  const local = LOCAL_HOSTS.has(host);
  // The bot's token travels with every call: in the clear only to this machine.
  if (parsed.protocol === 'http:' && !local) return '"serviceUrl" must be https';
  if (options.openMode && local) return undefined;
  const trusted = [...SERVICE_HOSTS, ...(options.trusted ?? [])];
  if (trusted.some((entry) => hostMatches(host, entry))) return undefined;
  return '"serviceUrl" must be a Bot Framework or Teams service host (or one in TRUSTED_SERVICE_URL_HOSTS)';
}

/** Why a card value cannot be used (too deep or too large), or undefined. */
function valueProblem(value: unknown): string | undefined {
  let keys = 0;
  const walk = (v: unknown, depth: number): string | undefined => {
    if (v === null || typeof v !== 'object') return undefined;
    if (depth > MAX_VALUE_DEPTH) return '"value" is nested too deeply';
    for (const item of Array.isArray(v) ? v : Object.values(v)) {
      if (++keys > MAX_VALUE_KEYS) return '"value" has too many fields';
      const problem = walk(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(value, 0);
}

/**
 * Card values copied without keys that could be read as query operators or prototype
 * paths (`$gt`, `__proto__`): no card of ours has such a field, so nothing is lost.
 */
function withoutOperatorKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutOperatorKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(v)) {
    if (k.startsWith('$') || k === '__proto__' || k === 'constructor' || k === 'prototype')
      continue;
    out[k] = withoutOperatorKeys(item);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A display name as the bot may store and show it: no control characters, bounded. */
function capName(account: unknown): void {
  if (isObject(account) && typeof account.name === 'string')
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    account.name = account.name.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_NAME);
}

/**
 * Repairs what Teams may send oddly without meaning harm: entities without a type or with a
 * mention of nobody are dropped (the SDK's mention helpers would crash on them), malformed
 * locales are dropped (the user's stored language, or English, applies), long names are cut.
 */
function sanitize(a: Record<string, unknown>): void {
  if (Array.isArray(a.entities)) {
    a.entities = a.entities.filter(
      (e) =>
        isObject(e) &&
        typeof e.type === 'string' &&
        (e.type !== 'mention' || (isObject(e.mentioned) && typeof e.mentioned.id === 'string'))
    );
  }
  if (typeof a.locale === 'string' && !LOCALE.test(a.locale)) delete a.locale;
  if (typeof a.text === 'string' && a.text.length > MAX_TEXT_CHARS)
    a.text = a.text.slice(0, MAX_TEXT_CHARS);
  capName(a.from);
  capName(a.recipient);
  for (const list of [a.membersAdded, a.membersRemoved])
    if (Array.isArray(list)) list.forEach(capName);
  if (a.value !== undefined) a.value = withoutOperatorKeys(a.value);
}

/** Checks and sanitizes a parsed body (a copy: the caller's object is not changed). */
export function checkActivity(body: unknown, options: ActivityGuardOptions): ActivityCheck {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `"${issue.path.join('.')}" ${issue.message}` };
  }
  const activity = structuredClone(parsed.data) as Record<string, unknown>;
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
    const value = cardActionValue.safeParse(activity.value);
    if (!value.success) {
      const issue = value.error.issues[0];
      return { ok: false, problem: `"${['value', ...issue.path].join('.')}" ${issue.message}` };
    }
  }
  const urlProblem = serviceUrlProblem(String(activity.serviceUrl), options);
  if (urlProblem) return { ok: false, problem: urlProblem };
  const problem = valueProblem(activity.value);
  if (problem) return { ok: false, problem };
  sanitize(activity);
  return { ok: true, activity };
}
