/** Whether `err` is MongoDB's duplicate-key error (code 11000), from any server or driver path. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/**
 * The field a MongoDB duplicate-key error (code 11000) is about, from `keyPattern` or, for
 * servers that omit it, the index name in `errmsg` (`index: partnerId_1 dup key`). Undefined for
 * any other error. Shared by the enrollment stores, which turn it into their own domain signal.
 */
export function duplicateKeyField(err: unknown): string | undefined {
  const e = err as {
    code?: number;
    keyPattern?: Record<string, unknown>;
    errmsg?: string;
    message?: string;
  } | null;
  if (!e || !isDuplicateKey(e)) return undefined;
  const fromPattern = e.keyPattern && Object.keys(e.keyPattern)[0];
  if (fromPattern) return fromPattern;
  const m = /index: (\w+?)_-?1/.exec(e.errmsg ?? e.message ?? '');
  return m?.[1] ?? '';
}
