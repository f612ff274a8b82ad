import { z } from 'zod';
import type { AnyApiRoute } from './api-route.js';
import { API_PREFIX } from './api-router.js';

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas the routes validate with
 * (zod 4's own `z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Named
 * schemas (`.meta({ id })`) become `components.schemas`; every route, its parameters, body and
 * answers are listed, and every error is the Problem schema.
 */
export function openApiDocument(
  routes: readonly AnyApiRoute[],
  info: {
    readonly title: string;
    readonly version: string;
    readonly problem: z.ZodType;
    /** Requests the server sends (webhooks, OpenAPI 3.1's `webhooks`): event type -> body. */
    readonly webhooks?: Readonly<Record<string, { summary: string; body: z.ZodType }>>;
  }
): Json {
  const components: Record<string, Json> = {};
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json =>
    toComponentSchema(schema, io, components);
  const problem = {
    description: 'RFC 9457 problem details',
    content: { 'application/problem+json': { schema: schemaOf(info.problem, 'output') } },
  };
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...parametersOf(route.params, 'path'),
      ...parametersOf(route.query, 'query'),
    ];
    const ok =
      route.response === 'csv'
        ? {
            description: 'every matching row, UTF-8 with BOM',
            content: { 'text/csv': { schema: { type: 'string' } } },
          }
        : {
            description: 'OK',
            content: { 'application/json': { schema: schemaOf(route.response, 'output') } },
          };
    (paths[path] ??= {})[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'bearer' ? {} : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: false,
              content: {
                'application/json': { schema: schemaOf(route.body, 'input') },
                ...(route.textBody
                  ? { [route.textBody.mediaType]: { schema: { type: 'string' } } }
                  : {}),
              },
            },
          }
        : {}),
      responses: {
        [String(route.okStatus ?? 200)]: ok,
        ...(route.accepted && route.response !== 'csv'
          ? {
              '202': {
                ...ok,
                description: route.accepted,
                headers: {
                  Location: { description: 'where to poll', schema: { type: 'string' } },
                },
              },
            }
          : {}),
        ...(route.auth === 'bearer' ? { '401': problem, '403': problem, '404': problem } : {}),
        '400': problem,
        ...(route.method === 'get' ? {} : { '409': problem, '412': problem }),
      },
    };
  }
  const webhooks: Record<string, Json> = {};
  // Several events share a body schema: converted once, so they share its component too.
  const bodies = new Map<z.ZodType, Json>();
  for (const [name, hook] of Object.entries(info.webhooks ?? {})) {
    if (!bodies.has(hook.body)) bodies.set(hook.body, schemaOf(hook.body, 'output'));
    webhooks[name] = {
      post: {
        summary: hook.summary,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: bodies.get(hook.body)! } },
        },
        responses: { '200': { description: 'Any 2xx: received (else retried)' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: '/' }],
    paths,
    ...(info.webhooks ? { webhooks } : {}),
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A Teams SSO (Entra) token for the app; in open mode, a token from POST /api/v1/dev/sign-in',
        },
      },
    },
    security: [{ bearer: [] }],
  };
}

function operationId(route: AnyApiRoute): string {
  const words = route.path
    .replace(/\.csv$/, '/csv')
    .split(/[/.]/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w));
  return [route.method, ...words]
    .join('-')
    .replace(/-([a-z])/gi, (_, c: string) => c.toUpperCase());
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

/** The schema with its named parts moved to `components.schemas` and referenced there. */
function toComponentSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, Json>
): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  const defs = (json.$defs ?? {}) as Record<string, Json>;
  delete json.$defs;
  delete json.$schema;
  // The same name as input and as output may differ (defaults are optional on input).
  const names: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs)) {
    const existing = components[name];
    names[name] =
      existing && JSON.stringify(existing) !== JSON.stringify(def) ? `${name}Input` : name;
  }
  const relink = (value: Json): Json =>
    JSON.parse(
      JSON.stringify(value).replace(
        /"#\/\$defs\/([^"]+)"/g,
        (_, name: string) => `"#/components/schemas/${names[name] ?? name}"`
      )
    ) as Json;
  for (const [name, def] of Object.entries(defs)) components[names[name]!] = relink(def);
  return relink(json);
}
