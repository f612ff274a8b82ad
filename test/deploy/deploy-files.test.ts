import fs from 'node:fs';
import { expect } from 'chai';
import * as yaml from 'js-yaml';
import { CONFIG_VARIABLES } from '../../config/config.js';

// What can be checked offline of the deploy files: they parse, they point at files that
// exist, and every variable name they hand the bot is one config/ reads.

const read = (f: string) => fs.readFileSync(f, 'utf8');
// YAML 1.1, as Docker Compose reads it: merge keys (`<<: *anchor`) included.
const load = (f: string) => yaml.load(read(f), { schema: yaml.YAML11_SCHEMA }) as any;
const placeholders = (text: string) =>
  new Set([...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]));
const envKeys = (f: string) =>
  new Set(
    read(f)
      .split('\n')
      .map((l) => /^([A-Z_][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((k): k is string => k !== undefined)
  );

/** Variables a toolkit project's steps write (writeToEnvironmentFile) or Bicep outputs. */
function produced(project: any, bicep?: string): Set<string> {
  const out = new Set<string>(['TEAMSFX_ENV']);
  for (const stage of ['provision', 'deploy', 'publish']) {
    for (const step of project[stage] ?? []) {
      for (const v of Object.values(step.writeToEnvironmentFile ?? {})) out.add(String(v));
    }
  }
  if (bicep) for (const m of bicep.matchAll(/^output (\w+) /gm)) out.add(m[1]);
  return out;
}

describe('deploy files', () => {
  const bicep = read('infra/azure.bicep');
  const manifestVars = placeholders(read('manifest/manifest.json'));

  for (const [file, envFile] of [
    ['m365agents.yml', 'env/.env.dev'],
    ['m365agents.local.yml', 'env/.env.local'],
  ] as const) {
    it(`${file} parses, uses manifest/, and every placeholder has a source in ${envFile}`, () => {
      const project = load(file);
      expect(project.version).to.match(/^v1\.\d+$/);
      expect(project.environmentFolderPath).to.equal('./env');
      const steps = [...project.provision, ...project.deploy];
      for (const step of steps) {
        const p = step.with?.manifestPath;
        if (p) expect(fs.existsSync(p), p).to.equal(true);
        const t = step.with?.templates;
        for (const tpl of t ?? []) {
          expect(fs.existsSync(tpl.path), tpl.path).to.equal(true);
          expect(fs.existsSync(tpl.parameters), tpl.parameters).to.equal(true);
        }
      }
      expect(steps.some((s: any) => s.with?.manifestPath === './manifest/manifest.json')).to.equal(
        true
      );
      const known = new Set([
        ...envKeys(envFile),
        ...produced(project, file === 'm365agents.yml' ? bicep : undefined),
      ]);
      const used = new Set([...placeholders(read(file)), ...manifestVars]);
      if (file === 'm365agents.yml')
        for (const v of placeholders(read('infra/azure.parameters.json'))) used.add(v);
      // SECRET_* values live in the git-ignored env/.env.<env>.user files.
      const missing = [...used].filter((v) => !known.has(v) && !v.startsWith('SECRET_'));
      expect(missing, `${file}: no source for`).to.deep.equal([]);
    });
  }

  it('the local project writes the bot its own variable names', () => {
    const project = load('m365agents.local.yml');
    const step = project.deploy.find((s: any) => s.uses === 'file/createOrUpdateEnvironmentFile');
    expect(step.with.target).to.equal('./.env');
    for (const name of Object.keys(step.with.envs)) expect(CONFIG_VARIABLES, name).to.include(name);
  });

  it('infra/azure.bicep: app settings are config/ variables, parameters match the parameters file', () => {
    const settings = /name: 'appsettings'[\s\S]*?properties: \{([\s\S]*?)\n {2}\}/.exec(bicep)![1];
    const names = [...settings.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]);
    expect(names).to.include.members([
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MONGODB_URI',
      'PUBLIC_BASE_URL',
    ]);
    for (const n of names.filter((x) => !x.startsWith('SCM_')))
      expect(CONFIG_VARIABLES, n).to.include(n);
    expect(settings).to.match(/MONGODB_URI: '@Microsoft\.KeyVault\(SecretUri=/);
    const declared = new Map(
      [...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => [m[1], m[2] !== undefined])
    );
    const given = Object.keys(JSON.parse(read('infra/azure.parameters.json')).parameters);
    for (const p of given) expect(declared.has(p), `param ${p}`).to.equal(true);
    for (const [p, hasDefault] of declared)
      if (!hasDefault) expect(given, `required ${p}`).to.include(p);
    expect(bicep).to.include("channelName: 'MsTeamsChannel'");
    expect(bicep).to.include("healthCheckPath: '/healthz'");
  });

  it('compose.yaml: a three-member replica set and two bots on it, with config/ names', () => {
    const compose = load('compose.yaml');
    const mongos = ['mongo1', 'mongo2', 'mongo3'];
    for (const m of mongos) expect(compose.services[m].command).to.include('--replSet');
    const init = compose.services['mongo-init'].command.join(' ');
    for (const m of mongos) expect(init).to.include(`${m}:27017`);
    for (const b of ['bot1', 'bot2']) {
      const env = compose.services[b].environment;
      for (const n of Object.keys(env)) expect(CONFIG_VARIABLES, n).to.include(n);
      expect(env.MONGODB_URI).to.match(
        /mongo1:27017,mongo2:27017,mongo3:27017\/partner-connect\?replicaSet=rs0/
      );
    }
  });

  it('Dockerfile: multi-stage, production deps, non-root, healthcheck, volume; COPY sources exist', () => {
    const df = read('Dockerfile');
    expect(df.match(/^FROM /gm)).to.have.length.greaterThanOrEqual(2);
    expect(df).to.match(/npm ci --omit=dev/);
    expect(df).to.match(/^USER node$/m);
    expect(df).to.match(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(df).to.match(/^VOLUME \["\/app\/data"\]$/m);
    const ignored = new Set(
      read('.dockerignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
    );
    const sources = [...df.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    expect(sources).to.include.members(['index.ts', 'bot', 'packages', 'package-lock.json']);
    for (const s of sources) {
      expect(fs.existsSync(s), `COPY ${s}`).to.equal(true);
      expect(ignored.has(s), `${s} is in .dockerignore`).to.equal(false);
    }
    // Every top-level source folder the bot imports from is in the image.
    for (const f of [
      'bot',
      'cards',
      'config',
      'dialogs',
      'domain',
      'i18n',
      'logging',
      'models',
      'notifications',
      'observability',
      'web',
    ]) {
      expect(sources, f).to.include(f);
    }
  });
});
