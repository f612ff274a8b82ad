/**
 * `npm run package`: fills the manifest placeholders and writes out/partner-connect.zip, ready to
 * upload in Teams (Apps > Manage your apps > Upload) or the Developer Portal.
 *   ${{MICROSOFT_APP_ID}}  MicrosoftAppId, or a dev GUID kept in out/dev-app-id for repeat builds
 *   ${{PUBLIC_BASE_URL}}   PUBLIC_BASE_URL;  ${{PUBLIC_DOMAIN}} its host (validDomains)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AdmZip from 'adm-zip';
import { ConfigError, loadConfig, type Config } from '../config/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST_DIR = path.join(root, 'manifest');
const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png', 'ru-ru.json'];

export interface PackageResult {
  readonly file: string;
  readonly appId: string;
  readonly manifest: Record<string, unknown>;
}

/** Builds the app package from manifest/ into `outDir` (default ./out). */
export function packageManifest(config: Config, outDir = path.join(root, 'out')): PackageResult {
  fs.mkdirSync(outDir, { recursive: true });
  const appId = config.microsoftAppId ?? devAppId(outDir);
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: appId,
    PUBLIC_BASE_URL: config.publicBaseUrl,
    PUBLIC_DOMAIN: new URL(config.publicBaseUrl).hostname,
  };
  const fill = (text: string) =>
    text.replace(/\$\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`manifest placeholder \${{${name}}} has no value`);
      return values[name];
    });

  const zip = new AdmZip();
  let manifest: Record<string, unknown> = {};
  for (const name of PACKAGE_FILES) {
    const source = path.join(MANIFEST_DIR, name);
    if (name.endsWith('.json')) {
      const text = fill(fs.readFileSync(source, 'utf8'));
      if (name === 'manifest.json') manifest = JSON.parse(text) as Record<string, unknown>;
      zip.addFile(name, Buffer.from(text, 'utf8'));
    } else {
      zip.addFile(name, fs.readFileSync(source));
    }
  }
  const file = path.join(outDir, 'partner-connect.zip');
  zip.writeZip(file);
  return { file, appId, manifest };
}

/** Without MicrosoftAppId the package still needs a GUID; keep one so re-uploads update the same app. */
function devAppId(outDir: string): string {
  const file = path.join(outDir, 'dev-app-id');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  fs.writeFileSync(file, `${id}\n`);
  return id;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { config: loadDotenv } = await import('dotenv');
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    // The package needs the app id and the public URL, never a secret.
    config = loadConfig(process.env, { credentials: false });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const result = packageManifest(config);
  process.stdout.write(
    `Wrote ${path.relative(process.cwd(), result.file)} for app id ${result.appId}\n`
  );
}
