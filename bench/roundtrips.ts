/**
 * `roundtrips`: database commands per turn, counted by the driver's command monitoring
 * (`commandStarted`) on the bot's own connection, for a plain command, a dialog step, an
 * Authorize click and an Accept click. Each is measured for a few different users; the figure
 * is the fewest seen (a background lease renewal can land in one), the list is that turn's.
 */
import type { CommandStartedEvent } from 'mongodb';
import { Verbs } from '../cards/verbs.js';
import { ANSWERS } from '../testkit/answers.js';
import { visible } from '../testkit/visible.js';
import type { Persona } from '../testkit/personas.js';
import { benchPersona, type Bench, type BenchResult, type Figure } from './lib.js';
import {
  approvedPartner,
  GRANT,
  pendingRelationships,
  startProduct,
  type ProductApp,
} from './world.js';

const SAMPLES = 3;
const TARGET = 3;
const CLICK_TARGET = 6;
/** How long the connection stays silent before a turn is counted. */
const QUIET_MS = 150;

interface Counted {
  readonly commands: string[];
}

/**
 * Waits (bounded) until the earlier turns' owed work (notices, other card copies) is done, the
 * outbox has delivered it and the connection has been silent a moment (the worker's last empty
 * claims): those commands are theirs, not the next turn's.
 */
async function quiet(
  app: ProductApp,
  lastCommandAt: () => number,
  probing: (on: boolean) => void
): Promise<void> {
  await app.app.owedWork.idle();
  const outbox = app.app.modules.notifications.service;
  for (let i = 0; i < 250; i++) {
    probing(true);
    const { counts } = await outbox.summary(1).finally(() => probing(false));
    if (!counts.due && !counts.leased && performance.now() - lastCommandAt() > QUIET_MS) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Records the commands the app's connection sends while `turn` runs. */
function monitor(app: ProductApp) {
  const client = app.app.db.connection.getClient();
  let recording: string[] | undefined;
  let lastCommandAt = 0;
  let probing = false;
  const onStarted = (e: CommandStartedEvent) => {
    // The quiet check's own reads of the outbox do not make the connection loud.
    if (!probing) lastCommandAt = performance.now();
    if (!recording) return;
    const target = e.command[e.commandName];
    recording.push(typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName);
  };
  client.on('commandStarted', onStarted);
  return {
    async count(turn: () => Promise<unknown>): Promise<Counted> {
      await quiet(
        app,
        () => lastCommandAt,
        (on) => (probing = on)
      );
      const commands: string[] = [];
      recording = commands;
      // The work the turn owes others starts right after its answer is written, which can be
      // before the answer is read here: held until the count is taken, it is not counted.
      app.app.owedWork.pause();
      try {
        await turn();
      } finally {
        recording = undefined;
        app.app.owedWork.resume();
      }
      // Every turn of ours reads something (its state at least): none means monitoring is off.
      if (commands.length === 0)
        throw new Error('no database command seen: is monitorCommands on?');
      return { commands };
    },
    stop: () => client.off('commandStarted', onStarted),
  };
}

export const roundtripsBench: Bench = {
  id: 'roundtrips',
  title: 'Database round trips per turn (driver command monitoring)',
  async run(options): Promise<BenchResult> {
    const samples = Math.max(1, Math.min(SAMPLES, options.users ?? SAMPLES));
    // Delivery polls and sweeps rarely, so that the turn's own commands are what is counted.
    const app = await startProduct(
      {
        retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 },
        pollMs: 600_000,
        sweepEveryMs: 600_000,
      },
      { monitorCommands: true }
    );
    const m = monitor(app);
    const kinds: Record<string, Counted[]> = {
      command: [],
      commandEnrolled: [],
      dialogStep: [],
      authorize: [],
      accept: [],
    };
    try {
      const people: Persona[] = Array.from({ length: samples }, (_, i) => benchPersona(i, 'rt'));
      for (const p of people) await app.post(app.teams.install(p));
      // A warm-up turn: the first turn of the process compiles and connects.
      await app.post(app.teams.message(benchPersona(999, 'rt-warm'), 'status'));
      for (const p of people) {
        kinds.command.push(await m.count(() => app.post(app.teams.message(p, 'status'))));
        await app.post(app.teams.message(p, 'enroll'));
        const step = ANSWERS(p.email, '1234567', 'reseller').partnerType;
        kinds.dialogStep.push(
          await m.count(() =>
            app.post(
              app.teams.submit(p, {
                verb: Verbs.enrollmentSection,
                section: 'partnerType',
                action: 'next',
                ...step,
              })
            )
          )
        );
      }
      // `status` of an approved partner's admin: what most users see once enrolled.
      for (let i = 0; i < samples; i++) {
        const admin = benchPersona(i, 'rt-enrolled');
        await app.post(app.teams.install(admin));
        await approvedPartner(app, 'reseller', admin);
        kinds.commandEnrolled.push(
          await m.count(() => app.post(app.teams.message(admin, 'status')))
        );
      }
      const { provider, ids } = await pendingRelationships(app, samples, 'rt');
      for (const id of ids) {
        kinds.authorize.push(
          await m.count(() =>
            app.post(
              app.teams.cardAction(provider, Verbs.relationshipAuthorize, { relationshipRef: id })
            )
          )
        );
      }
      for (let i = 0; i < samples; i++) kinds.accept.push(await acceptOnce(app, m, i));
    } finally {
      m.stop();
      await app.stop();
    }

    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const labels: Record<string, string> = {
      command: 'plain command (`status`, not enrolled)',
      commandEnrolled: 'plain command (`status`, approved partner admin)',
      dialogStep: 'dialog step (enrollment: organization type → next)',
      authorize: 'Authorize click (provider, pending request)',
      accept: 'Accept click (customer, invitation)',
    };
    const notes: string[] = [];
    for (const [kind, runs] of Object.entries(kinds)) {
      const fewest = runs.reduce((a, b) => (b.commands.length < a.commands.length ? b : a));
      const most = Math.max(...runs.map((r) => r.commands.length));
      // Issue 29: a click's own commands (its notices and other copies come after) at most 6.
      const target = kind === 'authorize' || kind === 'accept' ? CLICK_TARGET : TARGET;
      figures.push({
        name: `${labels[kind]}: commands per turn`,
        value: fewest.commands.length,
        unit: 'commands',
        target: `≤ ${target}`,
        met: fewest.commands.length <= target,
      });
      details[kind] = {
        commands: fewest.commands,
        counts: runs.map((r) => r.commands.length),
        most,
      };
      notes.push(
        `**${labels[kind]}**: ${fewest.commands.length} (of ${runs.map((r) => r.commands.length).join(', ')} over ${runs.length} users): ` +
          fewest.commands.map((c) => `\`${c}\``).join(', ')
      );
    }
    notes.push(
      "Counted from the POST to /api/messages until its answer, after the earlier turns' owed work and deliveries " +
        'settled; the work a click owes others (notices, other card copies: app.owedWork) is held until the count is taken, ' +
        "so the Authorize and Accept counts are the click's own commands."
    );
    return { figures, notes, details };
  },
};

/** An active relationship, an invitation made on the reseller's card, opened and accepted by a customer. */
async function acceptOnce(
  app: ProductApp,
  m: ReturnType<typeof monitor>,
  i: number
): Promise<Counted> {
  const reseller = benchPersona(i, 'acc-reseller');
  const provider = benchPersona(i, 'acc-provider');
  const customer = benchPersona(i, 'acc-customer');
  for (const p of [reseller, provider, customer]) await app.post(app.teams.install(p));
  await approvedPartner(app, 'reseller', reseller);
  const providerPartner = await approvedPartner(app, 'provider', provider);
  const service = app.app.modules.relationships.service;
  const rel = await service.request(reseller, providerPartner.id, GRANT, true);
  await service.authorize(provider, rel.id);
  const created = await app.post(
    app.teams.cardAction(reseller, Verbs.invitationCreate, {
      relationshipRef: rel.id,
      companyName: `Customer ${i}`,
      adminEmail: `it@customer${i}.example`,
      note: 'bench',
    })
  );
  const code = /C[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(JSON.stringify(created.body))?.[0];
  if (!code) throw new Error(`no invitation code: ${visible(created.body).slice(0, 300)}`);
  await app.post(app.teams.message(customer, `accept ${code}`));
  const invitation = await app.app.db.connection
    .collection('invitations')
    .findOne({}, { sort: { _id: -1 } });
  if (!invitation) throw new Error('no invitation stored');
  let seen = '';
  const counted = await m.count(async () => {
    const res = await app.post(
      app.teams.cardAction(customer, Verbs.invitationAccept, {
        invitationRef: String(invitation._id),
      })
    );
    seen = visible(res.body);
  });
  if (!seen.includes('Accepted')) throw new Error(`Accept answered: ${seen.slice(0, 300)}`);
  return counted;
}
