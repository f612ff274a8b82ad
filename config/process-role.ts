/**
 * Which process of `npm start`'s set this one is: the supervisor (what a person or a process
 * manager starts), the embedded database's process, or bot process n. The supervisor tells its
 * children through these variables (server/supervisor.ts); nobody else sets them. Read here, as
 * config/ is the only reader of process.env.
 */
export type ProcessRole =
  | { readonly kind: 'primary'; readonly proc: 'primary' }
  | { readonly kind: 'db'; readonly proc: 'db' }
  | {
      readonly kind: 'worker';
      readonly proc: `worker-${number}`;
      /** The embedded database's process (its Unix socket); unset on MONGODB_URI. */
      readonly databaseUri?: string;
    };

/** Set by the supervisor on its children: `db` or `worker-<n>`. */
export const PROC_VARIABLE = 'PARTNER_CONNECT_PROC';
/** Set by the supervisor on bot processes when the embedded database runs in its own process. */
export const DATABASE_URI_VARIABLE = 'PARTNER_CONNECT_EMBEDDED_URI';

/** This process's role, from what the supervisor set (nothing set: the supervisor itself). */
export function processRole(env: NodeJS.ProcessEnv = process.env): ProcessRole {
  const proc = env[PROC_VARIABLE] ?? '';
  if (proc === 'db') return { kind: 'db', proc };
  if (/^worker-[1-9][0-9]*$/.test(proc)) {
    const databaseUri = env[DATABASE_URI_VARIABLE];
    return {
      kind: 'worker',
      proc: proc as `worker-${number}`,
      ...(databaseUri ? { databaseUri } : {}),
    };
  }
  return { kind: 'primary', proc: 'primary' };
}
