/**
 * `npm run build:tab` (and `prestart`): bundles the personal tab (tab/) with esbuild into
 * out/tab/: app.js (React, Fluent UI v9, TeamsJS and the tab's i18n catalogs inlined, minified),
 * app.js's source map and index.html. Nothing is fetched at run time (no CDN): the machine
 * serving the tab may be offline. web/tab.route.ts serves the folder at /tab.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the built tab lands (git-ignored with the rest of out/). */
export const TAB_OUT_DIR = path.join(root, 'out', 'tab');

export interface TabBuild {
  readonly outDir: string;
  /** Bytes of app.js, unzipped. */
  readonly bundleBytes: number;
}

/** Builds the tab into `outDir` (default out/tab); the files are replaced whole. */
export async function buildTab(outDir = TAB_OUT_DIR): Promise<TabBuild> {
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, 'tab', 'main.tsx')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['chrome110', 'edge110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(root, 'tab', 'index.html'), path.join(outDir, 'index.html'));
  return { outDir, bundleBytes: fs.statSync(path.join(outDir, 'app.js')).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await buildTab();
  process.stdout.write(
    `Built the tab into ${path.relative(process.cwd(), result.outDir)} ` +
      `(app.js ${Math.round(result.bundleBytes / 1024)} KB)\n`
  );
}
