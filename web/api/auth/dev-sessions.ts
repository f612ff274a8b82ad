import { randomBytes } from 'node:crypto';
import type { ApiCaller } from '../api-route.js';

/** How long an open-mode sign-in lasts. */
export const DEV_SESSION_MS = 8 * 60 * 60_000;

/** Where sessions are kept, by the keyed hash of their token (models/api in the app). */
export interface DevSessionStore {
  put(tokenHash: string, session: { caller: ApiCaller; expiresAt: Date }): Promise<void>;
  get(tokenHash: string): Promise<{ caller: ApiCaller; expiresAt: Date } | null>;
}

/**
 * Open mode's local sign-in (no MicrosoftAppId: trying the tab in a browser, tests). A session
 * is a random 256-bit token handed out once and stored only as its keyed hash (the invitations'
 * SecretHasher), looked up by that hash, never compared as text; it ends after 8 hours.
 */
export class DevSessions {
  constructor(
    private readonly store: DevSessionStore,
    private readonly hash: (secret: string) => string,
    private readonly now: () => number
  ) {}

  /** A new token for this person (shown once). */
  async open(caller: ApiCaller): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now() + DEV_SESSION_MS);
    await this.store.put(this.hash(token), { caller, expiresAt });
    return { token, expiresAt };
  }

  /** The person a live token names, or undefined. */
  async find(token: string): Promise<ApiCaller | undefined> {
    const found = await this.store.get(this.hash(token));
    return found && found.expiresAt.getTime() > this.now() ? found.caller : undefined;
  }
}
