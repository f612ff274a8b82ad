/**
 * `turn`: what a turn of ours costs next to the cheapest turn the same stack can do. The echo
 * bot runs on our own restify server, /api/messages route and CloudAdapter (createWebServer,
 * messagesRoute, createAdapter), so the ratio isolates the bot's own work: state, database,
 * cards, i18n.
 */
import type { TurnContext } from 'botbuilder';
import { createAdapter } from '../bot/adapter.js';
import { messagesRoute } from '../bot/messages.route.js';
import { Verbs } from '../cards/verbs.js';
import { loadConfig } from '../config/config.js';
import { testLogger } from '../logging/logger.js';
import { visible } from '../testkit/visible.js';
import { FakeConnector } from '../testkit/fake-connector.js';
import { postActivity, TeamsActivities } from '../testkit/teams-activity.js';
import { createWebServer } from '../web/server.js';
import {
  benchPersona,
  load,
  round,
  type Bench,
  type BenchResult,
  type Figure,
  type LoadResult,
} from './lib.js';
import { pendingRelationships, startProduct, type ProductApp } from './world.js';

const CONCURRENCIES = [1, 50] as const;
const TARGET_RATIO = 0.5;
const WARM_UP = 30;

/** The echo bot on our stack: replies with the text; answers an invoke with a small card. */
async function startEcho(connector: FakeConnector) {
  const logger = testLogger();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const adapter = createAdapter(config, logger);
  const logic = async (turn: TurnContext) => {
    const a = turn.activity;
    if (a.type === 'invoke') {
      await turn.sendActivity({
        type: 'invokeResponse',
        value: {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.card.adaptive',
            value: {
              type: 'AdaptiveCard',
              version: '1.5',
              body: [{ type: 'TextBlock', text: 'ok' }],
            },
          },
        },
      });
    } else if (a.type === 'message') {
      await turn.sendActivity(`echo: ${a.text ?? ''}`);
    }
  };
  const web = createWebServer({
    messages: messagesRoute({
      adapter,
      logic,
      logger,
      trustedServiceUrlHosts: config.trustedServiceUrlHosts,
    }),
    ping: async () => undefined,
    logger,
  });
  const { url } = await web.listen(0, '127.0.0.1');
  return {
    url,
    teams: new TeamsActivities({ serviceUrl: connector.url }),
    stop: () => web.close(2_000),
  };
}

const ok = (status: number) => status >= 200 && status < 300;

function loadFigures(
  what: string,
  results: Map<number, LoadResult>,
  echo: Map<number, LoadResult>
): Figure[] {
  const figures: Figure[] = [];
  for (const c of CONCURRENCIES) {
    const r = results.get(c)!;
    const e = echo.get(c)!;
    const ratio = r.perSecond / e.perSecond;
    figures.push(
      {
        name: `${what} turns/s @${c}`,
        value: round(r.perSecond),
        unit: 'turns/s',
        baseline: {
          name: `echo ${what === 'Authorize' ? 'invoke' : 'message'} @${c}`,
          value: round(e.perSecond),
          unit: 'turns/s',
        },
      },
      {
        name: `${what} ratio to echo @${c}`,
        value: round(ratio, 2),
        unit: 'x',
        target: `≥ ${TARGET_RATIO}x`,
        met: ratio >= TARGET_RATIO,
      },
      {
        name: `${what} p50 @${c}`,
        value: round(r.p50Ms),
        unit: 'ms',
        baseline: { name: `echo p50 @${c}`, value: round(e.p50Ms), unit: 'ms' },
      },
      {
        name: `${what} p99 @${c}`,
        value: round(r.p99Ms),
        unit: 'ms',
        baseline: { name: `echo p99 @${c}`, value: round(e.p99Ms), unit: 'ms' },
      },
      {
        name: `${what} CPU per turn @${c}`,
        value: round(r.cpuMsPerCall, 2),
        unit: 'ms',
        baseline: { name: `echo CPU per turn @${c}`, value: round(e.cpuMsPerCall, 2), unit: 'ms' },
      },
      {
        name: `${what} errors @${c}`,
        value: r.errors,
        unit: 'turns',
        target: '0',
        met: r.errors === 0,
      }
    );
  }
  return figures;
}

/**
 * The CPU of one database round trip in this process (the driver's findOne by _id, no
 * mongoose) on an idle server: with the embedded database the client's and the server's share,
 * the floor under every command a turn sends. Last: it stops the delivery worker.
 */
async function oneRoundTripCpu(app: ProductApp): Promise<number> {
  // The delivery worker stopped first: its polling would be counted in this process's CPU.
  await app.app.modules.notifications.worker?.stop();
  const conn = app.app.db.connection;
  const users = conn.getClient().db(conn.name).collection('users');
  const any = await users.findOne({}, { projection: { _id: 1 } });
  const filter = any ? { _id: any._id } : {};
  for (let i = 0; i < 50; i++) await users.findOne(filter);
  const n = 500;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await users.findOne(filter);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / n;
}

/** Why Authorize is under its target, in figures of this run (none when it is met). */
function authorizeBound(
  authorize: Map<number, LoadResult>,
  echo: Map<number, LoadResult>,
  commandsPerClick: Map<number, number>,
  roundTripCpuMs: number
): string | undefined {
  const c = CONCURRENCIES[0];
  const a = authorize.get(c);
  const e = echo.get(c);
  const cmds = commandsPerClick.get(c);
  if (!a || !e || cmds === undefined) return undefined;
  if (a.perSecond / e.perSecond >= TARGET_RATIO) return undefined;
  const budget = e.cpuMsPerCall / TARGET_RATIO;
  return (
    `What bounds Authorize: at concurrency ${c} a click costs ${round(a.cpuMsPerCall, 1)} ms of CPU in this process against echo's ${round(e.cpuMsPerCall, 2)} ms, ` +
    `so ${TARGET_RATIO}x of echo leaves ${round(budget, 1)} ms per click. The click sends ${round(cmds, 1)} database commands ` +
    `(the click's own: reads, the conditional transition, the card copies, the notices and their outbox entries, the owed-notice stamp cleared; ` +
    `and the delivery worker's, claiming and sending what the click queued; \`roundtrips\` lists one click's), and one round trip costs at least ${round(roundTripCpuMs, 3)} ms of CPU here ` +
    `(driver + embedded server, no mongoose): ${round(cmds * roundTripCpuMs, 1)} ms for the commands at their cheapest, the rest is mongoose, ` +
    "the cards rendered (the clicked card, each copy, each notice in its reader's language) and the proactive calls. " +
    "Echo's invoke reads and writes nothing, so the ratio measures that work, not the stack."
  );
}

export const turnBench: Bench = {
  id: 'turn',
  title: 'Turn cost: our status turn and Authorize invoke against an echo bot on the same stack',
  async run(options): Promise<BenchResult> {
    const users = options.users ?? 1000;
    const log = options.log ?? (() => undefined);
    const people = Array.from({ length: users }, (_, i) => benchPersona(i, 'turn'));

    // Echo first, alone on the machine.
    const echoConnector = await FakeConnector.start();
    const echo = await startEcho(echoConnector);
    const echoMsg = new Map<number, LoadResult>();
    const echoInvoke = new Map<number, LoadResult>();
    try {
      // Warm-up (not counted): the first turns of a process compile and open connections.
      const warm = Array.from({ length: WARM_UP }, (_, i) => benchPersona(i, 'warm'));
      await load(WARM_UP, 5, async (i) =>
        ok((await postActivity(echo.url, echo.teams.message(warm[i], 'status'))).status)
      );
      for (const c of CONCURRENCIES) {
        log(`turn: echo message @${c}`);
        echoMsg.set(
          c,
          await load(users, c, async (i) =>
            ok((await postActivity(echo.url, echo.teams.message(people[i], 'status'))).status)
          )
        );
        echoConnector.reset();
        log(`turn: echo invoke @${c}`);
        echoInvoke.set(
          c,
          await load(users, c, async (i) =>
            ok(
              (
                await postActivity(
                  echo.url,
                  echo.teams.cardAction(people[i], Verbs.relationshipAuthorize, {
                    relationshipRef: 'x',
                  })
                )
              ).status
            )
          )
        );
      }
    } finally {
      await echo.stop();
      await echoConnector.close();
    }

    // Command monitoring on: the Authorize figures say how many commands a click costs.
    const app = await startProduct(undefined, { monitorCommands: true });
    const client = app.app.db.connection.getClient();
    let commands = 0;
    const countCommand = () => commands++;
    client.on('commandStarted', countCommand);
    const commandsPerClick = new Map<number, number>();
    let roundTripCpuMs: number;
    const status = new Map<number, LoadResult>();
    const authorize = new Map<number, LoadResult>();
    const notes: string[] = [];
    try {
      // Every user has installed the app before (the conversationUpdate is not timed).
      log(`turn: installing ${users} users`);
      await load(users, 10, async (i) => ok((await app.post(app.teams.install(people[i]))).status));
      const warm = Array.from({ length: WARM_UP }, (_, i) => benchPersona(i, 'warm'));
      await load(WARM_UP, 5, async (i) =>
        ok((await app.post(app.teams.message(warm[i], 'status'))).status)
      );
      const first = people[0];
      const conversation = app.teams.conversationId(first);
      const before = app.connector.shown(conversation).length;
      await app.post(app.teams.message(first, 'status'));
      const reply = app.connector.shown(conversation).slice(before).map(visible).join(' ');
      if (!reply) throw new Error('the status turn sent no reply');
      notes.push(`status answers e.g.: "${reply.slice(0, 120).replace(/\n/g, ' ')}"`);
      for (const c of CONCURRENCIES) {
        log(`turn: status @${c}`);
        status.set(
          c,
          await load(users, c, async (i) =>
            ok((await app.post(app.teams.message(people[i], 'status'))).status)
          )
        );
      }

      for (const c of CONCURRENCIES) {
        log(`turn: seeding ${users} pending relationships for Authorize @${c}`);
        const { provider, ids } = await pendingRelationships(app, users, `c${c}`);
        let checked = false;
        log(`turn: Authorize @${c}`);
        const before = commands;
        authorize.set(
          c,
          await load(users, c, async (i) => {
            const res = await app.post(
              app.teams.cardAction(provider, Verbs.relationshipAuthorize, {
                relationshipRef: ids[i],
              })
            );
            if (!checked) {
              checked = true;
              const seen = visible(res.body);
              if (!seen.includes('Authorized by'))
                throw new Error(`Authorize answered: ${seen.slice(0, 200)}`);
            }
            return ok(res.status) && visible(res.body).includes('Authorized by');
          })
        );
        commandsPerClick.set(c, (commands - before) / users);
      }
      roundTripCpuMs = await oneRoundTripCpu(app);
    } finally {
      client.off('commandStarted', countCommand);
      await app.stop();
    }
    const bound = authorizeBound(authorize, echoInvoke, commandsPerClick, roundTripCpuMs);
    if (bound) notes.push(bound);
    notes.push(
      `${users} different users (each in their own tenant) send \`status\` once at each concurrency, after installing the app; ` +
        `Authorize: one provider admin authorizes ${users} pending requests from ${users} different resellers at each concurrency. ` +
        'Echo runs first, on the same restify server, /api/messages route and CloudAdapter, without the product (no database).',
      `Database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'the embedded database'}; no Bot Framework auth (as in the tests).`
    );
    return {
      figures: [
        ...loadFigures('status', status, echoMsg),
        ...loadFigures('Authorize', authorize, echoInvoke),
        ...CONCURRENCIES.map((c) => ({
          name: `Authorize: database commands per click @${c} (the click's and the delivery worker's)`,
          value: round(commandsPerClick.get(c) ?? NaN, 1),
          unit: 'commands',
        })),
        {
          name: 'one database round trip (driver findOne by _id), CPU',
          value: round(roundTripCpuMs, 3),
          unit: 'ms',
        },
      ],
      notes,
    };
  },
};
