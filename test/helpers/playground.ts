import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumInstalled } from '../../testkit/chromium.js';
import type { Persona } from './personas.js';

// Debian's Chromium (testkit, shared with the `tab` bench); the Playground tests skip without it.
export { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumInstalled };
const require = createRequire(import.meta.url);
const PLAYGROUND_CLI = path.join(
  path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')),
  'cli.js'
);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots land here (gitignored with the rest of out/). */
export const SCREENSHOT_DIR = path.join(repoRoot, 'out', 'screenshots');

export const BOT_ID = '00000000-0000-0000-0000-00000000b075';
export const BOT_NAME = 'Partner Connect';

/**
 * The persona file the Playground reads: who is signed in, four colleagues plus one more in the
 * same tenant (it wants exactly five `users`), and the chats. Note `userPrincipleName` (sic).
 */
export function personaYaml(me: Persona, colleagues: readonly Persona[] = []): string {
  const q = (s: string) => JSON.stringify(s);
  const user = (p: Persona, id: string) =>
    `{id: ${q(id)}, name: ${q(p.name)}, userPrincipleName: ${q(p.upn)}, aadObjectId: ${q(p.aadObjectId)}, ` +
    `givenName: ${q(p.givenName)}, surname: ${q(p.surname)}, email: ${q(p.email)}}`;
  const others = colleagues.filter((c) => c.aadObjectId !== me.aadObjectId).slice(0, 5);
  const filler = ['Lee Gu', 'Nestor Wilke', 'Joni Sherman', 'Alex Wilber', 'Diego Siciliani'];
  for (let i = 0; others.length < 5; i++) {
    const [givenName, surname] = filler[i].split(' ');
    const domain = me.email.split('@')[1];
    const email = `${givenName.toLowerCase()}@${domain}`;
    others.push({
      ...me,
      id: `user-filler-${i + 1}`,
      name: filler[i],
      givenName,
      surname,
      email,
      upn: email,
      aadObjectId: `${me.tenantId.slice(0, 8)}-0000-4000-9000-${String(i + 1).padStart(12, '0')}`,
    });
  }
  return [
    `version: "0.1.1"`,
    `tenantId: ${q(me.tenantId)}`,
    `bot:`,
    `  id: ${q(BOT_ID)}`,
    `  name: ${q(BOT_NAME)}`,
    `currentUser:`,
    `  id: ${q(me.id)}`,
    `  name: ${q(me.name)}`,
    `  userPrincipleName: ${q(me.upn)}`,
    `  aadObjectId: ${q(me.aadObjectId)}`,
    `  givenName: ${q(me.givenName)}`,
    `  surname: ${q(me.surname)}`,
    `  email: ${q(me.email)}`,
    `users:`,
    ...others.map((p) => `  - ${user(p, p.id)}`),
    `personalChat:`,
    `  id: ${q(`personal-${me.aadObjectId}`)}`,
    `groupChat:`,
    `  id: ${q(`groupchat-${me.tenantId}`)}`,
    `  name: "Group Chat"`,
    `team:`,
    `  id: ${q(`team-${me.tenantId}`)}`,
    `  name: ${q(`${me.organization} Team`)}`,
    `  aadGroupId: ${q(`${me.tenantId.slice(0, 8)}-0000-4000-a000-000000000031`)}`,
    `  channels:`,
    `    - id: ${q(`channel-${me.tenantId}`)}`,
    `      name: "Announcements"`,
    '',
  ].join('\n');
}

export interface PlaygroundOptions {
  /** The bot's base URL (`http://127.0.0.1:<port>`) or its `/api/messages` endpoint. */
  readonly botUrl: string;
  readonly persona: Persona;
  /** Other people in the persona's tenant to list as users (up to five). */
  readonly colleagues?: readonly Persona[];
  /** Default 30 s: the whole page under two busy cores. */
  readonly timeoutMs?: number;
}

/**
 * The Agents Playground (a Teams-like client) driven by headless Chromium. One instance per
 * test file; `switchPersona` restarts the Playground as someone else (about a second).
 */
export class Playground {
  private process?: ChildProcess;
  private output = '';
  private context?: BrowserContext;
  private page?: Page;
  private port = 0;
  private persona: Persona;
  private readonly workDir: string;
  private readonly timeoutMs: number;

  private constructor(private readonly options: PlaygroundOptions) {
    this.persona = options.persona;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-playground-'));
  }

  /** Starts the Playground as `persona` and opens it in Chromium. */
  static async start(options: PlaygroundOptions): Promise<Playground> {
    const playground = new Playground(options);
    try {
      await playground.startServer();
      await playground.openBrowser();
    } catch (err) {
      await playground.stop();
      throw err;
    }
    return playground;
  }

  get currentPersona(): Persona {
    return this.persona;
  }

  /** The open page, for anything the helpers below do not cover. */
  get browserPage(): Page {
    if (!this.page) throw new Error('Playground page is not open');
    return this.page;
  }

  /** Restarts the Playground signed in as someone else and reloads the page. */
  async switchPersona(persona: Persona, colleagues: readonly Persona[] = []): Promise<void> {
    this.persona = persona;
    await this.stopServer();
    await this.startServer(colleagues);
    await this.browserPage.goto(this.url, { waitUntil: 'domcontentloaded' });
    await this.waitForComposer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Opens a chat from the list: 'Personal Chat', 'Group Chat' or a channel name. */
  async openChat(name: string): Promise<void> {
    await this.browserPage.getByText(name, { exact: true }).first().click();
    await this.waitForComposer();
  }

  /** Types a message and sends it; `mention` first @mentions the bot through the picker. */
  async sendText(text: string, options: { mention?: boolean } = {}): Promise<void> {
    const box = this.browserPage.locator('[role="textbox"][contenteditable="true"]').first();
    await box.click();
    if (options.mention) {
      await box.pressSequentially(`@${BOT_NAME.slice(0, 4)}`);
      await this.browserPage.getByRole('menuitem', { name: BOT_NAME }).click();
      await box.pressSequentially(` ${text}`);
    } else {
      await box.fill(text);
    }
    await this.browserPage.locator('button[aria-label="Send Message"]').click();
  }

  /** Every bot message shown so far, or those containing `text` (case-sensitive). */
  botReplies(text?: string | RegExp): Locator {
    const all = this.browserPage.locator('.fai-OutputCard');
    return text ? all.filter({ hasText: caseSensitive(text) }) : all;
  }

  /**
   * Waits until the bot has shown more than `after` messages and the newest one contains
   * `contains` (text or pattern, if given); returns that message.
   */
  async waitForBotReply(
    options: { after?: number; contains?: string | RegExp; timeoutMs?: number } = {}
  ): Promise<Locator> {
    const timeout = options.timeoutMs ?? this.timeoutMs;
    const replies = this.botReplies();
    const after = options.after ?? 0;
    await replies.nth(after).waitFor({ state: 'visible', timeout });
    const matching = options.contains
      ? replies.filter({ hasText: caseSensitive(options.contains) })
      : replies;
    const last = matching.last();
    await last.waitFor({ state: 'visible', timeout });
    return last;
  }

  /** Clicks an Adaptive Card button by its title (the newest card that has one). */
  async clickCardButton(title: string): Promise<void> {
    const button = this.browserPage
      .locator('.ac-adaptiveCard')
      .getByRole('button', { name: title, exact: true })
      .last();
    await button.click({ timeout: this.timeoutMs });
  }

  /** Fills an Adaptive Card input by its label (the newest card that has one). */
  async fillInput(label: string, value: string): Promise<void> {
    const input = this.browserPage.locator('.ac-adaptiveCard').getByLabel(label).last();
    await input.fill(value, { timeout: this.timeoutMs });
  }

  /** Saves a PNG of the page under out/screenshots/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.browserPage.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Closes the browser and the Playground, and removes its scratch folder. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.context = undefined;
    this.page = undefined;
    await this.stopServer();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  private async startServer(
    colleagues: readonly Persona[] = this.options.colleagues ?? []
  ): Promise<void> {
    this.port = await freePort();
    const personaFile = path.join(this.workDir, `persona-${this.persona.id}.yml`);
    fs.writeFileSync(personaFile, personaYaml(this.persona, colleagues));
    const endpoint = this.options.botUrl.endsWith('/api/messages')
      ? this.options.botUrl
      : `${this.options.botUrl.replace(/\/$/, '')}/api/messages`;
    this.output = '';
    const child = spawn(
      process.execPath,
      [
        PLAYGROUND_CLI,
        '--app-endpoint',
        endpoint,
        '--channel-id',
        'msteams',
        '--port',
        String(this.port),
        '--disable-telemetry',
      ],
      {
        // It writes a devTools log folder where it starts.
        cwd: this.workDir,
        env: {
          ...process.env,
          TEAMSAPPTESTER_BROWSER: 'none',
          APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
          M365_AGENTS_PLAYGROUND_CONFIG_PATH: personaFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    this.process = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await this.waitForServer(child);
  }

  private async waitForServer(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`Playground exited (${child.exitCode}):\n${this.output}`);
      try {
        const res = await fetch(this.url, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Playground did not answer on ${this.url}:\n${this.output}`);
  }

  private async stopServer(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private async openBrowser(): Promise<void> {
    const userDataDir = path.join(this.workDir, 'chromium-profile');
    this.context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      locale: this.persona.locale,
    });
    this.context.setDefaultTimeout(this.timeoutMs);
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded' });
    await this.waitForComposer();
  }

  private async waitForComposer(): Promise<void> {
    await this.browserPage
      .locator('[role="textbox"][contenteditable="true"]')
      .first()
      .waitFor({ state: 'visible', timeout: this.timeoutMs });
  }
}

/** Playwright matches string `hasText` case-insensitively; tests mean the exact words. */
function caseSensitive(text: string | RegExp): RegExp {
  return typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
