import type { Request } from 'restify';
import { ApiError, type ApiCaller } from '../api-route.js';
import type { DevSessions } from './dev-sessions.js';
import type { EntraTokenValidator } from './entra-token.js';

/** The longest bearer token read (Entra tokens are a few KB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Who calls: with an app id, only a valid Teams SSO (Entra) token; without one (open mode),
 * only a session of the local sign-in. Never both: with an app id the sign-in does not exist.
 */
export function bearerAuthenticator(
  by: { readonly entra: EntraTokenValidator } | { readonly sessions: DevSessions }
): (req: Request) => Promise<ApiCaller> {
  return async (req) => {
    const header = String(req.headers.authorization ?? '');
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!m || m[1]!.length > MAX_TOKEN_LENGTH) {
      throw new ApiError(401, 'unauthorized', 'api:errors.noToken');
    }
    if ('entra' in by) return by.entra.validate(m[1]!);
    const caller = await by.sessions.find(m[1]!);
    if (!caller) throw new ApiError(401, 'unauthorized', 'api:errors.badToken');
    return caller;
  };
}
