/**
 * Debian's Chromium for the browser tests and the `tab` bench: where it is, how it is started,
 * and whether it is there (both skip without it).
 */
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}
