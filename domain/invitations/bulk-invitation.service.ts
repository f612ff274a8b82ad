import { createHash } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import { isDomainError, InvalidFieldsError } from '../errors.js';
import type { Actor } from '../partners/actor.js';
import type { MembershipService } from '../partners/membership.service.js';
import { isPartnerId, PARTNER_ID_MESSAGE, type Partner } from '../partners/partner.js';
import type { PartnerRepository } from '../partners/partner-repository.port.js';
import { DEFAULT_DURATION_DAYS } from '../relationships/access-grant.js';
import { isOpen } from '../relationships/relationship.js';
import type { RelationshipService } from '../relationships/relationship.service.js';
import {
  MAX_WAITING_LISTED,
  RESELLER_EMAIL_PATTERN,
  type ResellerInvitationService,
} from '../relationships/reseller-invitation.service.js';
import { parseBulkCsv, type BulkCsvRow, type BulkKind } from './bulk-csv.js';
import type { BulkJob, BulkJobRepository, BulkJobRow } from './bulk-job.js';
import { CUSTOMER_EMAIL_PATTERN, type InvitationService } from './invitation.service.js';

/** A row another run started this long ago without settling it is taken as that run's crash. */
export const BULK_ROW_LEASE_MS = 2 * 60_000;
/** Rows invited at once by one run. */
export const BULK_LANES = 4;
const CUSTOMER_EMAIL = new RegExp(CUSTOMER_EMAIL_PATTERN);
const RESELLER_EMAIL = new RegExp(RESELLER_EMAIL_PATTERN);

/** One row as the dry run sees it: fine to invite, or refused with a reason (an i18n key). */
export interface BulkCheckedRow {
  readonly row: number;
  readonly fields: Readonly<Record<string, string>>;
  readonly ok: boolean;
  readonly reason?: string;
  readonly values?: Record<string, unknown>;
}

export interface BulkInvitationDeps {
  readonly customers: InvitationService;
  readonly resellers: ResellerInvitationService;
  readonly relationships: RelationshipService;
  readonly memberships: MembershipService;
  readonly partners: PartnerRepository;
  readonly jobs: BulkJobRepository;
  /** Seals a row's link and code for its job (`aad`: job id and row), and opens them again. */
  readonly seal: (value: { link: string; code: string }, aad: string) => string;
  readonly open: (sealed: string, aad: string) => { link: string; code: string };
  /** A customer invitation's link from its token (the same the card shows). */
  readonly customerLink: (token: string) => string;
  readonly now: () => Date;
  readonly logger: Logger;
  /** A job was marked running: the background driver looks for it now. */
  readonly started?: () => void;
  /** Whether the uploader still acts (an API key not revoked since); checked before each row. */
  readonly stillActs?: (actor: Actor) => Promise<boolean>;
}

/**
 * Bulk invitations from a CSV file (issue 31): a reseller's customers or a provider's resellers,
 * checked row by row (a dry run creates nothing), then invited through the same services as
 * one invitation from a card, so mails, notices and codes are the same. A run is a job keyed by
 * partner and file: the same file again creates nothing twice. Its rows are done in the
 * background (bulk-job.worker.ts drives a leased job), so the upload answers at once and a job
 * whose process died is taken up by another once its lease runs out.
 */
export class BulkInvitationService {
  private readonly log: Logger;
  /** Tests only: called after a row's invitation exists and before its row is settled. */
  afterCreate?: (row: number) => void | Promise<void>;

  constructor(private readonly deps: BulkInvitationDeps) {
    this.log = deps.logger.child({ module: 'bulk-invitations' });
  }

  /** Each row of the file checked, nothing created (the dry run). */
  async check(actor: Actor, csv: string): Promise<{ kind: BulkKind; rows: BulkCheckedRow[] }> {
    const { kind } = await this.inviter(actor);
    const parsed = parseBulkCsv(kind, csv);
    return { kind, rows: await this.checkRows(actor, kind, parsed.rows) };
  }

  /**
   * Starts the run: the job for this file (made on the first upload, its rows checked) is
   * marked running and the background driver does its rows; answers at once. The same file
   * again is the same job: nothing is created twice, and rows a dead run left are taken up.
   */
  async start(actor: Actor, csv: string, language: 'en' | 'ru'): Promise<BulkJob> {
    const { kind, partner } = await this.inviter(actor);
    const parsed = parseBulkCsv(kind, csv);
    const id = createHash('sha256')
      .update(`${partner.id}|${parsed.hash}`)
      .digest('hex')
      .slice(0, 32);
    let job = await this.deps.jobs.get(id);
    if (!job) {
      const checked = await this.checkRows(actor, kind, parsed.rows);
      job = await this.deps.jobs.insertOrGet({
        id,
        partnerRef: partner.id,
        kind,
        createdBy: uploader(actor),
        createdAt: this.deps.now(),
        language,
        state: checked.some((r) => r.ok) ? 'running' : 'done',
        rows: checked.map((r) => ({
          row: r.row,
          fields: r.fields,
          state: r.ok ? 'pending' : 'refused',
          ...(r.reason ? { reason: r.reason, values: r.values ?? {} } : {}),
        })),
      });
    }
    return this.wake(job);
  }

  /**
   * Takes up a job's rows not done without the file (its rows are stored): for a run that died
   * when nobody uploads the file again. Null for a job the caller may not see.
   */
  async resumeJob(actor: Actor, id: string): Promise<BulkJob | null> {
    const job = await this.job(actor, id);
    return job && this.wake(job);
  }

  /**
   * Drives a job the caller leased (the background worker): its rows still to do, a few at
   * once, as its uploader. `done` once every row is settled; `waiting` when rows are left
   * (stopped, or started by a run whose row lease has not run out yet).
   */
  async drive(id: string, shouldStop: () => boolean): Promise<'done' | 'waiting'> {
    const job = await this.deps.jobs.get(id);
    if (!job) return 'done';
    await this.resume(job.createdBy, job, shouldStop);
    const after = await this.deps.jobs.get(id);
    return after && after.rows.some(toDo) ? 'waiting' : 'done';
  }

  /** Marks a job with rows still to do running, and tells the driver. */
  private async wake(job: BulkJob): Promise<BulkJob> {
    if (!job.rows.some(toDo)) return job;
    if (job.state !== 'running') {
      await this.deps.jobs.setRunning(job.id);
      job = { ...job, state: 'running' };
    }
    this.deps.started?.();
    return job;
  }

  /** The job as the caller may see it: of its own partner, for people who may invite. */
  async job(actor: Actor, id: string): Promise<BulkJob | null> {
    const { partner } = await this.inviter(actor);
    const job = await this.deps.jobs.get(id);
    return job && job.partnerRef === partner.id ? job : null;
  }

  /** Whether the caller uploaded the job (person or API key): its links and codes are theirs. */
  isUploader(actor: Actor, job: BulkJob): boolean {
    return (
      job.createdBy.tenantId === actor.tenantId && job.createdBy.aadObjectId === actor.aadObjectId
    );
  }

  /** A created row's link and code, for the uploader only (as the card shows them to the inviter). */
  secretsOf(actor: Actor, job: BulkJob, row: BulkJobRow): { link: string; code: string } | null {
    if (!this.isUploader(actor, job) || !row.sealed) return null;
    try {
      return this.deps.open(row.sealed, `${job.id}:${row.row}`);
    } catch (err) {
      // Sealed under another key (INVITATION_CODE_KEY changed): the row's outcome still shows,
      // its link and code are gone as a Resend would replace them.
      this.log.warn({ err, jobId: job.id, row: row.row }, 'bulk row secrets do not open');
      return null;
    }
  }

  /**
   * Does the rows still to do, a few at once (each row waits on the database, not the CPU);
   * a fault stops every lane before its next row, and the rows not reached stay pending.
   */
  private async resume(actor: Actor, job: BulkJob, shouldStop: () => boolean): Promise<void> {
    const todo = [...job.rows.entries()].filter(([, row]) => toDo(row));
    let next = 0;
    let fault: { err: unknown } | undefined;
    const lane = async () => {
      while (!fault && !shouldStop() && next < todo.length) {
        const [index, row] = todo[next++]!;
        try {
          await this.step(actor, job, index, row);
        } catch (err) {
          fault ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: BULK_LANES }, lane));
    if (fault) throw fault.err;
  }

  private async step(actor: Actor, job: BulkJob, index: number, row: BulkJobRow): Promise<void> {
    const now = this.deps.now();
    const stale = new Date(now.getTime() - BULK_ROW_LEASE_MS);
    if (!(await this.deps.jobs.claim(job.id, index, now, stale))) return;
    // A row a dead run started may have its invitation already: found, it is not made again.
    if (row.state === 'started' && row.startedAt) {
      const existing = await this.existing(actor, job.kind, row.fields, row.startedAt);
      if (existing) {
        await this.deps.jobs.settle(job.id, index, { state: 'created', invitationRef: existing });
        return;
      }
    }
    // A key revoked since the upload stops working at once, for its job's rows too.
    if (this.deps.stillActs && !(await this.deps.stillActs(actor))) {
      await this.deps.jobs.settle(job.id, index, {
        state: 'failed',
        reason: 'bulk:reasons.keyRevoked',
        values: {},
      });
      return;
    }
    await this.deps.jobs.settle(job.id, index, await this.invite(actor, job, row));
  }

  private async invite(actor: Actor, job: BulkJob, row: BulkJobRow): Promise<Partial<BulkJobRow>> {
    const f = row.fields;
    try {
      let made: { invitationRef: string; link: string; code: string; mailed: BulkJobRow['mailed'] };
      if (job.kind === 'customer') {
        const relationshipRef = f.provider
          ? (await this.deps.customers.providersFor(actor)).find(
              (p) => p.provider.partnerId === f.provider
            )?.relationshipRef
          : undefined;
        const created = await this.deps.customers.inviteCustomer(actor, {
          companyName: f.company ?? '',
          ...(f.email ? { adminEmail: f.email } : {}),
          ...(f.note ? { note: f.note } : {}),
          ...(relationshipRef ? { relationshipRef } : {}),
        });
        made = {
          invitationRef: created.view.invitation.id,
          link: this.deps.customerLink(created.secrets.token),
          code: created.secrets.code,
          mailed: created.mailed,
        };
      } else {
        const sent = await this.deps.resellers.invite(
          actor,
          {
            email: f.email ?? '',
            ...(f.partnerId ? { partnerId: f.partnerId } : {}),
            grant: grantOf(f),
          },
          job.language
        );
        made = {
          invitationRef: sent.invitation.id,
          link: sent.link,
          code: sent.code,
          mailed: sent.mailed,
        };
      }
      await this.afterCreate?.(row.row);
      return {
        state: 'created',
        invitationRef: made.invitationRef,
        mailed: made.mailed!,
        sealed: this.deps.seal({ link: made.link, code: made.code }, `${job.id}:${row.row}`),
      };
    } catch (err) {
      // A refusal (the partner changed since the check) fails the row; a fault stops the run.
      if (!isDomainError(err)) throw err;
      const key = err instanceof InvalidFieldsError ? err.fields[0]?.key : undefined;
      this.log.info({ jobId: job.id, row: row.row, code: err.code }, 'bulk row refused');
      return { state: 'failed', reason: key ?? err.messageKey, values: err.values };
    }
  }

  /**
   * The invitation a dead run made for a row: to the same company or address, made since the
   * row was claimed, in any state (accepted, declined or revoked meanwhile, it is still the
   * row's and must not be made again). One made before the claim is someone else's.
   */
  private async existing(
    actor: Actor,
    kind: BulkKind,
    f: Readonly<Record<string, string>>,
    since: Date
  ): Promise<string | undefined> {
    if (kind === 'reseller') {
      return (await this.deps.resellers.sentTo(actor, f.email ?? '', since))[0]?.id;
    }
    const company = norm(f.company);
    for (let page = 0; ; page++) {
      // Newest first: pages stop at the first invitation older than the claim.
      const found = await this.deps.customers.page(actor, page, {
        text: (f.company ?? '').trim().replace(/\s+/g, ' '),
        pageSize: 100,
      });
      const recent = found.items.filter((v) => v.invitation.createdAt >= since);
      const match = recent.find((v) => norm(v.invitation.customer?.companyName) === company);
      if (match) return match.invitation.id;
      if (recent.length < found.items.length || page + 1 >= found.pageCount) return undefined;
    }
  }

  /** Who invites: a reseller's people with customers.invite, a provider's with relationships.manage. */
  private async inviter(actor: Actor): Promise<{ kind: BulkKind; partner: Partner }> {
    const { partner } = await this.deps.memberships.rolesOf(actor);
    if (partner?.partnerType === 'provider') {
      return { kind: 'reseller', partner: await this.deps.relationships.invitingProvider(actor) };
    }
    // The same refusals as one invitation (no partner, no role, not approved).
    await this.deps.customers.providersFor(actor);
    return { kind: 'customer', partner: partner! };
  }

  private async checkRows(
    actor: Actor,
    kind: BulkKind,
    rows: readonly BulkCsvRow[]
  ): Promise<BulkCheckedRow[]> {
    return kind === 'customer'
      ? this.checkCustomers(actor, rows)
      : this.checkResellers(actor, rows);
  }

  private async checkCustomers(actor: Actor, rows: readonly BulkCsvRow[]) {
    const providers = await this.deps.customers.providersFor(actor);
    const invited = new Set<string>();
    for (let page = 0; ; page++) {
      const found = await this.deps.customers.page(actor, page, {
        state: 'pending',
        pageSize: 100,
      });
      found.items.forEach((v) => invited.add(norm(v.invitation.customer?.companyName)));
      if (page + 1 >= found.pageCount) break;
    }
    const linked = new Set(
      (await this.deps.customers.allCustomers(actor)).rows.map((r) => norm(r.customer.companyName))
    );
    const seen = new Map<string, number>();
    return rows.map((r): BulkCheckedRow => {
      const f = r.fields;
      const company = (f.company ?? '').trim().replace(/\s+/g, ' ');
      const refuse = (reason: string, values: Record<string, unknown> = {}) => ({
        ...r,
        ok: false,
        reason,
        values,
      });
      if (company.length < 2 || company.length > 120)
        return refuse('invitations:errors.companyName');
      if (f.email && (f.email.length > 254 || !CUSTOMER_EMAIL.test(f.email)))
        return refuse('invitations:errors.email');
      if (f.note && f.note.length > 500) return refuse('invitations:errors.note');
      if (f.provider && !providers.some((p) => p.provider.partnerId === f.provider))
        return refuse('bulk:reasons.noProvider');
      const key = norm(company);
      const first = seen.get(key);
      if (first !== undefined) return refuse('bulk:reasons.duplicate', { row: first });
      seen.set(key, r.row);
      if (invited.has(key)) return refuse('bulk:reasons.alreadyInvited');
      if (linked.has(key)) return refuse('bulk:reasons.alreadyLinked');
      return { ...r, ok: true };
    });
  }

  private async checkResellers(actor: Actor, rows: readonly BulkCsvRow[]) {
    const waiting = new Set(
      (await this.deps.resellers.waiting(actor, MAX_WAITING_LISTED)).map((i) => i.email)
    );
    const linkedIds = new Set<string>();
    for (const r of await this.deps.relationships.list(actor, 'provider')) {
      if (!isOpen(r)) continue;
      const reseller = await this.deps.partners.get(r.resellerRef);
      if (reseller) linkedIds.add(reseller.partnerId);
    }
    const seen = new Map<string, number>();
    return rows.map((r): BulkCheckedRow => {
      const f = r.fields;
      const email = (f.email ?? '').trim().toLowerCase();
      const refuse = (reason: string, values: Record<string, unknown> = {}) => ({
        ...r,
        ok: false,
        reason,
        values,
      });
      if (!RESELLER_EMAIL.test(email) || email.length > 254)
        return refuse('relationships:invite.emailError');
      if (f.partnerId && !isPartnerId(f.partnerId)) return refuse(PARTNER_ID_MESSAGE);
      try {
        this.deps.relationships.checkedGrant(grantOf(f));
      } catch (err) {
        if (!(err instanceof InvalidFieldsError)) throw err;
        const field = err.fields[0];
        return refuse(field?.key ?? err.messageKey, field?.values ?? {});
      }
      const first = seen.get(email);
      if (first !== undefined) return refuse('bulk:reasons.duplicate', { row: first });
      seen.set(email, r.row);
      if (waiting.has(email)) return refuse('bulk:reasons.alreadyInvited');
      if (f.partnerId && linkedIds.has(f.partnerId)) return refuse('bulk:reasons.alreadyLinked');
      return { ...r, ok: true };
    });
  }
}

/**
 * A reseller row's grant as the invite form gives it: roles split by space, `|`, `,` or `;`;
 * without a duration, the form's default.
 */
function grantOf(f: Readonly<Record<string, string>>): unknown {
  return {
    roles: (f.roles ?? '').split(/[\s|,;]+/).filter(Boolean),
    durationDays: f.days ? Number(f.days) : DEFAULT_DURATION_DAYS,
    autoExtend: false,
  };
}

function toDo(row: BulkJobRow): boolean {
  return row.state === 'pending' || row.state === 'started';
}

/** The uploader as the driver acts later: who they are, never a token. */
function uploader(actor: Actor): Actor {
  return {
    tenantId: actor.tenantId,
    aadObjectId: actor.aadObjectId,
    ...(actor.name ? { name: actor.name } : {}),
    ...(actor.email ? { email: actor.email } : {}),
    ...(actor.apiKey ? { apiKey: actor.apiKey } : {}),
  };
}

function norm(text: string | undefined): string {
  return (text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}
