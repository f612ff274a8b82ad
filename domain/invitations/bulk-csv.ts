import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { InvalidError } from '../errors.js';

/** What a bulk file invites: a reseller's customers, or a provider's resellers. */
export type BulkKind = 'customer' | 'reseller';

/** The most rows one file may hold (the API's body limit keeps files far below in bytes). */
export const MAX_BULK_ROWS = 5000;

/** The columns of each kind, and the header names (en and ru) that mean them, lower case. */
const COLUMNS: Record<BulkKind, Record<string, readonly string[]>> = {
  customer: {
    company: ['company', 'company name', 'компания', 'организация', 'название'],
    email: ['admin email', 'email', 'e-mail', 'адрес администратора', 'почта', 'эл. почта'],
    note: ['note', 'заметка', 'примечание'],
    provider: ['provider', 'provider partnerid', 'поставщик', 'partnerid поставщика'],
  },
  reseller: {
    email: ['email', 'e-mail', 'почта', 'эл. почта', 'адрес'],
    partnerId: ['partnerid', 'partner id', 'mpn id'],
    roles: ['roles', 'роли'],
    days: ['duration days', 'duration', 'days', 'срок', 'дней', 'срок (дней)'],
  },
};

/** The column each kind cannot do without: the file's header must name it. */
const REQUIRED: Record<BulkKind, string> = { customer: 'company', reseller: 'email' };

/** One data row of a file: its number as a spreadsheet shows it (the header is row 1). */
export interface BulkCsvRow {
  readonly row: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** A parsed file: its rows by column name, and the hash of its content (the job's key). */
export interface BulkCsv {
  readonly rows: readonly BulkCsvRow[];
  readonly hash: string;
}

/**
 * Parses a bulk invitation file as Excel and others write it: a BOM, quoted fields, and `,`
 * or `;` (Excel's separator in locales whose decimal mark is a comma, Russian among them),
 * told apart by the header line. Headers are matched in English or Russian, any case.
 * A file that does not parse, lacks the kind's required column or has too many rows is
 * refused whole (InvalidError), so nothing of it is checked or created.
 */
export function parseBulkCsv(kind: BulkKind, text: string): BulkCsv {
  const clean = text.replace(/^\uFEFF/, '');
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  let records: string[][];
  try {
    records = parse(clean, {
      delimiter,
      relax_column_count: true,
      // Blank lines kept while numbering, so a row's number is the spreadsheet's row.
      skip_empty_lines: false,
      trim: true,
      max_record_size: 64 * 1024,
    });
  } catch {
    throw new InvalidError('bulk:errors.unreadable');
  }
  const [header, ...all] = records;
  const data = all
    .map((cells, i) => ({ cells, row: i + 2 }))
    .filter((r) => r.cells.some((c) => c !== ''));
  if (!header) throw new InvalidError('bulk:errors.empty');
  const columns = header.map((h) => columnOf(kind, h));
  if (!columns.includes(REQUIRED[kind])) {
    throw new InvalidError(`bulk:errors.noColumn_${kind}`);
  }
  if (data.length === 0) throw new InvalidError('bulk:errors.empty');
  if (data.length > MAX_BULK_ROWS) {
    throw new InvalidError('bulk:errors.tooManyRows', { max: MAX_BULK_ROWS });
  }
  const rows = data.map(({ cells, row }) => {
    const fields: Record<string, string> = {};
    columns.forEach((c, j) => {
      if (c && cells[j]) fields[c] = cells[j]!;
    });
    return { row, fields };
  });
  // The rows as read, not the bytes: the same list saved by another program is the same file.
  const hash = createHash('sha256')
    .update(JSON.stringify([kind, rows.map((r) => r.fields)]))
    .digest('hex');
  return { rows, hash };
}

function columnOf(kind: BulkKind, header: string): string | undefined {
  const name = header.trim().toLowerCase().replace(/\s+/g, ' ');
  return Object.entries(COLUMNS[kind]).find(([, names]) => names.includes(name))?.[0];
}

function count(line: string, c: string): number {
  return line.split(c).length - 1;
}
