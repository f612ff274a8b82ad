import type { Request, Response } from 'restify';
import { z } from 'zod';
import { t, type Language } from '../../i18n/i18n.js';
import { languageFromAcceptLanguage } from '../html-page.js';
import type { Logger } from '../../logging/logger.js';
import type { HttpRoute } from '../http-route.js';
import { isJsonContentType, readJsonBody, readTextBody } from '../read-body.js';
import {
  ApiError,
  type AnyApiRoute,
  type ApiAnswer,
  type ApiCaller,
  type KnownProblem,
} from './api-route.js';
import { csvLine, CSV_BOM } from './csv.js';

/** Everything under this prefix is the REST API. */
export const API_PREFIX = '/api/v1';
/** The largest request body an API call takes (an action's fields, a bulk of 100 ids). */
export const MAX_API_BODY_BYTES = 64 * 1024;

export interface ApiRouterDeps {
  readonly routes: readonly AnyApiRoute[];
  /** Who the bearer token names; throws ApiError(401) when it names nobody. */
  readonly authenticate: (req: Request) => Promise<ApiCaller>;
  /** The problem an error stands for (a domain refusal), or undefined for a fault (500). */
  readonly problemOf: (err: unknown) => KnownProblem | undefined;
  readonly logger: Logger;
}

/**
 * Turns declared API routes into the server's routes, in one place: the bearer token checked,
 * the path, query and body parsed with the route's zod schemas (input that does not parse is a
 * 400 that reaches no handler, so it changes nothing), and every error answered as RFC 9457
 * problem+json with a stable code and a message in the caller's language (Accept-Language).
 */
export function apiHttpRoutes(deps: ApiRouterDeps): HttpRoute[] {
  const log = deps.logger.child({ module: 'api' });
  const declared = deps.routes.map((route) => ({
    method: route.method,
    path: `${API_PREFIX}${route.path}`,
    async handle(req: Request, res: Response) {
      const language = languageOfRequest(req);
      try {
        const caller =
          route.auth === 'bearer'
            ? await deps.authenticate(req)
            : { tenantId: '', aadObjectId: '' };
        // A read key reads: refused before any input is parsed or any handler runs.
        if (caller.apiKey?.scope === 'read' && route.method !== 'get') {
          throw new ApiError(403, 'notAllowed', 'apikeys:errors.readOnly');
        }
        const params = parseInput(route.params, req.params ?? {}, 'path', language);
        const query = parseInput(route.query, queryOf(req), 'query', language);
        const body = route.body
          ? parseInput(
              route.body,
              await bodyOf(req, route.maxBodyBytes, route.textBody),
              'body',
              language
            )
          : undefined;
        const ifMatch = req.headers['if-match'];
        const answer = await route.handle(
          {
            caller,
            params,
            query,
            body,
            language,
            req,
            log,
            ...(typeof ifMatch === 'string' ? { ifMatch } : {}),
          },
          res
        );
        if ('csv' in answer) return await sendCsv(res, answer.csv);
        res.header('Cache-Control', 'no-store');
        if (answer.etag) res.header('ETag', answer.etag);
        res.send(answer.status ?? 200, answer.body);
      } catch (err) {
        const problem = err instanceof ApiError ? err : deps.problemOf(err);
        if (!problem) log.error({ err, route: route.path }, 'api call failed');
        if (!res.headersSent) sendProblem(res, problem ?? FAULT, language);
        else res.end();
      }
    },
  }));
  return [...declared, ...unservedRoutes(deps.routes)];
}

const METHODS = ['get', 'post', 'put', 'delete'] as const;

/**
 * Whatever no declared route serves under the prefix is still answered as problem+json in the
 * caller's language, as an integration parses every other error: 405 naming the methods the
 * path takes (`Allow`), else 404. The router tries these wildcards after every declared path.
 */
function unservedRoutes(routes: readonly AnyApiRoute[]): HttpRoute[] {
  const patterns = routes.map((r) => ({
    method: r.method,
    path: new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
  }));
  return METHODS.map((method) => ({
    method,
    path: `${API_PREFIX}/*`,
    async handle(req: Request, res: Response) {
      const path = (req.url ?? '').split('?')[0]!.slice(API_PREFIX.length);
      const allowed = [
        ...new Set(patterns.filter((p) => p.path.test(path)).map((p) => p.method.toUpperCase())),
      ];
      if (allowed.length) res.header('Allow', allowed.join(', '));
      sendProblem(
        res,
        allowed.length
          ? new ApiError(405, 'methodNotAllowed', 'api:errors.methodNotAllowed')
          : new ApiError(404, 'notFound', 'api:errors.noSuchPath'),
        languageOfRequest(req)
      );
    },
  }));
}

const FAULT: KnownProblem = { status: 500, code: 'internal', key: 'errors:generic' };

/** Answers a problem as RFC 9457 problem+json, localized; `error` mirrors it (contract.md). */
export function sendProblem(
  res: Response,
  problem: KnownProblem | ApiError,
  language: Language
): void {
  const title = t(language, problem.key, problem.values ?? {});
  const fields = (problem.fields ?? []).map((f) =>
    'message' in f
      ? { field: f.field, message: f.message }
      : { field: f.field, message: t(language, f.key, f.values ?? {}) }
  );
  const body = {
    type: 'about:blank',
    title,
    status: problem.status,
    code: problem.code,
    key: problem.key,
    ...(fields.length ? { fields } : {}),
    error: { code: problem.code, message: title },
  };
  if (problem.status === 401) res.header('WWW-Authenticate', 'Bearer');
  res.header('Cache-Control', 'no-store');
  res.header('Content-Language', language);
  // restify picks a formatter by content type: JSON text under problem+json.
  res.writeHead(problem.status, { 'Content-Type': 'application/problem+json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The first language of Accept-Language the product speaks (by q), else English. */
export function languageOfRequest(req: Pick<Request, 'headers'>): Language {
  const header = req.headers['accept-language'];
  return languageFromAcceptLanguage(typeof header === 'string' ? header : undefined);
}

/** zod's own catalogs of its messages, so a refused field reads in the caller's language. */
const ZOD_MESSAGES: Record<Language, z.core.$ZodErrorMap> = {
  en: z.locales.en().localeError,
  ru: z.locales.ru().localeError,
};

/**
 * Input parsed with its zod schema, or a 400 naming each refused field (`where`.path) with
 * zod's message in the caller's language; bulk handlers use it for a row's action fields too.
 */
export function parseInput<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  where: string,
  language: Language
): T {
  if (!schema) return {} as T;
  const parsed = schema.safeParse(value, { error: ZOD_MESSAGES[language] });
  if (parsed.success) return parsed.data;
  throw new ApiError(
    400,
    'invalid',
    'api:errors.badInput',
    parsed.error.issues.map((i) => ({
      // An unknown field is named itself (zod puts it in `keys`, not in the path).
      field: [where, ...i.path.map(String), ...('keys' in i ? i.keys.slice(0, 1) : [])].join('.'),
      message: i.message,
    }))
  );
}

function queryOf(req: Request): Record<string, string> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const out: Record<string, string> = {};
  // A repeated parameter keeps its first value: one value per field, never an array.
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

async function bodyOf(
  req: Request,
  limit = MAX_API_BODY_BYTES,
  text?: AnyApiRoute['textBody']
): Promise<unknown> {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  // An action without fields may be sent without a body at all.
  if (!chunked && (length === undefined || length === '0')) return {};
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (text && mediaType === text.mediaType) {
    const read = await readTextBody(req, limit);
    if (!read.ok) throw new ApiError(read.status, 'invalid', `api:errors.body_${read.error}`);
    return { [text.field]: read.value };
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new ApiError(415, 'unsupportedMediaType', 'api:errors.notJson');
  }
  const read = await readJsonBody(req, limit);
  if (!read.ok) {
    throw new ApiError(read.status, 'invalid', `api:errors.body_${read.error}`);
  }
  return read.value;
}

async function sendCsv(
  res: Response,
  csv: Extract<ApiAnswer, { csv: unknown }>['csv']
): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${csv.filename}"`,
    'Cache-Control': 'no-store',
  });
  // The BOM makes Excel read the file as UTF-8 (Cyrillic names stay readable).
  res.write(CSV_BOM + csvLine(csv.header));
  for await (const row of csv.rows) {
    if (!res.write(csvLine(row))) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
