/** Byte order mark: Excel opens a CSV as UTF-8 only with it. */
export const CSV_BOM = '\uFEFF';

/**
 * One CSV line (RFC 4180, CRLF). A cell a spreadsheet would run as a formula (starting with =,
 * +, -, @, a tab or a carriage return: OWASP's CSV injection list) gets a leading apostrophe,
 * so a partner's name like `=HYPERLINK(...)` is shown as text, never evaluated.
 */
export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
