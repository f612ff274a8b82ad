import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Typed, frozen configuration: the only place that reads process.env. */
export interface Config {
  readonly port: number;
  /**
   * Interface the HTTP server listens on: `HOST`, else 127.0.0.1 without an app id (open mode
   * accepts unauthenticated activities, so only this machine may reach it), else unset: every
   * interface.
   */
  readonly host?: string;
  readonly microsoftAppId?: string;
  readonly microsoftAppPassword?: string;
  readonly microsoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  readonly microsoftAppTenantId?: string;
  /**
   * Bot Framework cloud and token settings, under botbuilder's own names, for
   * `ConfigurationBotFrameworkAuthentication` (bot/adapter.ts); only those set. Empty: the
   * public Azure cloud.
   */
  readonly botFrameworkAuth: Readonly<Partial<Record<BotFrameworkAuthVariable, string>>>;
  /** Unset: the embedded database in `dataDir`. */
  readonly mongodbUri?: string;
  readonly dataDir: string;
  readonly publicBaseUrl: string;
  readonly operatorAadObjectIds: readonly string[];
  /** Unset: mail is written as .eml files under `dataDir/mail`. */
  readonly smtpUrl?: string;
  /** Unset: no `GET /metrics`. Set: Prometheus scrapes it with `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
  /** Set: traces go to this OTLP/HTTP collector (`<endpoint>/v1/traces`). */
  readonly otlpEndpoint?: string;
  /** Headers sent with each OTLP export (a vendor's API key). */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** Set: traces go to Azure Monitor (Application Insights). */
  readonly appInsightsConnectionString?: string;
  /** `service.name` of the traces. */
  readonly otelServiceName: string;
  readonly mailFrom: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Proactive messages per second allowed per tenant, on top of Teams' per-conversation limits. */
  readonly tenantMessagesPerSecond: number;
  /**
   * `INVITATION_CODE_KEY`, decoded: the key of the stored invitation token and code hashes.
   * Required with MicrosoftAppId and MONGODB_URI; else, unset, generated once into `dataDir`
   * (config/invitation-code-key.ts).
   */
  readonly invitationCodeKey?: Buffer;
  /** Days a customer invitation stays valid (default 30). */
  readonly invitationExpiryDays: number;
  /**
   * Hosts, besides the Bot Framework and Teams service hosts, that an activity's `serviceUrl`
   * may name (the bot sends replies and notifications there with its token): exact names, or
   * `*.suffix` for any subdomain. Empty by default.
   */
  readonly trustedServiceUrlHosts: readonly string[];
  /**
   * `WEB_CONCURRENCY`: how many bot processes `npm start` runs (server/supervisor.ts), sharing
   * the port; default the number of cores the process may use.
   */
  readonly webConcurrency: number;
  /**
   * `ENTRA_OPENID_METADATA_URL`: where the REST API finds the keys of Teams SSO tokens (Entra's
   * multi-tenant metadata by default; tests point it at a local key set).
   */
  readonly entraOpenIdMetadataUrl: string;
  /**
   * Webhooks (README "Webhooks"): `WEBHOOK_ALLOW_HTTP_LOOPBACK=true` lets subscriptions use http
   * and reach loopback addresses (local testing only); `WEBHOOK_TIMEOUT_MS` bounds one attempt;
   * `WEBHOOK_RETRY_MS` is the first retry's delay (doubled each time, capped at an hour);
   * `WEBHOOK_RETRY_FOR_MS` how long a delivery is retried before its subscription is failing.
   */
  readonly webhooks: {
    readonly allowHttpLoopback: boolean;
    readonly timeoutMs: number;
    readonly retryMs: number;
    readonly retryForMs: number;
  };
  /** Microsoft Graph for GDAP relationships (README "Microsoft Graph (GDAP)"). */
  readonly graph: GraphConfig;
}

/** The Graph app's credentials and the endpoints (settings, so tests point them at fakes). */
export interface GraphConfig {
  /** `GRAPH_CLIENT_ID`, default the bot's MicrosoftAppId; unset: connecting is unavailable. */
  readonly clientId?: string;
  /** `GRAPH_CLIENT_SECRET`, default the bot's MicrosoftAppPassword. */
  readonly clientSecret?: string;
  /** `GRAPH_BASE_URL`, default https://graph.microsoft.com/v1.0 (no trailing slash). */
  readonly baseUrl: string;
  /** `ENTRA_AUTHORITY_HOST`, default https://login.microsoftonline.com (no trailing slash). */
  readonly authorityHost: string;
  /**
   * `GRAPH_EXTRA_CA_CERTS`: a PEM file of CAs trusted for Graph and Entra calls only, besides
   * Node's roots (a TLS-inspecting proxy; the tests' local fakes). NODE_EXTRA_CA_CERTS is read
   * at process start only, and the tests run the app in their own process.
   */
  readonly extraCaFile?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
/**
 * What botbuilder's ConfigurationBotFrameworkAuthentication (and its credentials factory) read
 * besides the app id, password, type and tenant: the cloud (`ChannelService`, or every endpoint
 * for a private cloud such as DoD), the token metadata, and certificate credentials.
 */
export const BOT_FRAMEWORK_AUTH_VARIABLES = [
  'ChannelService',
  'ValidateAuthority',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
  'CallerId',
  'BotOpenIdMetadata',
  'OAuthApiEndpoint',
  'CertificateThumbprint',
  'CertificatePrivateKey',
] as const;
export type BotFrameworkAuthVariable = (typeof BOT_FRAMEWORK_AUTH_VARIABLES)[number];

/** The one ChannelService value botbuilder knows (US Government clouds); others need every endpoint. */
export const US_GOV_CHANNEL_SERVICE = 'https://botframework.azure.us';
/** Any of these set: botbuilder uses exactly what is given, so the core endpoints must all be. */
const PARAMETERIZED_AUTH = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
  'CallerId',
] as const;
const REQUIRED_WHEN_PARAMETERIZED = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromChannelOpenIdMetadataUrl',
] as const;

/** An https URL, or http to this machine (a local token issuer in tests). */
const endpointUrl = z.preprocess(
  emptyToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
    .refine((u) => !isRemoteHttp(u), 'must be https:// (http:// only for localhost and 127.0.0.1)')
    .optional()
);

/** A host name, an IPv4 address or [::1], optionally `*.` for "any subdomain of". */
const SERVICE_HOST =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^\[::1\]$/;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The least INVITATION_CODE_KEY: as many bits as its HMAC-SHA256. */
const KEY_MIN_BYTES = 32;

/** A key as hex or base64 (url-safe too); null when neither, or shorter than 32 bytes. */
function decodeKey(text: string): Buffer | null {
  const bytes = /^(?:[0-9a-f]{2})+$/i.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, 'base64') // Node reads the url-safe alphabet here as well
      : null;
  return bytes && bytes.length >= KEY_MIN_BYTES ? bytes : null;
}

const schema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
  HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(
        /^[0-9a-zA-Z.:-]+$/,
        'must be an IP address or host name (0.0.0.0 or :: for every interface)'
      )
      .optional()
  ),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(
    emptyToUndefined,
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')
  ),
  MicrosoftAppTenantId: optionalString,
  MONGODB_URI: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional()
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(24, 'must be at least 24 characters (a random secret)').optional()
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()
  ),
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((s) => otlpHeaders(s ?? ''))
      .refine((h) => h !== undefined, 'must be comma-separated key=value pairs')
  ),
  OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().trim().default('partner-connect')),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/InstrumentationKey=/i, 'must be an Application Insights connection string')
      .optional()
  ),
  PUBLIC_BASE_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()
  ),
  OPERATOR_AAD_OBJECT_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((s) =>
        (s ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      )
      .refine(
        (ids) => ids.every((id) => guid.test(id)),
        'must be comma-separated AAD object ids (GUIDs)'
      )
  ),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional()
  ),
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z.string().default('Partner Connect <no-reply@partner-connect.local>')
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
  ),
  TENANT_MESSAGES_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.coerce.number().positive().default(20)
  ),
  INVITATION_CODE_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .optional()
      .transform((s) => (s === undefined ? undefined : decodeKey(s)))
      .refine(
        (k) => k !== null,
        `must be at least ${KEY_MIN_BYTES} random bytes, base64 or hex (openssl rand -base64 32)`
      )
  ),
  INVITATION_EXPIRY_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(365).default(30)
  ),
  TRUSTED_SERVICE_URL_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((s) =>
        (s ?? '')
          .split(',')
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean)
      )
      .refine(
        (hosts) => hosts.every((h) => SERVICE_HOST.test(h)),
        'must be comma-separated host names (no scheme, port or path), `*.suffix` for subdomains'
      )
  ),
  ENTRA_OPENID_METADATA_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration')
  ),
  WEBHOOK_ALLOW_HTTP_LOOPBACK: z.preprocess(
    emptyToUndefined,
    z.enum(['true', 'false'], { error: 'must be true or false' }).default('false')
  ),
  WEBHOOK_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(60_000).default(10_000)
  ),
  WEBHOOK_RETRY_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(10).max(3_600_000).default(30_000)
  ),
  WEBHOOK_RETRY_FOR_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3_600_000)
      .default(24 * 3_600_000)
  ),
  WEB_CONCURRENCY: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1, 'must be at least 1 (the number of bot processes)')
      .max(256)
      .default(() => os.availableParallelism())
  ),
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  GRAPH_BASE_URL: endpointUrl,
  ENTRA_AUTHORITY_HOST: endpointUrl,
  GRAPH_EXTRA_CA_CERTS: optionalString,
  ChannelService: z.preprocess(
    emptyToUndefined,
    z
      .literal(US_GOV_CHANNEL_SERVICE, {
        error: `must be ${US_GOV_CHANNEL_SERVICE} (US Government clouds) or unset`,
      })
      .optional()
  ),
  ValidateAuthority: z.preprocess(
    emptyToUndefined,
    z.enum(['true', 'false'], { error: 'must be true or false' }).optional()
  ),
  ToChannelFromBotLoginUrl: endpointUrl,
  ToChannelFromBotOAuthScope: optionalString,
  ToBotFromChannelTokenIssuer: optionalString,
  ToBotFromChannelOpenIdMetadataUrl: endpointUrl,
  ToBotFromEmulatorOpenIdMetadataUrl: endpointUrl,
  OAuthUrl: endpointUrl,
  CallerId: optionalString,
  BotOpenIdMetadata: endpointUrl,
  OAuthApiEndpoint: endpointUrl,
  CertificateThumbprint: optionalString,
  CertificatePrivateKey: optionalString,
});

/** The environment variables the configuration reads (README's Configuration table lists them). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(schema.shape));

/** Hosts a PUBLIC_BASE_URL may name over plain http: this machine (local use, tunnels' origin). */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for an http:// URL to another host; unparsable URLs are left to the schema's message. */
function isRemoteHttp(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'http:' && !LOCAL_HOSTS.has(hostname);
  } catch {
    return false;
  }
}

/** `api-key=abc,x-team=1` (the OTLP spec's format, values URL-encoded); undefined if malformed. */
function otlpHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    try {
      headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return headers;
}

/** Variables whose values are never repeated in error messages. */
const SECRET_VARIABLES = new Set([
  'OTEL_EXPORTER_OTLP_HEADERS',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'MicrosoftAppPassword',
  'MONGODB_URI',
  'SMTP_URL',
  'CertificatePrivateKey',
  'INVITATION_CODE_KEY',
  'GRAPH_CLIENT_SECRET',
]);

/**
 * Checks between variables, kept out of the zod schema because zod skips object refinements
 * once any field has failed, and every problem must be reported at once.
 */
function crossFieldProblems(env: NodeJS.ProcessEnv, opts: LoadOptions): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const appType = (env.MicrosoftAppType ?? '').trim() || 'MultiTenant';
  const problems: string[] = [];
  const needsCredentials = opts.credentials !== false;
  const certificate = set('CertificateThumbprint') || set('CertificatePrivateKey');
  if (
    needsCredentials &&
    set('MicrosoftAppId') &&
    appType !== 'UserAssignedMSI' &&
    !certificate &&
    !set('MicrosoftAppPassword')
  ) {
    problems.push('MicrosoftAppPassword: is required when MicrosoftAppId is set');
  }
  // A deployment on its own MongoDB keeps the key with its other secrets: a file generated into
  // DATA_DIR would differ between instances and die with a container's disk (and the app
  // password is rotated, and absent with a managed identity or a certificate). With the
  // embedded database the data dir holds the database itself, one process, and the key beside.
  if (
    needsCredentials &&
    set('MicrosoftAppId') &&
    set('MONGODB_URI') &&
    !set('INVITATION_CODE_KEY')
  ) {
    problems.push(
      'INVITATION_CODE_KEY: is required when MicrosoftAppId and MONGODB_URI are set ' +
        `(${KEY_MIN_BYTES}+ random bytes, base64 or hex: openssl rand -base64 32)`
    );
  }
  if (certificate && !(set('CertificateThumbprint') && set('CertificatePrivateKey'))) {
    problems.push('CertificateThumbprint, CertificatePrivateKey: are required together');
  }
  // botbuilder takes any one endpoint as "all are given" and leaves the others undefined.
  const given = PARAMETERIZED_AUTH.filter(set);
  const alias = { ToBotFromChannelOpenIdMetadataUrl: 'BotOpenIdMetadata' } as Record<
    string,
    string
  >;
  const missing = REQUIRED_WHEN_PARAMETERIZED.filter((n) => !set(n) && !set(alias[n] ?? ''));
  if (given.length > 0 && missing.length > 0) {
    problems.push(
      `${missing.join(', ')}: required with ${given.join(', ')} (a private cloud needs every endpoint)`
    );
  }
  if (
    needsCredentials &&
    set('MicrosoftAppId') &&
    ['SingleTenant', 'UserAssignedMSI'].includes(appType) &&
    !set('MicrosoftAppTenantId')
  ) {
    problems.push(`MicrosoftAppTenantId: is required when MicrosoftAppType is ${appType}`);
  }
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? '').trim();
  // Teams opens card links and the manifest's validDomains over https only.
  if (set('MicrosoftAppId') && isRemoteHttp(publicBaseUrl)) {
    problems.push(
      'PUBLIC_BASE_URL: must be https:// when MicrosoftAppId is set (Teams needs https for links ' +
        `and valid domains); http:// is for localhost and 127.0.0.1 only (got "${publicBaseUrl}")`
    );
  }
  return problems;
}

function describeIssue(env: NodeJS.ProcessEnv, issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || 'environment';
  const value = env[name];
  const shown = value !== undefined && !SECRET_VARIABLES.has(name) ? ` (got "${value}")` : '';
  return `${name}: ${issue.message}${shown}`;
}

export interface LoadOptions {
  /**
   * false: the caller needs no secret (building the Teams app package needs only the app id and
   * the public URL, and a CI pipeline that packages the app usually has no password).
   */
  readonly credentials?: boolean;
}

/** `{ [key]: value }` when the value is set: optional fields stay absent, not undefined. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Validates the environment once; throws ConfigError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const parsed = schema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => describeIssue(env, i))),
    ...crossFieldProblems(env, opts),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST ?? (e.MicrosoftAppId ? undefined : '127.0.0.1'),
    microsoftAppId: e.MicrosoftAppId,
    microsoftAppPassword: e.MicrosoftAppPassword,
    microsoftAppType: e.MicrosoftAppType,
    microsoftAppTenantId: e.MicrosoftAppTenantId,
    botFrameworkAuth: Object.freeze(
      Object.fromEntries(
        BOT_FRAMEWORK_AUTH_VARIABLES.filter((n) => e[n] !== undefined).map((n) => [n, e[n]])
      )
    ),
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    operatorAadObjectIds: Object.freeze([...e.OPERATOR_AAD_OBJECT_IDS]),
    smtpUrl: e.SMTP_URL,
    metricsToken: e.METRICS_TOKEN,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otlpHeaders: Object.freeze({ ...e.OTEL_EXPORTER_OTLP_HEADERS }),
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
    otelServiceName: e.OTEL_SERVICE_NAME,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    tenantMessagesPerSecond: e.TENANT_MESSAGES_PER_SECOND,
    ...(e.INVITATION_CODE_KEY ? { invitationCodeKey: e.INVITATION_CODE_KEY } : {}),
    invitationExpiryDays: e.INVITATION_EXPIRY_DAYS,
    trustedServiceUrlHosts: Object.freeze([...e.TRUSTED_SERVICE_URL_HOSTS]),
    webConcurrency: e.WEB_CONCURRENCY,
    entraOpenIdMetadataUrl: e.ENTRA_OPENID_METADATA_URL,
    webhooks: Object.freeze({
      allowHttpLoopback: e.WEBHOOK_ALLOW_HTTP_LOOPBACK === 'true',
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryMs: e.WEBHOOK_RETRY_MS,
      retryForMs: e.WEBHOOK_RETRY_FOR_MS,
    }),
    graph: Object.freeze({
      ...optional('clientId', e.GRAPH_CLIENT_ID ?? e.MicrosoftAppId),
      ...optional('clientSecret', e.GRAPH_CLIENT_SECRET ?? e.MicrosoftAppPassword),
      baseUrl: (e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, ''),
      authorityHost: (e.ENTRA_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(
        /\/+$/,
        ''
      ),
      ...optional('extraCaFile', e.GRAPH_EXTRA_CA_CERTS),
    }),
  });
}
