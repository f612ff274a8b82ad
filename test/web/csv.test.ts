import { expect } from 'chai';
import { csvLine } from '../../web/api/csv.js';

describe('CSV export lines', () => {
  it('quotes separators, quotes and line breaks (RFC 4180), CRLF-terminated', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 3, true, null])).to.equal(
      '"a,b","say ""hi""","two\nlines",3,true,\r\n'
    );
  });

  it('neutralizes cells a spreadsheet would run as formulas', () => {
    for (const cell of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) {
      expect(csvLine([cell]).startsWith(`'`) || csvLine([cell]).startsWith(`"'`), cell).to.equal(
        true
      );
    }
    expect(csvLine(['Мир'])).to.equal('Мир\r\n');
    // A number is data, not text a person typed: -5 stays a number.
    expect(csvLine([-5])).to.equal('-5\r\n');
  });
});
