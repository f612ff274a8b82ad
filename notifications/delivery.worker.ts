import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Delivered, ProactiveSender } from './proactive-sender.port.js';
import type { LeaderLease } from './leader-lease.port.js';
import type {
  MailState,
  NotificationOutbox,
  OutboxItem,
  SentRecord,
} from './notification-outbox.port.js';
import type { Logger } from '../logging/logger.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { DeliveryDirectory } from './delivery-directory.port.js';
import { classifyFailure, failureStatus, type DeliveryFailure } from './delivery-failure.js';
import type { DeliveryMetrics } from './delivery-metrics.port.js';
import { DeliveryLeadership } from './delivery-leadership.js';
import { FallbackMailer } from './fallback-mailer.js';
import type { MailService } from './mail.service.js';
import { Pacer } from './pacer.js';
import { sealedAad, type SealedMail } from './notification.service.js';
import { SealedBox } from './sealed-box.js';

/** How a queued mail ended: sent, or failed for good after its retries. */
export type MailOutcome = 'sent' | 'failed';

/**
 * Told how a queued mail about a subject of its type ended, with the context sealed beside the
 * mail (e.g. to redraw the sender's card "mailed"). Called before the item is marked, so a
 * crash in between calls it again: it must be idempotent (keyed card updates are).
 */
export type MailListener = (event: {
  readonly item: OutboxItem;
  readonly outcome: MailOutcome;
  readonly context?: Record<string, unknown>;
}) => Promise<void>;

export interface DeliveryWorkerOptions {
  readonly outbox: NotificationOutbox;
  readonly directory: DeliveryDirectory;
  readonly sender: ProactiveSender;
  readonly mail: MailService;
  /**
   * Opens the sealed part of mails and secret card updates: the NotificationService's key.
   * Unset (tests without mail): a key of this process only.
   */
  readonly sealer?: SealedBox;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tenantMessagesPerSecond: number;
  /** Shared by every process on the database: only its holder delivers (and runs the sweeps). */
  readonly leaderLease: LeaderLease;
  /** How long the leader lease lasts unrenewed: how soon another process takes over a crash. */
  readonly leaderLeaseMs?: number;
  /** Unique per process; a lease names its owner. */
  readonly owner?: string;
  readonly retry?: RetryPolicy;
  /** Longer than a send can take (the sender times out first), so a live worker never loses its lease. */
  readonly leaseMs?: number;
  /** Sends in flight at once (each to a different conversation). */
  readonly concurrency?: number;
  /**
   * The longest an idle worker sleeps: how soon it sees items other processes enqueued (those of
   * this process wake it, and it wakes by itself at the pacer's next opening or the next due item).
   */
  readonly pollMs?: number;
  /** How often to run the sweeps (orphaned fallback mails, held users reachable again, added sweeps). */
  readonly sweepEveryMs?: number;
  /** How long an update waits for its original to be sent before looking again. */
  readonly updateWaitMs?: number;
  readonly random?: () => number;
  readonly pacer?: Pacer;
  /** Counts sends by status, Retry-After waits and dead letters (unset: not counted). */
  readonly metrics?: DeliveryMetrics;
}

/**
 * Delivers the outbox: claims due items with a lease, paces, sends, records the activity id at
 * once with a conditional update, and retries, holds or dead-letters failures. Several workers
 * (processes) may run on one database: one at a time delivers, holding the leader lease, so one
 * pacer counts every send; item leases and conditional transitions keep a hand-over from
 * sending anything twice.
 */
export class DeliveryWorker {
  readonly owner: string;
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly updateWaitMs: number;
  private readonly random: () => number;
  private readonly pacer: Pacer;
  private readonly fallback: FallbackMailer;
  private readonly sealer: SealedBox;
  private readonly leadership: DeliveryLeadership;
  private readonly sweepEveryMs: number;
  private readonly leaderLeaseMs: number;
  private readonly sweeps: { name: string; run: () => Promise<void> }[] = [];
  private readonly mailListeners = new Map<string, MailListener[]>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Items this process delivered whose "sent" record did not reach the database (it went away
   * between the send and the record). Recorded again until the database answers, and never
   * claimed again meanwhile: a claim after their lease ran out would send them a second time.
   */
  private readonly unrecorded = new Map<string, { item: OutboxItem; sent: SentRecord }>();
  /**
   * Items being processed here, with when each was claimed (for `snapshot`): not claimed again
   * if their lease runs out meanwhile.
   */
  private readonly processing = new Map<string, number>();
  /** What the loop is doing, and since when (for `snapshot`). */
  private phase = { name: 'stopped', since: 0 };
  private readonly sweepMs = new Map<string, number>();
  private claims = 0;
  private claimed = 0;
  private wakeUp = new AbortController();
  private lastSweep = 0;
  /** The sweep running beside the claims, and which of its parts. */
  private sweeping?: Promise<void>;
  private sweepPart?: string;
  private loop?: Promise<void>;
  private stopping = false;

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.owner = o.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.log = o.logger.child({ module: 'outbox-worker', owner: this.owner });
    this.retry = o.retry ?? DEFAULT_RETRY_POLICY;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.concurrency = o.concurrency ?? 8;
    this.pollMs = o.pollMs ?? 1_000;
    this.updateWaitMs = o.updateWaitMs ?? 1_000;
    this.sweepEveryMs = o.sweepEveryMs ?? 60_000;
    this.leaderLeaseMs = o.leaderLeaseMs ?? 15_000;
    this.random = o.random ?? Math.random;
    this.pacer = o.pacer ?? new Pacer({ tenantMessagesPerSecond: o.tenantMessagesPerSecond });
    this.sealer = o.sealer ?? new SealedBox(randomBytes(32));
    this.fallback = new FallbackMailer(o.outbox, o.directory, o.mail, o.clock, this.log);
    this.leadership = new DeliveryLeadership({
      lease: o.leaderLease,
      owner: this.owner,
      ttlMs: this.leaderLeaseMs,
      retryEveryMs: this.pollMs,
      now: () => o.clock.now(),
      logger: this.log,
      onGained: async (now) => {
        const sent = await o.outbox.sentSince(new Date(now - this.pacer.memoryMs));
        this.pacer.restore(
          sent.map((s) => ({
            conversationKey: s.to.aadObjectId,
            tenantId: s.to.tenantId,
            at: s.sentAt.getTime(),
          }))
        );
      },
    });
  }

  /** Whether this process is the one delivering (for /healthz). */
  get delivering(): boolean {
    return this.leadership.isLeader;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops claiming, waits for sends in flight to be recorded, then hands delivery over. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await this.leadership.release();
  }

  /**
   * Runs `run` every sweep (default every minute) in this worker: e.g. a feature re-notifying
   * domain changes whose notify() a crash interrupted (notify is idempotent by key).
   */
  addSweep(name: string, run: () => Promise<void>): void {
    this.sweeps.push({ name, run });
  }

  /** Tells `listener` how each queued mail about a subject of `subjectType` ended. */
  onMail(subjectType: string, listener: MailListener): void {
    this.mailListeners.set(subjectType, [...(this.mailListeners.get(subjectType) ?? []), listener]);
  }

  /**
   * What the worker is doing now and since when, and the items it holds: what an operator (or
   * a failing test) needs to tell a stalled worker from a slow connector.
   */
  snapshot(): {
    phase: string;
    phaseMs: number;
    leader: boolean;
    inFlight: { id: string; ms: number }[];
    unrecorded: number;
    claims: number;
    claimed: number;
    lastSweepMs: Record<string, number>;
    sweeping?: string;
  } {
    const now = Date.now();
    return {
      phase: this.phase.name,
      phaseMs: now - this.phase.since,
      leader: this.leadership.isLeader,
      inFlight: [...this.processing].map(([id, at]) => ({ id, ms: now - at })),
      unrecorded: this.unrecorded.size,
      claims: this.claims,
      claimed: this.claimed,
      lastSweepMs: Object.fromEntries(this.sweepMs),
      sweeping: this.sweepPart,
    };
  }

  private enter(phase: string): void {
    this.phase = { name: phase, since: Date.now() };
  }

  /** Looks for work now (called after enqueue and when held items are released). */
  wake(): void {
    this.wakeUp.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.inFlight.size >= this.concurrency) {
        this.enter('all slots busy');
        await Promise.race(this.inFlight);
        continue;
      }
      this.enter('leadership');
      if (!(await this.leadership.check(this.o.clock.now()))) {
        this.enter('standby');
        await this.idle(this.pollMs);
        continue;
      }
      if (this.stopping) break;
      this.enter('recording');
      if (this.unrecorded.size > 0 && !(await this.recordUnrecorded())) {
        await this.idle(this.pollMs);
        continue;
      }
      // Read after the check: taking or renewing the lease can take a while.
      const now = this.o.clock.now();
      if (!this.sweeping && now - this.lastSweep >= this.sweepEveryMs) {
        // Beside the claims, and the next one an interval after its end: awaited here, sweeps
        // slower than their interval (a loaded database) followed one another with no claim
        // between them, and a soak's cards waited minutes.
        this.sweeping = this.sweep().finally(() => {
          this.lastSweep = this.o.clock.now();
          this.sweeping = undefined;
          this.wake();
        });
      }
      let items: OutboxItem[];
      const blocked = this.pacer.blocked(now);
      const skip = { skipAadObjectIds: blocked.conversations, skipTenantIds: blocked.tenants };
      try {
        this.enter('claim');
        this.claims++;
        // As many as there are free slots, in one look.
        items = await this.o.outbox.claimSome({
          owner: this.owner,
          now: new Date(now),
          leaseMs: this.leaseMs,
          ...skip,
          skipIds: [...this.unrecorded.keys(), ...this.processing.keys()],
          max: this.concurrency - this.inFlight.size,
        });
        if (items.length === 0) {
          const wakeAt = await this.nextWakeAt(now, skip);
          this.enter(`idle ${wakeAt - now} ms`);
          await this.idle(wakeAt - now);
          continue;
        }
      } catch (err) {
        this.log.error({ err }, 'could not claim from the outbox');
        await this.idle(this.pollMs);
        continue;
      }
      for (const item of items) this.startProcessing(item);
    }
    this.enter('stopping');
    await Promise.allSettled([...this.inFlight, this.sweeping]);
    await this.recordUnrecorded();
    this.enter('stopped');
  }

  /** Processes a claimed item beside the loop; its end frees a slot and wakes the loop. */
  private startProcessing(item: OutboxItem): void {
    this.claimed++;
    this.processing.set(item.id, Date.now());
    const job: Promise<void> = this.process(item)
      .catch((err) =>
        this.log.error(
          { err, id: item.id },
          'delivery failed unexpectedly; the lease will expire and it is retried'
        )
      )
      .finally(() => {
        this.processing.delete(item.id);
        this.inFlight.delete(job);
        this.wake();
      });
    this.inFlight.add(job);
  }

  /** Records what was sent but not recorded; true once nothing is left. */
  private async recordUnrecorded(): Promise<boolean> {
    for (const [id, { item, sent }] of this.unrecorded) {
      try {
        const ok = await this.o.outbox.markSent(id, this.owner, sent);
        this.unrecorded.delete(id);
        this.afterRecord(item, ok);
      } catch (err) {
        this.log.warn({ err, id }, 'still cannot record a sent notification; will retry');
        return false;
      }
    }
    return true;
  }

  private async sweep(): Promise<void> {
    const all = [
      { name: 'fallback mail', run: () => this.fallback.sweep() },
      { name: 'held recipients', run: () => this.releaseReachable() },
      {
        name: 'outbox recipients',
        run: async () => {
          const missing = await this.o.outbox.repairRecipients(new Date(this.o.clock.now()));
          if (missing > 0) this.log.warn({ missing }, 'recipients with due items said ready again');
        },
      },
      ...this.sweeps,
    ];
    for (const s of all) {
      if (this.stopping) break;
      this.sweepPart = s.name;
      const started = Date.now();
      await s.run().catch((err) => this.log.error({ err, sweep: s.name }, 'sweep failed'));
      this.sweepMs.set(s.name, Date.now() - started);
    }
    this.sweepPart = undefined;
  }

  /**
   * A held recipient may be reachable again without an install event reaching us (they wrote
   * to the bot, which saved a fresh reference; a reinstall the bot did not treat as one).
   */
  private async releaseReachable(): Promise<void> {
    for (const to of await this.o.outbox.heldRecipients(100)) {
      const tenantId = to.tenantId ?? (await this.o.directory.tenantOf(to.aadObjectId));
      if (!tenantId) continue;
      const user = { tenantId, aadObjectId: to.aadObjectId };
      if (await this.o.directory.personalReference(user))
        await this.o.outbox.release(user, new Date(this.o.clock.now()));
    }
  }

  /**
   * When there may be work again after a claim found none: the pacer's next opening, the next
   * recipient's next item, or the poll interval (items other processes enqueue); a send ending
   * and an enqueue in this process wake the worker sooner.
   */
  private async nextWakeAt(
    now: number,
    skip: { skipAadObjectIds: readonly string[]; skipTenantIds: readonly string[] }
  ): Promise<number> {
    const next = await this.o.outbox.nextReadyAt(skip);
    // A running sweep wakes the worker when it ends.
    let at = this.sweeping
      ? now + this.pollMs
      : Math.min(now + this.pollMs, this.lastSweep + this.sweepEveryMs);
    if (next) at = Math.min(at, next.getTime());
    const opening = this.pacer.nextOpening(now);
    if (opening !== undefined) at = Math.min(at, opening);
    // A recipient still ready now had items the claim raced (taken, or due again): look again,
    // but never spin on it.
    return Math.max(at, now + 1);
  }

  /** Tells the outbox a recipient the pacer now holds back, so claims skip its items unread. */
  private async paceIfBlocked(aadObjectId: string): Promise<void> {
    const now = this.o.clock.now();
    const waitMs = this.pacer.conversationWaitMs(aadObjectId, now);
    if (waitMs > 0) await this.o.outbox.pace(aadObjectId, new Date(now + waitMs));
  }

  private async idle(ms: number): Promise<void> {
    // A leader wakes in time to renew, whatever the poll interval.
    if (this.leadership.isLeader) ms = Math.min(ms, this.leaderLeaseMs / 3);
    await this.o.clock.sleep(ms, this.wakeUp.signal);
    if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
  }

  private async process(item: OutboxItem): Promise<void> {
    if (item.kind === 'mail') return this.processMail(item);
    if (item.kind === 'update') return this.processUpdate(item);
    let tenantId = item.to.tenantId;
    if (!tenantId) {
      tenantId = (await this.o.directory.tenantOf(item.to.aadObjectId)) ?? undefined;
      if (!tenantId) return this.o.outbox.hold(item.id, this.owner, 'noTenant');
      await this.o.outbox.setTenant(item.id, this.owner, tenantId);
    }
    const user = { tenantId, aadObjectId: item.to.aadObjectId };
    const ref = await this.o.directory.personalReference(user);
    const serviceUrl = ref ? undefined : await this.o.directory.tenantServiceUrl(tenantId);
    if (!ref && !serviceUrl) {
      // Never installed (or uninstalled) and no way to open a chat: delivered on install.
      return this.o.outbox.hold(item.id, this.owner, 'notInstalled');
    }
    const slot = this.pacer.tryStart(item.to.aadObjectId, tenantId, this.o.clock.now());
    if (!slot.ok) return this.paced(item, slot.waitMs);
    let delivered: Delivered;
    try {
      delivered = ref
        ? await this.o.sender.send(ref.reference, item.content)
        : await this.o.sender.sendToNewChat({ serviceUrl: serviceUrl!, ...user }, item.content);
    } catch (err) {
      slot.done(this.o.clock.now());
      return this.failed(item, classifyFailure(err, this.o.clock.now()), ref?.conversationId);
    }
    slot.done(this.o.clock.now());
    await this.recordSent(item, delivered);
    await this.paceIfBlocked(item.to.aadObjectId);
  }

  /** The pacer refused a slot: the item and its recipient wait for the opening. */
  private async paced(item: OutboxItem, waitMs: number): Promise<void> {
    const until = new Date(this.o.clock.now() + waitMs);
    await this.o.outbox.postpone(item.id, this.owner, until);
    await this.o.outbox.pace(item.to.aadObjectId, until);
  }

  /**
   * A queued mail: opened, sent over SMTP (no Teams pacing), retried with backoff; sent or
   * finally failed, its listeners are told and the sealed values erased with the mark. A crash
   * after the send and before the mark sends it again once the lease runs out: at least once.
   */
  private async processMail(item: OutboxItem): Promise<void> {
    const opened = this.openSealed<SealedMail>(item);
    if (!opened?.values || !item.letter) {
      // Erased (an operator's Retry of a finished mail) or sealed under another key.
      return this.deadMail(item, 'the mail can no longer be opened', undefined);
    }
    try {
      await this.o.mail.send({
        to: item.letter.to,
        templateKey: item.letter.templateKey,
        language: item.language,
        values: opened.values,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { responseCode?: unknown }).responseCode;
      // 5xx: the server refused this mail for good (a bad address); retrying changes nothing.
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      if (permanent || item.attempts >= this.retry.maxAttempts) {
        return this.deadMail(item, message, opened.context);
      }
      const delay = retryDelayMs(item.attempts, this.retry, this.random);
      this.log.warn(
        { id: item.id, key: item.key, attempt: item.attempts, delayMs: delay },
        'mail failed: retrying later'
      );
      return this.o.outbox.scheduleRetry(
        item.id,
        this.owner,
        new Date(this.o.clock.now() + delay),
        message
      );
    }
    await this.tellMail(item, 'sent', opened.context);
    await this.recordSent(item, { activityId: '', conversationId: '', reference: {} });
  }

  private async deadMail(
    item: OutboxItem,
    error: string,
    context: Record<string, unknown> | undefined
  ): Promise<void> {
    await this.tellMail(item, 'failed', context);
    await this.o.outbox.deadLetter(
      item.id,
      this.owner,
      error,
      new Date(this.o.clock.now()),
      'none'
    );
    this.log.error({ id: item.id, key: item.key, attempts: item.attempts }, 'mail failed for good');
  }

  private async tellMail(
    item: OutboxItem,
    outcome: MailOutcome,
    context: Record<string, unknown> | undefined
  ): Promise<void> {
    for (const listener of this.mailListeners.get(item.subject?.type ?? '') ?? []) {
      await listener({ item, outcome, ...(context ? { context } : {}) }).catch((err: unknown) =>
        this.log.error({ err, id: item.id, key: item.key }, 'mail listener failed')
      );
    }
  }

  /** The item's sealed part, opened; undefined when there is none or it does not open. */
  private openSealed<T>(item: OutboxItem): T | undefined {
    if (!item.sealed) return undefined;
    try {
      return this.sealer.open(item.sealed, sealedAad(item)) as T;
    } catch (err) {
      this.log.error({ err: (err as Error).message, id: item.id }, 'a sealed item does not open');
      return undefined;
    }
  }

  private async processUpdate(sealedItem: OutboxItem): Promise<void> {
    let item = sealedItem;
    if (item.sealed) {
      const opened = this.openSealed<{ card?: Record<string, unknown> }>(item);
      if (!opened?.card) {
        return this.o.outbox.finish(
          item.id,
          this.owner,
          'skipped',
          'the sealed card does not open'
        );
      }
      item = { ...item, content: { card: opened.card } };
    }
    const original = item.originalId ? await this.o.outbox.get(item.originalId) : null;
    if (!original || !['due', 'leased', 'sent', 'held'].includes(original.state)) {
      return this.o.outbox.finish(
        item.id,
        this.owner,
        'skipped',
        'the original card was never delivered'
      );
    }
    if (original.state === 'sent' && (!original.reference || !original.activityId)) {
      return this.o.outbox.finish(item.id, this.owner, 'skipped', 'no activity id was recorded');
    }
    // A sealed card is never merged: the original would keep it in clear.
    const mergeable = item.content.card && !sealedItem.sealed;
    if ((original.state === 'due' || original.state === 'held') && mergeable) {
      // The card has not gone out yet (paced, retried, or the recipient has not installed the
      // app): it goes out as it is now. Waiting for it instead re-read this update every second
      // (every 30 s while held) for as long as the card waited: under a backlog of one person's
      // cards, most of the outbox's commands; and it spent a Teams call on the update.
      if (await this.o.outbox.mergeIntoOriginal(original.id, item.content.card!)) {
        return this.o.outbox.finish(
          item.id,
          this.owner,
          'superseded',
          'merged into its card before that was sent'
        );
      }
    }
    if (original.state !== 'sent' || !original.reference || !original.activityId) {
      // An update never overtakes its card: it waits until the original is sent.
      const wait = original.state === 'held' ? this.updateWaitMs * 30 : this.updateWaitMs;
      return this.o.outbox.postpone(item.id, this.owner, new Date(this.o.clock.now() + wait));
    }
    const tenantId = original.to.tenantId ?? 'unknown';
    const slot = this.pacer.tryStart(item.to.aadObjectId, tenantId, this.o.clock.now());
    if (!slot.ok) return this.paced(item, slot.waitMs);
    try {
      await this.o.sender.update(original.reference, original.activityId, item.content);
    } catch (err) {
      slot.done(this.o.clock.now());
      const failure = classifyFailure(err, this.o.clock.now());
      if (failure.kind === 'gone') {
        // That card is out of reach (deleted, or the bot removed), and holding would retry it
        // after every install; a click on a stale card still gets the current state in the
        // invoke response. A 404 may name only the activity, so the chat is not marked gone:
        // the next message finds out for itself.
        this.log.warn(
          { id: item.id, key: item.key, status: failure.status },
          'card gone: update skipped'
        );
        this.o.metrics?.attempt(item.kind, failureStatus(failure), 'skipped');
        return this.o.outbox.finish(item.id, this.owner, 'skipped', failure.message);
      }
      return this.failed(item, failure, original.conversationId);
    }
    slot.done(this.o.clock.now());
    await this.recordSent(item, {
      activityId: original.activityId,
      conversationId: original.conversationId ?? '',
      reference: original.reference,
    });
    await this.paceIfBlocked(item.to.aadObjectId);
  }

  private async recordSent(item: OutboxItem, delivered: Delivered): Promise<void> {
    const sent: SentRecord = { ...delivered, sentAt: new Date(this.o.clock.now()) };
    let ok: boolean;
    try {
      ok = await this.o.outbox.markSent(item.id, this.owner, sent);
    } catch (err) {
      // Delivered already: sending again when the lease runs out would say it twice.
      this.log.warn({ err, id: item.id, key: item.key }, 'sent, but not recorded yet; will retry');
      this.unrecorded.set(item.id, { item, sent });
      return;
    }
    this.afterRecord(item, ok);
  }

  private afterRecord(item: OutboxItem, ok: boolean): void {
    if (!ok) {
      this.log.error(
        { id: item.id, key: item.key },
        'sent after the lease was lost: another worker may send it again'
      );
    } else {
      this.o.metrics?.attempt(item.kind, 'sent', 'sent');
      this.log.debug({ id: item.id, key: item.key, kind: item.kind }, 'delivered');
    }
  }

  private async failed(
    item: OutboxItem,
    failure: DeliveryFailure,
    conversationId?: string
  ): Promise<void> {
    const now = this.o.clock.now();
    const ctx = {
      id: item.id,
      key: item.key,
      attempt: item.attempts,
      status: failure.status,
      kind: failure.kind,
    };
    const metrics = this.o.metrics;
    if (failure.retryAfterMs !== undefined) metrics?.retryAfterWait(failure.retryAfterMs / 1000);
    if (failure.kind === 'gone') {
      metrics?.attempt(item.kind, failureStatus(failure), 'held');
      if (conversationId) await this.o.directory.markGone(conversationId);
      this.log.warn(ctx, 'conversation gone: holding until the user installs again');
      return this.o.outbox.hold(
        item.id,
        this.owner,
        conversationId ? 'gone' : 'notInstalled',
        failure.message
      );
    }
    if (failure.status === 429 && failure.retryAfterMs) {
      this.pacer.throttled(item.to.aadObjectId, now + failure.retryAfterMs);
      await this.o.outbox.pace(item.to.aadObjectId, new Date(now + failure.retryAfterMs));
    }
    if (failure.kind === 'permanent' || item.attempts >= this.retry.maxAttempts) {
      metrics?.attempt(item.kind, failureStatus(failure), 'dead_letter');
      return this.deadLetter(item, failure.message);
    }
    metrics?.attempt(item.kind, failureStatus(failure), 'retry');
    const delay = retryDelayMs(item.attempts, this.retry, this.random, failure.retryAfterMs);
    this.log.warn({ ...ctx, delayMs: delay }, 'delivery failed: retrying later');
    await this.o.outbox.scheduleRetry(item.id, this.owner, new Date(now + delay), failure.message);
  }

  private async deadLetter(item: OutboxItem, error: string): Promise<void> {
    const email =
      item.kind === 'message' && item.to.tenantId ? await this.fallback.emailOf(item) : undefined;
    const mail: MailState = email ? 'pending' : 'none';
    const ok = await this.o.outbox.deadLetter(
      item.id,
      this.owner,
      error,
      new Date(this.o.clock.now()),
      mail
    );
    if (ok) this.o.metrics?.deadLettered(item.kind);
    this.log.error(
      { id: item.id, key: item.key, attempts: item.attempts, mail },
      'notification dead-lettered'
    );
    if (ok && email) await this.fallback.mail(item, email);
  }
}
