import { NotAllowedError, NotFoundError } from '../errors.js';
import type { CodeGuessRepository } from './invitation.repository.js';
import { secretHash } from './invitation-secrets.js';

export const MAX_WRONG_CODES = 5;
export const GUESS_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 60 * 60_000;

/**
 * Typed invitation codes, of every kind, against one per-person budget: five wrong in 15 minutes
 * lock that person out for an hour, right code or not. Per person, so a colleague's typos never
 * lock anyone else out; one budget, so customer and reseller codes do not add up to more tries.
 */
export class CodeThrottle {
  constructor(
    private readonly guesses: CodeGuessRepository,
    private readonly now: () => Date,
    private readonly onMiss: (failures: number) => void = () => undefined
  ) {}

  /** Finds what a normalized code opens, or throws `locked` / `unknownCode` (counted). */
  async lookup<T>(
    personKey: string,
    normalizedCode: string,
    find: (codeHash: string) => Promise<T | null>
  ): Promise<T> {
    const now = this.now();
    const record = await this.guesses.get(personKey);
    if (record?.lockedUntil && record.lockedUntil > now) {
      throw new NotAllowedError('invitations:errors.locked', {
        minutes: Math.ceil((record.lockedUntil.getTime() - now.getTime()) / 60_000),
      });
    }
    const found = await find(secretHash(normalizedCode));
    if (found) {
      await this.guesses.clear(personKey);
      return found;
    }
    const counted = await this.guesses.countFailure(
      personKey,
      now,
      new Date(now.getTime() - GUESS_WINDOW_MS)
    );
    this.onMiss(counted.failures);
    if (counted.failures >= MAX_WRONG_CODES) {
      await this.guesses.lock(personKey, new Date(now.getTime() + LOCKOUT_MS));
      throw new NotAllowedError('invitations:errors.locked', {
        minutes: Math.ceil(LOCKOUT_MS / 60_000),
      });
    }
    throw new NotFoundError('invitations:errors.unknownCode', {
      count: MAX_WRONG_CODES - counted.failures,
    });
  }
}
