import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { FakeConnector } from '../helpers/fake-connector.js';
import {
  CHANNEL_ISSUER,
  CONNECTOR_SCOPE,
  startLocalBotAuth,
  type LocalBotAuth,
} from '../helpers/jwt.js';
import { personas } from '../helpers/personas.js';
import { postActivity, TeamsActivities } from '../helpers/teams-activity.js';
import { TEST_APP_ID } from '../helpers/test-app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** Starts `node --import tsx index.ts` and resolves with its URL once it logs `listening`. */
function start(env: Record<string, string>): {
  child: ChildProcess;
  url: Promise<string>;
  output: () => string;
} {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(PORT|Microsoft|MONGODB|DATA_DIR|LOG_LEVEL|PUBLIC_BASE_URL|ToBot|ToChannel|OAuth|ChannelService|CallerId|ValidateAuthority|BotOpenIdMetadata|Certificate)/.test(
          k
        )
    )
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'index.ts')], {
    cwd: env.DATA_DIR,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening:\n${text}`)), 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const m = /"msg":"listening"/.test(text) && /"port":(\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => reject(new Error(`exited:\n${text}`)));
  });
  url.catch(() => undefined);
  return { child, url, output: () => text };
}

describe('rule: the Bot Framework cloud and token settings come from the environment (npm start)', function () {
  this.timeout(120_000);
  let auth: LocalBotAuth;
  let connector: FakeConnector;
  let dir: string;
  let running: ReturnType<typeof start> | undefined;
  before(async () => {
    auth = await startLocalBotAuth();
    connector = await FakeConnector.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cloud-'));
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      const exited = new Promise((r) => running!.child.once('exit', r));
      running.child.kill('SIGKILL');
      await exited;
    }
    await connector?.close();
    await auth?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a token from the configured issuer (200) and refuses a forged one (401)', async () => {
    running = start({
      PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      MicrosoftAppId: TEST_APP_ID,
      MicrosoftAppPassword: 'test-app-password',
      ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: auth.openIdMetadataUrl,
      ToChannelFromBotLoginUrl: `${auth.url}/botframework.com`,
      ToChannelFromBotOAuthScope: CONNECTOR_SCOPE,
      OAuthUrl: `${auth.url}/oauth`,
      ValidateAuthority: 'false',
      TRUSTED_SERVICE_URL_HOSTS: '127.0.0.1',
    });
    const url = await running.url;
    const teams = new TeamsActivities({ serviceUrl: connector.url, botAppId: TEST_APP_ID });
    // A group-chat message that does not mention the bot: a whole turn, and no reply to send.
    const activity = teams.message(personas.reseller, 'hello', {
      scope: 'groupChat',
      mention: false,
    });
    const good = await auth.channelToken({ audience: TEST_APP_ID, serviceUrl: teams.serviceUrl });
    const forged = await auth.channelToken({
      audience: TEST_APP_ID,
      serviceUrl: teams.serviceUrl,
      wrongKey: true,
    });
    const ok = await postActivity(url, activity, good);
    expect(ok.status, running.output()).to.equal(200);
    const bad = await postActivity(url, activity, forged);
    expect(bad.status).to.equal(401);
    const none = await postActivity(url, activity);
    expect(none.status).to.equal(401);
  });
});
