import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'restify';
import type { HttpRoute } from './http-route.js';

/** Where scripts/build-tab.ts writes the tab (`npm start` builds it first: `prestart`). */
export const DEFAULT_TAB_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'out',
  'tab'
);

/**
 * The hosts that may frame the tab: Teams (classic and the new one), Outlook and the Microsoft
 * 365 app, where a personal tab also runs (TeamsJS's documented hosts). Every other page of the
 * bot keeps `frame-ancestors 'none'`.
 */
export const TAB_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
];

/**
 * Only the tab's own files run (no inline script, nothing from elsewhere: the bundle carries
 * everything); Fluent UI writes its styles into <style> elements at run time, hence
 * 'unsafe-inline' for styles only; the API is the same origin.
 */
export const TAB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

/** The built files served, with their types; anything else under /tab/ is 404. */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.js.LEGAL.txt': 'text/plain; charset=utf-8',
};

async function sendFile(res: Response, dir: string, name: string): Promise<void> {
  // Own keys only: `constructor` is no file.
  const type = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Same names on every build: the browser asks again (cheap: small, local).
    'Cache-Control': 'no-cache',
  };
  if (!type) {
    res.sendRaw(404, 'Not found\n', { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    return;
  }
  let body: Buffer;
  try {
    body = await fs.readFile(path.join(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    res.sendRaw(503, 'The tab is not built: run `npm run build:tab` (npm start does).\n', {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
    });
    return;
  }
  res.sendRaw(200, body, {
    ...headers,
    'Content-Type': type,
    'Content-Security-Policy': TAB_CSP,
  });
}

/** `GET /tab` (the page Teams frames: the manifest's personal tab) and its built assets. */
export function tabRoutes(dir = DEFAULT_TAB_DIR): HttpRoute[] {
  return [
    {
      method: 'get',
      path: '/tab',
      handle: (_req: Request, res: Response) => sendFile(res, dir, 'index.html'),
    },
    {
      method: 'get',
      path: '/tab/:file',
      handle: (req: Request, res: Response) =>
        sendFile(res, dir, String((req.params as { file?: string }).file ?? '')),
    },
  ];
}
