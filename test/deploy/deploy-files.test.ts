import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
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

  it('one MongoDB driver: the ops commands, the metrics and mongoose share it', () => {
    // Two copies make a MongoClient from mongoose unusable where the ops code expects its own
    // (a type error at best, `instanceof` failing at run time at worst) and double the image.
    const range: string = JSON.parse(read('node_modules/mongoose/package.json')).dependencies
      .mongodb;
    const root = JSON.parse(read('package.json')).dependencies.mongodb;
    expect(
      fs.existsSync('node_modules/mongoose/node_modules/mongodb'),
      `mongoose wants ${range}, root has ${root}`
    ).to.equal(false);
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
    // Every file the bot and `npm run db` load is in the image, and every package they import
    // is a production dependency (the image has no devDependencies): followed from the entry
    // points, so a new folder or a new import cannot be forgotten here.
    const pkg = JSON.parse(read('package.json'));
    const production = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(JSON.parse(read('packages/embedded-mongo/package.json')).dependencies ?? {}),
    ]);
    const { files, packages } = importClosure(['index.ts', 'scripts/db.ts']);
    for (const f of files) {
      const top = f.split('/')[0];
      expect(sources.includes(f) || sources.includes(top), `${f} is not copied`).to.equal(true);
    }
    for (const p of packages) expect(production.has(p), `${p} is not a dependency`).to.equal(true);
  });
});

/**
 * The project files reachable from the entry points by static and dynamic imports (paths from
 * the repository root), and the npm packages they import (by package name). JSON catalogs
 * read at run time are covered by their folder (i18n) being copied.
 */
function importClosure(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const builtins = new Set(builtinModules);
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    const { importedFiles } = ts.preProcessFile(read(file), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (spec.startsWith('node:') || builtins.has(spec)) continue;
      if (!spec.startsWith('.')) {
        const parts = spec.split('/');
        packages.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
        continue;
      }
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
      const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
      expect(found, `${file} imports ${spec}, which does not exist`).to.be.a('string');
      queue.push(found!);
    }
  }
  return { files, packages };
}
