import { z } from 'zod';

/** The largest file a bulk upload takes (about 10,000 short rows); larger is a 413. */
export const MAX_BULK_CSV_BYTES = 1024 * 1024;

/** The upload: the file's text as JSON `{ csv }`, or the file itself as `text/csv`. */
export const BulkCsvBody = z
  .object({
    csv: z
      .string()
      .min(1)
      .describe(
        'The CSV text. Customers (a reseller): company, admin email, note, provider (PartnerID). ' +
          'Resellers (a provider): email, PartnerID, roles, duration days. Headers in English ' +
          'or Russian; `,` or `;`; a BOM and quotes are fine.'
      ),
  })
  .strict()
  .meta({ id: 'BulkCsvUpload' });

export const BulkCsvQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .describe('true (the default): check each row and create nothing'),
});

export const BulkJobParam = z.object({ jobId: z.string().regex(/^[0-9a-f]{32}$/) });

export const BulkRowSchema = z
  .object({
    row: z.number().int().describe("the row's number in the file (the header is row 1)"),
    to: z
      .string()
      .describe('the company (customers) or the address (resellers) as the file gives it'),
    state: z
      .enum(['ok', 'pending', 'started', 'created', 'failed', 'refused'])
      .describe('dry run: ok or refused; run: pending, started, created, failed or refused'),
    reasonKey: z.string().nullable(),
    reason: z.string().nullable().describe('why it was refused or failed (Accept-Language)'),
    invitationId: z.string().nullable(),
    mailed: z.enum(['queued', 'failed', 'none']).nullable(),
    link: z.string().nullable().describe('to the uploader only, as the card shows it'),
    code: z.string().nullable().describe('to the uploader only, as the card shows it'),
  })
  .meta({ id: 'BulkRow' });

export const BulkResultSchema = z
  .object({
    jobId: z.string().nullable().describe('null for a dry run'),
    kind: z.enum(['customer', 'reseller']),
    dryRun: z.boolean(),
    state: z
      .enum(['checked', 'running', 'done'])
      .describe(
        'checked: a dry run; running: rows are being done in the background (poll GET ' +
          '/invitations/bulk/{jobId}); done: every row settled'
      ),
    done: z.boolean().describe('no row is pending or started'),
    counts: z
      .record(z.string(), z.number().int())
      .describe('rows per state (pending, started, created, failed, refused): the progress'),
    rows: z.array(BulkRowSchema),
    uploadedBy: z
      .object({
        name: z.string().nullable(),
        you: z.boolean().describe('the caller uploaded it: links and codes are shown'),
      })
      .nullable()
      .describe('who started the job (null for a dry run)'),
    note: z
      .string()
      .nullable()
      .describe(
        "a colleague's job (the same file, uploaded before): why its links and codes are not shown"
      ),
  })
  .meta({ id: 'BulkResult' });
