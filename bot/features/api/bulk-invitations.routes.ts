import type { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.js';
import type { BulkInvitationService } from '../../../domain/invitations/bulk-invitation.service.js';
import type { BulkJob } from '../../../domain/invitations/bulk-job.js';
import type { Actor } from '../../../domain/partners/actor.js';
import { t, type Language } from '../../../i18n/i18n.js';
import { apiRoute, type AnyApiRoute } from '../../../web/api/api-route.js';
import { API_PREFIX } from '../../../web/api/api-router.js';
import type { ApiKit } from './api-kit.js';
import {
  BulkCsvBody,
  BulkCsvQuery,
  BulkJobParam,
  BulkResultSchema,
  MAX_BULK_CSV_BYTES,
} from './bulk-invitations.schemas.js';

type Result = z.infer<typeof BulkResultSchema>;
type Row = Result['rows'][number];

/**
 * Bulk invitations from a CSV (issue 31): a dry run (the default), the run as a job keyed by
 * partner and file, its progress and its result file. The service does the work through the
 * same invitation services as the cards.
 */
export function bulkInvitationRoutes(deps: {
  readonly bulk: BulkInvitationService;
  readonly kit: ApiKit;
}): AnyApiRoute[] {
  const { bulk, kit } = deps;

  const jobOf = async (actor: Actor, id: string): Promise<BulkJob> => {
    const job = await bulk.job(actor, id);
    if (!job) throw new NotFoundError('bulk:errors.noJob');
    return job;
  };

  return [
    apiRoute({
      method: 'post',
      path: '/invitations/bulk/csv',
      summary:
        'Invite from a CSV: customers (a reseller) or resellers (a provider); dry run by default',
      tag: 'invitations',
      auth: 'bearer',
      query: BulkCsvQuery,
      body: BulkCsvBody,
      maxBodyBytes: MAX_BULK_CSV_BYTES,
      textBody: { mediaType: 'text/csv', field: 'csv' },
      response: BulkResultSchema,
      accepted: ACCEPTED,
      async handle({ caller, query, body, language }, res) {
        const actor = await kit.actorOf(caller);
        if (query.dryRun === 'true') {
          const checked = await bulk.check(actor, body.csv);
          const rows = checked.rows.map((r): Row => ({
            ...emptyRow(r.row, toOf(checked.kind, r.fields)),
            state: r.ok ? 'ok' : 'refused',
            ...reasonOf(r, language),
          }));
          return {
            body: {
              jobId: null,
              kind: checked.kind,
              dryRun: true,
              state: 'checked',
              ...summary(rows),
              uploadedBy: null,
              note: null,
            },
          };
        }
        const job = await bulk.start(actor, body.csv, language);
        return started(res, resultOf(bulk, actor, job, language));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/invitations/bulk/:jobId',
      summary: "A bulk job's progress and each row's outcome",
      tag: 'invitations',
      auth: 'bearer',
      params: BulkJobParam,
      response: BulkResultSchema,
      async handle({ caller, params, language }) {
        const actor = await kit.actorOf(caller);
        return { body: resultOf(bulk, actor, await jobOf(actor, params.jobId), language) };
      },
    }),
    apiRoute({
      method: 'post',
      path: '/invitations/bulk/:jobId/resume',
      summary: "Takes up a job's rows not done (a run that died), without the file",
      tag: 'invitations',
      auth: 'bearer',
      params: BulkJobParam,
      response: BulkResultSchema,
      accepted: ACCEPTED,
      async handle({ caller, params, language }, res) {
        const actor = await kit.actorOf(caller);
        const job = await bulk.resumeJob(actor, params.jobId);
        if (!job) throw new NotFoundError('bulk:errors.noJob');
        return started(res, resultOf(bulk, actor, job, language));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/invitations/bulk/:jobId.csv',
      summary: "A bulk job's result file: row, outcome, reason, link and code (the uploader's)",
      tag: 'invitations',
      auth: 'bearer',
      params: BulkJobParam,
      response: 'csv',
      async handle({ caller, params, language }) {
        const actor = await kit.actorOf(caller);
        const result = resultOf(bulk, actor, await jobOf(actor, params.jobId), language);
        const h = (k: string) => t(language, `bulk:csv.${k}`);
        return {
          csv: {
            filename: `invitations-${params.jobId}.csv`,
            header: ['row', 'to', 'outcome', 'reason', 'invitation', 'link', 'code'].map(h),
            rows: (async function* () {
              for (const r of result.rows) {
                yield [r.row, r.to, r.state, r.reason, r.invitationId, r.link, r.code];
              }
            })(),
          },
        };
      },
    }),
  ];
}

const ACCEPTED =
  'The run was started: its rows are done in the background; GET the job at `Location` ' +
  'for its progress (200 when nothing was left to do)';

/** 202 with the job's address while rows are left to the background driver; 200 once done. */
function started(res: { header(name: string, value: string): unknown }, result: Result) {
  res.header('Location', `${API_PREFIX}/invitations/bulk/${result.jobId ?? ''}`);
  return { status: result.done ? 200 : 202, body: result };
}

function resultOf(
  bulk: BulkInvitationService,
  actor: Actor,
  job: BulkJob,
  language: Language
): Result {
  const rows = job.rows.map((r): Row => {
    const secrets = r.state === 'created' ? bulk.secretsOf(actor, job, r) : null;
    return {
      ...emptyRow(r.row, toOf(job.kind, r.fields)),
      state: r.state,
      ...reasonOf(r, language),
      invitationId: r.invitationRef ?? null,
      mailed: r.mailed ?? null,
      link: secrets?.link ?? null,
      code: secrets?.code ?? null,
    };
  });
  const counted = summary(rows);
  // The job is the partner's (the same file creates nothing twice), its secrets the uploader's:
  // a colleague is told whose they are and how to get a new link, not left with empty columns.
  const you = bulk.isUploader(actor, job);
  const name = job.createdBy.name ?? null;
  return {
    jobId: job.id,
    kind: job.kind,
    dryRun: false,
    state: counted.done ? 'done' : 'running',
    ...counted,
    uploadedBy: { name, you },
    note:
      !you && rows.some((r) => r.state === 'created')
        ? t(language, 'bulk:notes.othersUpload', {
            name: name ?? t(language, 'bulk:notes.someone'),
          })
        : null,
  };
}

/** Whom a row invites, as its file names them. */
function toOf(kind: 'customer' | 'reseller', fields: Readonly<Record<string, string>>): string {
  return (kind === 'customer' ? fields.company : fields.email) ?? '';
}

function emptyRow(row: number, to: string): Row {
  return {
    row,
    to,
    state: 'ok',
    reasonKey: null,
    reason: null,
    invitationId: null,
    mailed: null,
    link: null,
    code: null,
  };
}

function reasonOf(
  r: { readonly reason?: string; readonly values?: Record<string, unknown> },
  language: Language
): Pick<Row, 'reasonKey' | 'reason'> {
  return r.reason
    ? { reasonKey: r.reason, reason: t(language, r.reason, r.values ?? {}) }
    : { reasonKey: null, reason: null };
}

function summary(rows: Row[]): Pick<Result, 'done' | 'counts' | 'rows'> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return { done: !rows.some((r) => r.state === 'pending' || r.state === 'started'), counts, rows };
}
