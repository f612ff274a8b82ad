import type { ProductModulesOptions } from '../../../app-modules.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { Persona } from '../../helpers/personas.js';
import { cast, startRelationshipsWorld } from '../relationships/relationships-world.js';

export { cast };
/** The bulk jobs' driver in tests: a job whose driver died is taken over a second later. */
export const FAST_BULK = { leaseMs: 1000, pollMs: 50 };
/** Global Reader for a year, no auto-extend, as the service takes it. */
export const GRANT = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

/** A person of a new tenant (another partner's Global admin). */
export function outsider(n: number, givenName: string, organization: string): Persona {
  const tenantId = `${String(40 + n).padStart(8, '4')}-4444-4444-4444-444444444444`;
  return {
    ...cast.reseller,
    id: `api-${n}`,
    tenantId,
    aadObjectId: `${tenantId.slice(0, 8)}-0000-4000-8000-000000000001`,
    name: `${givenName} Admin`,
    givenName,
    surname: 'Admin',
    email: `${givenName.toLowerCase()}@${organization.toLowerCase().replace(/\W/g, '')}.example`,
    upn: `${givenName.toLowerCase()}@${organization.toLowerCase().replace(/\W/g, '')}.example`,
    organization,
  };
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any;
}

/**
 * The relationships world (the real app, an approved reseller and provider, a clock that stands
 * still) plus an HTTP client of the REST API: `as(who)` signs in as a person the bot has seen
 * (open mode) or, with `auth`, sends a Teams SSO token signed by the local key set.
 */
export async function startApiWorld(
  env: Record<string, string> = {},
  options: {
    readonly auth?: boolean;
    readonly bulk?: ProductModulesOptions['bulk'];
    /** The driver reports each database command (a test counting a call's commands). */
    readonly monitorCommands?: boolean;
  } = {}
) {
  const world = await startRelationshipsWorld(env, {
    ...(options.auth ? { auth: true } : {}),
    ...(options.bulk ? { bulk: options.bulk } : {}),
    ...(options.monitorCommands ? { dbOptions: { monitorCommands: true } } : {}),
  });
  const base = `${world.app.url}/api/v1`;
  const tokens = new Map<string, string>();

  async function call(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}
  ): Promise<ApiAnswer> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    // The BOM kept: fetch's text() would drop it, and the CSV test looks for it.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body };
  }

  async function tokenOf(who: Persona): Promise<string> {
    const key = `${who.tenantId}/${who.aadObjectId}`;
    const known = tokens.get(key);
    if (known) return known;
    let token: string;
    if (options.auth) {
      token = await world.app.auth!.entraToken({
        audience: world.app.config.microsoftAppId!,
        tenantId: who.tenantId,
        oid: who.aadObjectId,
        name: who.name,
      });
    } else {
      const res = await call('POST', '/dev/sign-in', {
        body: { aadObjectId: who.aadObjectId, tenantId: who.tenantId },
      });
      if (res.status !== 200) throw new Error(`sign-in as ${who.name}: ${res.status} ${res.text}`);
      token = res.body.token as string;
    }
    tokens.set(key, token);
    return token;
  }

  /** A partner of its own tenant whose admin has talked to the bot. */
  async function partnerOf(
    type: 'reseller' | 'provider',
    admin: Persona,
    over: Partial<Partner> = {}
  ): Promise<Partner> {
    await world.app.post(world.app.teams.install(admin));
    return world.approvedPartner(type, admin, { legalName: admin.organization, ...over });
  }

  return {
    ...world,
    base,
    call,
    tokenOf,
    partnerOf,
    /** A call as `who` (signed in once, then the same token). */
    as(who: Persona) {
      const send = async (
        method: string,
        path: string,
        body?: unknown,
        headers?: Record<string, string>
      ) => call(method, path, { token: await tokenOf(who), body, headers });
      return {
        get: (path: string, headers?: Record<string, string>) =>
          send('GET', path, undefined, headers),
        post: (path: string, body: unknown = {}, headers?: Record<string, string>) =>
          send('POST', path, body, headers),
        put: (path: string, body: unknown) => send('PUT', path, body),
      };
    },
    actor: (who: Persona) => ({
      tenantId: who.tenantId,
      aadObjectId: who.aadObjectId,
      name: who.name,
    }),
  };
}

export type ApiWorld = Awaited<ReturnType<typeof startApiWorld>>;
