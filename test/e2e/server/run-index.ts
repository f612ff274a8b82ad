import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Node itself with tsx's loader (not the tsx CLI, which runs the app in a second process),
// so signals reach the app as they do under a process manager.
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

export interface Running {
  child: ChildProcess;
  lines: Record<string, any>[];
  output: () => string;
  exited: Promise<number | null>;
  waitForLine(
    predicate: (line: Record<string, any>) => boolean,
    timeoutMs?: number
  ): Promise<Record<string, any>>;
}

/**
 * Runs `npm start`'s entry point in a child process, from `cwd` (where .env is read), with the
 * bot's own variables cleared from this environment and `env` on top; every output line parsed.
 */
export function runIndex(cwd: string, env: Record<string, string>): Running {
  return runScript('index.ts', [], cwd, env);
}

/**
 * Runs a script of the repository (`scripts/db.ts` for `npm run db`) as {@link runIndex} runs
 * index.ts, with `args` after it.
 */
export function runScript(
  script: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>
): Running {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL)|^HOST$/.test(k)
    )
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, script), ...args], {
    cwd,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const lines: Record<string, any>[] = [];
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const parts = text.split('\n');
    text = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ raw: part });
      }
    }
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    output: () => lines.map((l) => JSON.stringify(l)).join('\n') + text,
    waitForLine(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(predicate);
          if (line) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching log line; output:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`
            )
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
