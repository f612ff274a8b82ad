import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import AdmZip from 'adm-zip';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { AppManifestUtils } from '@microsoft/app-manifest';
import ajvDraft04 from 'ajv-draft-04';
import { loadConfig } from '../../config/config.js';
import { packageManifest } from '../../scripts/package-manifest.js';

const require = createRequire(import.meta.url);
const schemaDir = path.join(
  path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build/json-schemas/teams/v1.22'
);
// Loaded from the package so validation never goes to the network.
const loadSchema = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(schemaDir, name), 'utf8'));

// A CommonJS module whose default export TypeScript sees as the namespace under NodeNext.
const Ajv04 = ajvDraft04.default;

const APP_ID = '5d1c7a2e-3b4f-4c6d-8e9f-0a1b2c3d4e5f';

describe('Teams app package', () => {
  let outDir: string;
  let zip: AdmZip;
  let manifest: Record<string, any>;

  before(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-manifest-'));
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      PUBLIC_BASE_URL: 'https://partner-connect.example.com:8443/',
    });
    const result = packageManifest(config, outDir);
    zip = new AdmZip(result.file);
    manifest = JSON.parse(zip.readAsText('manifest.json'));
  });
  after(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('holds the manifest, both icons and the Russian strings, nothing else', () => {
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort()
    ).to.deep.equal(['color.png', 'manifest.json', 'outline.png', 'ru-ru.json']);
  });

  it('validates against the Teams manifest schema it names', async () => {
    expect(manifest.$schema).to.match(/teams\/v1\.(19|2\d)\/MicrosoftTeams\.schema\.json$/);
    const problems = await AppManifestUtils.validateAgainstSchema(
      manifest as any,
      loadSchema('MicrosoftTeams.schema.json')
    );
    expect(problems).to.deep.equal([]);
  });

  it('has a Russian localization file that validates too', async () => {
    const ru = JSON.parse(zip.readAsText('ru-ru.json'));
    // The localization schema has patterns that are invalid as unicode regexps, which
    // AppManifestUtils compiles with; the same draft-04 validator without the `u` flag accepts them.
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(loadSchema('MicrosoftTeams.Localization.schema.json'));
    expect(validate(ru), JSON.stringify(validate.errors)).to.equal(true);
    expect(manifest.localizationInfo.additionalLanguages).to.deep.include({
      languageTag: 'ru-ru',
      file: 'ru-ru.json',
    });
  });

  it('fills in the app id, the public URL and its domain', () => {
    const text = zip.readAsText('manifest.json');
    expect(text).to.not.include('${{');
    expect(manifest.id).to.equal(APP_ID);
    expect(manifest.bots[0].botId).to.equal(APP_ID);
    expect(manifest.developer.websiteUrl).to.equal('https://partner-connect.example.com:8443');
    expect(manifest.validDomains).to.deep.equal(['partner-connect.example.com']);
  });

  it('has a personal tab at PUBLIC_BASE_URL/tab after the chat, with SSO for the app id', () => {
    expect(manifest.staticTabs.map((t: { entityId: string }) => t.entityId)).to.deep.equal([
      'conversations',
      'dashboard',
    ]);
    const tab = manifest.staticTabs[1];
    expect(tab.scopes).to.deep.equal(['personal']);
    expect(tab.contentUrl).to.equal('https://partner-connect.example.com:8443/tab?inTeams=1');
    expect(tab.websiteUrl).to.equal('https://partner-connect.example.com:8443/tab');
    expect(manifest.webApplicationInfo).to.deep.equal({
      id: APP_ID,
      resource: `api://partner-connect.example.com/${APP_ID}`,
    });
    // Teams loads the tab only from a valid domain.
    expect(manifest.validDomains).to.include(new URL(tab.contentUrl).hostname);
    const ru = JSON.parse(zip.readAsText('ru-ru.json'));
    expect(ru['staticTabs[1].name']).to.equal('Панель');
  });

  it('offers the bot in personal, team and group chat scopes with command lists', () => {
    const [bot] = manifest.bots;
    expect(bot.scopes).to.have.members(['personal', 'team', 'groupChat']);
    const personal = bot.commandLists.find((l: { scopes: string[] }) =>
      l.scopes.includes('personal')
    );
    expect(personal.commands.map((c: { title: string }) => c.title)).to.include.members([
      'help',
      'language',
      'cancel',
    ]);
  });

  it('has a 192x192 colour icon and a 32x32 white-on-transparent outline icon', () => {
    const color = PNG.sync.read(zip.readFile('color.png')!);
    const outline = PNG.sync.read(zip.readFile('outline.png')!);
    expect([color.width, color.height]).to.deep.equal([192, 192]);
    expect([outline.width, outline.height]).to.deep.equal([32, 32]);
    let transparent = 0;
    let drawn = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      if (a === 0) transparent++;
      else {
        drawn++;
        expect([r, g, b], `pixel ${i / 4} is white`).to.deep.equal([255, 255, 255]);
      }
    }
    expect(transparent, 'transparent pixels').to.be.greaterThan(32 * 32 * 0.3);
    expect(drawn, 'drawn pixels').to.be.greaterThan(0);
  });

  it('uses a stable generated GUID when MicrosoftAppId is not set', () => {
    const config = loadConfig({});
    const first = packageManifest(config, outDir);
    const second = packageManifest(config, outDir);
    expect(first.appId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second.appId).to.equal(first.appId);
    expect((second.manifest as { validDomains: string[] }).validDomains).to.deep.equal([
      'localhost',
    ]);
  });
});
