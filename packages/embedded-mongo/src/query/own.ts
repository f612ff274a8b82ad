import type { Document } from 'bson';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True for field names that plain property access would resolve through Object.prototype
 * (`__proto__`, `constructor`, `toString`...): MongoDB allows them as ordinary field names.
 */
export function isInheritedName(key: string): boolean {
  return key in Object.prototype;
}

/** The document's own field `key` (never an inherited property). */
export function getOwn(obj: Document, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined;
}

/** Sets an own field, also for `__proto__` (plain assignment would replace the prototype). */
export function setOwn(obj: Document, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}
