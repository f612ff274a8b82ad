import { ConflictError, InvalidError, refuseFields } from '../errors.js';
import { checkGrant, days, MAX_DURATION_DAYS, widens } from './access-grant.js';
import { changeAsks, isActive, type AccessGrant, type Relationship } from './relationship.js';

/** What an Extend asks for: days added to the current end and, optionally, the roles after it. */
export interface ExtensionInput {
  readonly days: unknown;
  readonly roles?: unknown;
}

/** An extension as it would apply: the end before and after, and the roles after it. */
export interface Extension {
  readonly days: number;
  readonly from: Date;
  readonly to: Date;
  readonly grant: AccessGrant;
  /** More roles than today. */
  readonly widens: boolean;
  /** Asked by the provider: it waits for the reseller's consent (the reseller's own applies). */
  readonly asks: boolean;
}

const DAY_MS = days(1);

/**
 * How many days may be added to the current end: access never runs past 730 days from today
 * (the longest grant). Zero or less when it already does.
 */
export function extensionRoom(r: Pick<Relationship, 'expiresAt'>, now: Date): number {
  const limit = now.getTime() + days(MAX_DURATION_DAYS);
  return Math.floor((limit - r.expiresAt.getTime()) / DAY_MS);
}

/**
 * An Extend of an active relationship, checked. Days are added to the current end (as Partner
 * Center's extension works), so it never shortens access; a count out of range is refused with
 * the range, never silently changed. The provider's extension (or any more roles it names) is
 * a request the reseller must authorize; the reseller's own applies at once.
 */
export function planExtension(
  r: Relationship,
  side: 'provider' | 'reseller',
  input: ExtensionInput,
  now: Date
): Extension {
  if (!isActive(r)) throw new ConflictError('relationships:errors.notActive');
  const room = extensionRoom(r, now);
  if (room < 1) {
    throw new InvalidError('relationships:errors.extendAtLimit', { max: MAX_DURATION_DAYS });
  }
  const count = typeof input.days === 'string' ? Number(input.days) : input.days;
  const roles = Array.isArray(input.roles) && input.roles.length ? input.roles : r.grant.roles;
  const checked = checkGrant({ ...r.grant, roles });
  // The form's fields refused together, each next to its input (days, roles).
  refuseFields([
    ...(typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > room
      ? [
          {
            field: 'durationDays',
            key: 'relationships:errors.extendRange',
            values: { min: 1, max: room, limit: MAX_DURATION_DAYS },
          },
        ]
      : []),
    ...(checked.ok ? [] : checked.problems),
  ]);
  if (!checked.ok || typeof count !== 'number') throw new InvalidError();
  return {
    days: count,
    from: r.expiresAt,
    to: new Date(r.expiresAt.getTime() + days(count)),
    grant: checked.grant,
    widens: widens(r.grant, checked.grant),
    asks: changeAsks(side),
  };
}
