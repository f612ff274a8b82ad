import type { Request } from 'restify';
import { ApiError, type ApiCaller } from '../api-route.js';
import type { DevSessions } from './dev-sessions.js';
import type { EntraTokenValidator } from './entra-token.js';

/** The longest bearer token read (Entra tokens are a few KB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** A partner's API keys as the bearer check needs them (bot/features/api wires the service). */
export interface ApiKeyLookup {
  /** Whether the token is meant as a key (its prefix): then only the key lookup may accept it. */
  isKey(token: string): boolean;
  /** The caller a live key is, or undefined (unknown or revoked), looked up on every call. */
  find(token: string): Promise<ApiCaller | undefined>;
}

/**
 * Who calls: a partner's API key (either mode), or else, with an app id, only a valid Teams SSO
 * (Entra) token; without one (open mode), only a session of the local sign-in. Never both
 * person kinds: with an app id the sign-in does not exist.
 */
export function bearerAuthenticator(
  by: ({ readonly entra: EntraTokenValidator } | { readonly sessions: DevSessions }) & {
    readonly keys?: ApiKeyLookup;
  }
): (req: Request) => Promise<ApiCaller> {
  return async (req) => {
    const header = String(req.headers.authorization ?? '');
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!m || m[1]!.length > MAX_TOKEN_LENGTH) {
      throw new ApiError(401, 'unauthorized', 'api:errors.noToken');
    }
    const token = m[1]!;
    if (by.keys?.isKey(token)) {
      const caller = await by.keys.find(token);
      if (!caller) throw new ApiError(401, 'unauthorized', 'apikeys:errors.badKey');
      return caller;
    }
    if ('entra' in by) return by.entra.validate(token);
    const caller = await by.sessions.find(token);
    if (!caller) throw new ApiError(401, 'unauthorized', 'api:errors.badToken');
    return caller;
  };
}
