import { NotAllowedError, NotFoundError } from '../errors.js';
import { personKey } from './invitation.js';
import type { CodeGuessRepository, GuessBudget } from './invitation-repository.port.js';
import type { SecretHasher } from './invitation-secrets.js';

export const MAX_WRONG_CODES = 5;
export const GUESS_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 60 * 60_000;
/**
 * Wrong codes one organization may type in the window, all its people together: several
 * accounts of one tenant do not multiply the per-person budget past this.
 */
export const TENANT_MAX_WRONG_CODES = 20;

const PERSON_BUDGET: GuessBudget = {
  max: MAX_WRONG_CODES,
  windowMs: GUESS_WINDOW_MS,
  lockoutMs: LOCKOUT_MS,
};
const TENANT_BUDGET: GuessBudget = {
  max: TENANT_MAX_WRONG_CODES,
  windowMs: GUESS_WINDOW_MS,
  lockoutMs: LOCKOUT_MS,
};

/** The guess record of a whole organization, beside its people's (`tenant/aadObjectId`). */
export function tenantGuessKey(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/**
 * Typed invitation codes, of every kind, against a per-person and a per-organization budget:
 * five wrong in 15 minutes lock the person out for an hour, twenty the organization, right
 * code or not. Each try is counted before the code is looked up, in one conditional update that
 * refuses past the budget, so a burst of guesses sent at once checks no more codes than guesses
 * sent one by one; a right code gives back its own try only, never the wrong ones before it.
 * One budget for both kinds, so customer and reseller codes do not add up to more tries.
 */
export class CodeThrottle {
  constructor(
    private readonly guesses: CodeGuessRepository,
    private readonly hasher: SecretHasher,
    private readonly now: () => Date,
    private readonly onMiss: (failures: number) => void = () => undefined
  ) {}

  /** Finds what a normalized code opens, or throws `locked` / `tenantLocked` / `unknownCode`. */
  async lookup<T>(
    who: { readonly tenantId: string; readonly aadObjectId: string },
    normalizedCode: string,
    find: (codeHash: string) => Promise<T | null>
  ): Promise<T> {
    const now = this.now();
    const person = personKey(who);
    const tenant = tenantGuessKey(who.tenantId);
    const mine = await this.guesses.take(person, now, PERSON_BUDGET);
    if (!mine) throw await this.refusal(person, now, 'invitations:errors.locked');
    const ours = await this.guesses.take(tenant, now, TENANT_BUDGET);
    if (!ours) {
      // Refused before any lookup: the person's try was not spent on a code.
      await this.guesses.giveBack(person);
      throw await this.refusal(tenant, now, 'invitations:errors.tenantLocked');
    }
    const found = await this.hasher.find(normalizedCode, find);
    if (found) {
      await Promise.all([this.guesses.giveBack(person), this.guesses.giveBack(tenant)]);
      return found;
    }
    this.onMiss(mine.failures);
    const until = new Date(now.getTime() + LOCKOUT_MS);
    const tenantSpent = ours.failures >= TENANT_BUDGET.max;
    if (tenantSpent) await this.guesses.lock(tenant, until, TENANT_BUDGET);
    if (mine.failures >= PERSON_BUDGET.max) {
      await this.guesses.lock(person, until, PERSON_BUDGET);
      throw new NotAllowedError('invitations:errors.locked', { minutes: minutes(LOCKOUT_MS) });
    }
    if (tenantSpent) {
      throw new NotAllowedError('invitations:errors.tenantLocked', {
        minutes: minutes(LOCKOUT_MS),
      });
    }
    throw new NotFoundError('invitations:errors.unknownCode', {
      count: PERSON_BUDGET.max - mine.failures,
    });
  }

  /** A spent budget's refusal, with the minutes its lock has left. */
  private async refusal(key: string, now: Date, messageKey: string): Promise<NotAllowedError> {
    // No lock yet: the try that spent the budget is still being checked; it locks for the hour.
    const lockedUntil = (await this.guesses.get(key))?.lockedUntil;
    const left = lockedUntil ? lockedUntil.getTime() - now.getTime() : LOCKOUT_MS;
    return new NotAllowedError(messageKey, { minutes: minutes(Math.max(left, 60_000)) });
  }
}

function minutes(ms: number): number {
  return Math.ceil(ms / 60_000);
}
