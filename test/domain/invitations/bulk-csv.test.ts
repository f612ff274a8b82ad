import { expect } from 'chai';
import { MAX_BULK_ROWS, parseBulkCsv } from '../../../domain/invitations/bulk-csv.js';
import { InvalidError } from '../../../domain/errors.js';

describe('parseBulkCsv', () => {
  it("reads Excel's Russian CSV: a BOM, ';', quotes with ; and doubled quotes, ru headers", () => {
    const csv = '\uFEFFКомпания;Почта;Заметка\r\n"A; B";a@b.example;"say ""hi"""\r\n';
    const { rows } = parseBulkCsv('customer', csv);
    expect(rows).to.deep.equal([
      { row: 2, fields: { company: 'A; B', email: 'a@b.example', note: 'say "hi"' } },
    ]);
  });

  it('tells , from ; by the header line, and keeps ; inside a comma file', () => {
    const { rows } = parseBulkCsv('reseller', 'Email,PartnerID,Roles\nx@y.example,,a;b\n');
    expect(rows[0]!.fields).to.deep.equal({ email: 'x@y.example', roles: 'a;b' });
  });

  it('numbers rows as a spreadsheet shows them: blank ones skipped but counted', () => {
    const { rows } = parseBulkCsv('customer', 'company\n\nOne\n;\n"Two\nlines"\nThree\n');
    expect(rows.map((r) => [r.row, r.fields.company])).to.deep.equal([
      [3, 'One'],
      [4, ';'],
      [5, 'Two\nlines'],
      [6, 'Three'],
    ]);
  });

  it('keys the same rows saved by another program (BOM, CRLF, ;) to the same hash', () => {
    const a = parseBulkCsv('customer', 'company,note\nOne,x\n');
    const b = parseBulkCsv('customer', '\uFEFFcompany;note\r\nOne;x\r\n');
    const c = parseBulkCsv('customer', 'company,note\nOne,y\n');
    expect(a.hash).to.equal(b.hash);
    expect(a.hash).to.not.equal(c.hash);
  });

  for (const [name, kind, csv, key] of [
    ['no required column', 'customer', 'email\na@b.example\n', 'bulk:errors.noColumn_customer'],
    ['only a header', 'reseller', 'email\n', 'bulk:errors.empty'],
    ['an unclosed quote', 'customer', 'company\n"Open\n', 'bulk:errors.unreadable'],
    [
      'too many rows',
      'customer',
      'company\n' + 'X\n'.repeat(MAX_BULK_ROWS + 1),
      'bulk:errors.tooManyRows',
    ],
  ] as const) {
    it(`refuses a file with ${name} whole`, () => {
      expect(() => parseBulkCsv(kind, csv))
        .to.throw(InvalidError)
        .with.property('messageKey', key);
    });
  }
});
