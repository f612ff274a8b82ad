import type { Request, Response } from 'restify';
import type { z } from 'zod';
import type { Logger } from '../../logging/logger.js';
import type { Language } from '../../i18n/i18n.js';

/**
 * Who calls the API: the person a bearer token names (an SSO token or an open-mode session),
 * or a partner's API key (then `aadObjectId` is `apikey:<id>` and `apiKey` says which).
 */
export interface ApiCaller {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly name?: string;
  readonly apiKey?: {
    readonly id: string;
    readonly partnerRef: string;
    readonly scope: 'read' | 'read-write';
  };
}

/** What a route's handler gets: the caller and its parsed, validated input. */
export interface ApiInput<P, Q, B> {
  readonly caller: ApiCaller;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly language: Language;
  /** The request's `If-Match`, if any: a change refuses with 412 when the record moved. */
  readonly ifMatch?: string;
  readonly req: Request;
  /** The API's log: a fault one row of a bulk call meets is logged, and the call goes on. */
  readonly log: Logger;
}

/** A JSON answer (200 unless `status`), or every matching row as CSV. */
export type ApiAnswer =
  | { readonly status?: number; readonly body: unknown; readonly etag?: string }
  | {
      readonly csv: {
        readonly filename: string;
        readonly header: readonly string[];
        readonly rows: AsyncIterable<readonly (string | number | boolean | null)[]>;
      };
    };

/**
 * One API operation, declared as data: method, path (under /api/v1), whether it needs a bearer
 * token, the zod schemas of its input and answer, and a thin handler. The router validates with
 * the schemas and the OpenAPI document is generated from them, so neither can drift.
 */
export interface ApiRoute<P = unknown, Q = unknown, B = unknown> {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** restify syntax, `/relationships/:id/:action`; `/api/v1` is prepended. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `none`: answered without a token (the OpenAPI document, the open-mode sign-in). */
  readonly auth: 'bearer' | 'none';
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** The largest body this route takes, when not MAX_API_BODY_BYTES (an uploaded file). */
  readonly maxBodyBytes?: number;
  /**
   * A route that also takes its body as plain text of this media type (`text/csv`): the text
   * is given to the body schema as `{ [field]: text }`, as if sent as JSON.
   */
  readonly textBody?: { readonly mediaType: string; readonly field: string };
  /** The status of a success when not 200 (201 for a create): the document says it. */
  readonly okStatus?: number;
  /**
   * The route may also answer 202 (work started in the background) with the same schema and a
   * `Location` to poll: what the document says of it.
   */
  readonly accepted?: string;
  /** The answer's schema, or `csv` for text/csv. */
  readonly response: z.ZodType | 'csv';
  readonly handle: (input: ApiInput<P, Q, B>, res: Response) => Promise<ApiAnswer>;
}

/** Any route, whatever its input types (the router and the document see them as data). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any>;

/** Declares a route with its input types inferred from its schemas. */
export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  route: ApiRoute<P, Q, B>
): ApiRoute<P, Q, B> {
  return route;
}

/**
 * A refusal the web layer itself makes (no token, a bad one, input that does not parse, a stale
 * If-Match): its status, a stable code and the i18n key of its message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly key: string,
    readonly fields: readonly { field: string; message: string }[] = [],
    readonly values: Record<string, unknown> = {}
  ) {
    super(`${status} ${code}`);
    this.name = 'ApiError';
  }
}

/** A problem the feature recognized in an error (a domain refusal), to be localized here. */
export interface KnownProblem {
  readonly status: number;
  readonly code: string;
  readonly key: string;
  readonly values?: Record<string, unknown>;
  readonly fields?: readonly { field: string; key: string; values?: Record<string, unknown> }[];
}
