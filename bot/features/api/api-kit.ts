import { SCOPE_ROLES } from '../../../domain/api-keys/api-key.js';
import type { Actor } from '../../../domain/partners/actor.js';
import type { MembershipService } from '../../../domain/partners/membership.service.js';
import { can, type Action, type Role } from '../../../domain/partners/roles.js';
import type { UserRepository } from '../../../domain/partners/user-repository.port.js';
import type { z } from 'zod';
import { apiRoute, type AnyApiRoute, type ApiCaller } from '../../../web/api/api-route.js';

/** Rows an export reads per page, and the most it exports (issue 30: 10,000 rows). */
export const EXPORT_PAGE = 100;
export const EXPORT_MAX_ROWS = 10_000;

/** What every API route asks: who the caller is as the bot knows them, and what they hold. */
export class ApiKit {
  constructor(
    private readonly deps: {
      readonly memberships: MembershipService;
      readonly users: UserRepository;
    }
  ) {}

  /** The caller as the bot's Actor: the token's person, with the name and email Teams gave. */
  async actorOf(caller: ApiCaller): Promise<Actor> {
    if (caller.apiKey) {
      // A key is nobody the bot knows: it acts as its partner with its scope's roles.
      return {
        tenantId: caller.tenantId,
        aadObjectId: caller.aadObjectId,
        ...(caller.name ? { name: caller.name } : {}),
        apiKey: {
          keyId: caller.apiKey.id,
          partnerRef: caller.apiKey.partnerRef,
          roles: SCOPE_ROLES[caller.apiKey.scope],
        },
      };
    }
    const known = await this.deps.users.get(caller);
    const name = caller.name ?? known?.name;
    const email = known?.email ?? known?.upn;
    return {
      tenantId: caller.tenantId,
      aadObjectId: caller.aadObjectId,
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
    };
  }

  /** Whether the actor may do a role-matrix action on their own partner (no throw). */
  async may(actor: Actor, action: Action): Promise<boolean> {
    const { roles } = await this.deps.memberships.rolesOf(actor);
    return can(action, roles, this.deps.memberships.isOperator(actor));
  }

  async roles(actor: Actor): Promise<Role[]> {
    return (await this.deps.memberships.rolesOf(actor)).roles;
  }

  isOperator(actor: Actor): boolean {
    return this.deps.memberships.isOperator(actor);
  }
}

/**
 * The create and list routes of what a partner's Global admins keep for their own partner (API
 * keys, webhook subscriptions): the service is asked as the caller and refuses anyone else and
 * any key; a create answers 201 with the item's view and its secret beside it, shown this once.
 */
export function ownPartnerAdmin<T, B>(
  kit: ApiKit,
  spec: {
    readonly path: string;
    readonly tag: string;
    readonly view: (item: T) => object;
    readonly create: {
      readonly summary: string;
      readonly body: z.ZodType<B>;
      readonly response: z.ZodType;
      /** The field of the answer that holds the secret. */
      readonly secretField: string;
      readonly run: (
        actor: Actor,
        body: B
      ) => Promise<{ readonly item: T; readonly secret: string }>;
    };
    readonly list: {
      readonly summary: string;
      readonly response: z.ZodType;
      readonly run: (actor: Actor) => Promise<readonly T[]>;
    };
  }
): AnyApiRoute[] {
  const { path, tag, view, create, list } = spec;
  return [
    apiRoute({
      method: 'post',
      path,
      summary: create.summary,
      tag,
      auth: 'bearer',
      body: create.body,
      okStatus: 201,
      response: create.response,
      async handle({ caller, body }) {
        const { item, secret } = await create.run(await kit.actorOf(caller), body);
        return { status: 201, body: { ...view(item), [create.secretField]: secret } };
      },
    }),
    apiRoute({
      method: 'get',
      path,
      summary: list.summary,
      tag,
      auth: 'bearer',
      response: list.response,
      async handle({ caller }) {
        const items = await list.run(await kit.actorOf(caller));
        return { body: { items: items.map(view) } };
      },
    }),
  ];
}

/** Every row of a paged list, page after page, up to the export's cap. */
export async function* allRows<T>(
  page: (n: number) => Promise<{ readonly items: readonly T[]; readonly total: number }>
): AsyncGenerator<T> {
  let seen = 0;
  for (let n = 0; seen < EXPORT_MAX_ROWS; n++) {
    const { items, total } = await page(n);
    for (const item of items) {
      if (seen++ >= EXPORT_MAX_ROWS) return;
      yield item;
    }
    if (items.length === 0 || seen >= total) return;
  }
}

/**
 * Every row of a paged list for an export, read `EXPORT_PAGE` rows at a time. The first page is
 * read before this returns, so a refusal is still a problem answer, not a file cut short.
 */
export async function allPages<T>(
  read: (
    page: number,
    pageSize: number
  ) => Promise<{ readonly items: readonly T[]; readonly total: number }>
): Promise<AsyncGenerator<T>> {
  const first = await read(0, EXPORT_PAGE);
  return allRows((n) => (n === 0 ? Promise.resolve(first) : read(n, EXPORT_PAGE)));
}

/** Maps an async sequence (rows of an export). */
export async function* mapRows<T, U>(rows: AsyncIterable<T>, f: (t: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield f(row);
}

/** One page of rows already in memory (a list the domain answers whole), sorted and searched. */
export function pageInMemory<T>(
  rows: readonly T[],
  q: { readonly page: number; readonly pageSize: number; readonly order: 'asc' | 'desc' },
  by?: (row: T) => string
): { items: T[]; total: number } {
  const sorted = by
    ? [...rows].sort((a, b) => by(a).localeCompare(by(b)) * (q.order === 'asc' ? 1 : -1))
    : [...rows];
  return {
    items: sorted.slice(q.page * q.pageSize, (q.page + 1) * q.pageSize),
    total: rows.length,
  };
}
