import { z } from 'zod';
import type { FieldProblem } from '../errors.js';
import { ADMIN_ROLES, RISKY_ROLE, type AccessGrant } from './relationship.js';

export const MIN_DURATION_DAYS = 1;
export const MAX_DURATION_DAYS = 730;
export const DEFAULT_DURATION_DAYS = 730;
export const AUTO_EXTEND_DAYS = 180;
/** A request nobody answers lapses after this long (as GDAP requests do). */
export const PENDING_DAYS = 90;
/** Both sides are reminded this many days before access ends (as Partner Center does). */
export const REMINDER_DAYS = [30, 7, 1] as const;

const DAY_MS = 24 * 60 * 60_000;
export const days = (n: number): number => n * DAY_MS;

/**
 * A rule a proposed grant breaks: `field` is the form's input (`roles`, `durationDays`,
 * `autoExtend`), `key` the i18n key (`relationships:grant.*`).
 */
export interface GrantProblem extends FieldProblem {
  readonly key: string;
  readonly values?: Record<string, unknown>;
}

const schema = z.object({
  roles: z.array(z.enum(ADMIN_ROLES)).min(1).max(ADMIN_ROLES.length),
  durationDays: z.number().int().min(MIN_DURATION_DAYS).max(MAX_DURATION_DAYS),
  autoExtend: z.boolean(),
});

/**
 * The grant as a card or command proposes it, checked: known roles (each once), 1 to 730 days,
 * and no auto-extend with Global Administrator (that role must be granted again, knowingly).
 */
export function checkGrant(
  input: unknown
): { ok: true; grant: AccessGrant } | { ok: false; problems: GrantProblem[] } {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // Every field's problem at once (a duration of 900 is refused with the range, not capped).
    const problems = parsed.error.issues.map((i) => ({
      field: String(i.path[0] ?? 'roles'),
      key: `relationships:grant.${String(i.path[0] ?? 'invalid')}`,
      values: { min: MIN_DURATION_DAYS, max: MAX_DURATION_DAYS },
    }));
    return { ok: false, problems };
  }
  const roles = [...new Set(parsed.data.roles)].sort(
    (a, b) => ADMIN_ROLES.indexOf(a) - ADMIN_ROLES.indexOf(b)
  );
  if (parsed.data.autoExtend && roles.includes(RISKY_ROLE)) {
    return {
      ok: false,
      problems: [{ field: 'autoExtend', key: 'relationships:grant.autoExtendWithGlobalAdmin' }],
    };
  }
  return { ok: true, grant: { ...parsed.data, roles } };
}

/** True when `next` grants a role `current` does not: the reseller must consent again. */
export function widens(current: AccessGrant, next: AccessGrant): boolean {
  return next.roles.some((r) => !current.roles.includes(r));
}
