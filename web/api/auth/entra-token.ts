import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { ApiError, type ApiCaller } from '../api-route.js';

/** Microsoft's multi-tenant OpenID metadata (ENTRA_OPENID_METADATA_URL's default). */
export const ENTRA_COMMON_METADATA_URL =
  'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration';

/** Clock skew allowed on `exp` / `nbf`, as the Bot Framework's own validation allows. */
const CLOCK_TOLERANCE_S = 300;

export interface EntraTokenOptions {
  /** Where the `jwks_uri` is read (the tests' local key set, or Entra's). */
  readonly metadataUrl: string;
  /** The bot's app id: the token's audience, bare (v2 tokens) or as `api://<domain>/<app id>`. */
  readonly appId: string;
  /** The host of PUBLIC_BASE_URL: the Application ID URI's domain (`webApplicationInfo`). */
  readonly domain: string;
}

/**
 * Validates a Teams SSO token (TeamsJS `authentication.getAuthToken()`): its signature against
 * the keys Entra publishes, its audience (our app), the issuer of the token's own tenant (v2
 * `https://login.microsoftonline.com/<tid>/v2.0`, v1 `https://sts.windows.net/<tid>/`) and its
 * expiry. The person is `oid` in `tid`: the same pair the bot's activities carry.
 */
export class EntraTokenValidator {
  private keys?: Promise<{
    jwks: ReturnType<typeof createRemoteJWKSet>;
    issuer: string;
  }>;

  constructor(private readonly opts: EntraTokenOptions) {}

  /** The person the token names; throws ApiError(401) for any token we did not issue to us. */
  async validate(token: string): Promise<ApiCaller> {
    const { jwks, issuer } = await this.metadata();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        audience: [this.opts.appId, `api://${this.opts.domain}/${this.opts.appId}`],
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      throw new ApiError(
        401,
        'unauthorized',
        expired ? 'api:errors.tokenExpired' : 'api:errors.badToken'
      );
    }
    const tid = typeof payload.tid === 'string' ? payload.tid : '';
    const oid = typeof payload.oid === 'string' ? payload.oid : '';
    // The issuer must be the token's own tenant: a token of tenant A claiming tid B is refused.
    const issuers = tid
      ? [issuer.replace('{tenantid}', tid), `https://sts.windows.net/${tid}/`]
      : [];
    if (!oid || !/^[0-9a-f-]{36}$/i.test(tid) || !issuers.includes(String(payload.iss))) {
      throw new ApiError(401, 'unauthorized', 'api:errors.badToken');
    }
    const name = typeof payload.name === 'string' ? payload.name : undefined;
    return { tenantId: tid, aadObjectId: oid, ...(name ? { name } : {}) };
  }

  /** The key set and issuer template, read once (again after a failed read). */
  private metadata() {
    this.keys ??= (async () => {
      const res = await fetch(this.opts.metadataUrl, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`OpenID metadata answered ${res.status}`);
      const meta = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
      if (typeof meta.jwks_uri !== 'string' || typeof meta.issuer !== 'string') {
        throw new Error('OpenID metadata without jwks_uri or issuer');
      }
      return { jwks: createRemoteJWKSet(new URL(meta.jwks_uri)), issuer: meta.issuer };
    })();
    this.keys.catch(() => (this.keys = undefined));
    return this.keys;
  }
}
