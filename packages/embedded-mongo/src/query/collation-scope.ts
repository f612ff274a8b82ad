import type { StringCompare } from './collation.js';

/**
 * The collation of the expression being evaluated. Expression evaluation is synchronous, so a
 * scope set around it is seen by the comparison operators it calls and by nothing else.
 */
let active: StringCompare | undefined;

export function activeCollation(): StringCompare | undefined {
  return active;
}

export function withCollation<T>(collation: StringCompare | undefined, run: () => T): T {
  const outer = active;
  active = collation;
  try {
    return run();
  } finally {
    active = outer;
  }
}
