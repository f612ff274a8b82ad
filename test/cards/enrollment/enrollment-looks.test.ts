import { expect } from 'chai';
import { render as renderSection } from '../../../cards/enrollment/enrollment-section.card.js';
import {
  render as renderSummary,
  samples as summarySamples,
} from '../../../cards/enrollment/enrollment-summary.card.js';
import { render as renderVerify } from '../../../cards/enrollment/enrollment-verify.card.js';
import { SECTION_FIELDS, SECTION_IDS } from '../../../domain/partners/partner-profile.js';
import { LANGUAGES, t } from '../../../i18n/i18n.js';
import { validateCard } from '../validate-card.js';

type Node = Record<string, any>;
function all(card: unknown, pred: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (pred(n as Node)) out.push(n as Node);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** Issue [12/18] "Flows a partner can trust": how the enrollment cards look. */
describe('enrollment cards look the part', () => {
  it("aligns the summary's label column across sections: one row per answer, same widths", () => {
    for (const language of LANGUAGES) {
      const card = renderSummary(summarySamples[0], language);
      expect(validateCard(card), language).to.deep.equal([]);
      expect(
        all(card, (n) => n.type === 'FactSet'),
        'no per-section FactSet'
      ).to.have.length(0);
      const labels = new Set(
        SECTION_IDS.flatMap((s) => SECTION_FIELDS[s]).map((f) =>
          t(language, `enrollment:fields.${f}`)
        )
      );
      const rows = all(
        card,
        (n) =>
          n.type === 'ColumnSet' &&
          n.columns?.length === 2 &&
          labels.has(n.columns[0].items?.[0]?.text) &&
          // A section's heading row holds its Edit button; an answer row holds the answer.
          n.columns[1].items?.[0]?.type === 'TextBlock'
      );
      const fieldCount = SECTION_IDS.reduce((sum, s) => sum + SECTION_FIELDS[s].length, 0);
      expect(rows, language).to.have.length(fieldCount);
      const widths = new Set(rows.map((r) => JSON.stringify(r.columns.map((c: Node) => c.width))));
      expect([...widths], language).to.have.length(1);
      const [label, value] = JSON.parse([...widths][0]);
      // Weights or pixels line up row by row; `auto`/`stretch` size each row by its own text.
      for (const w of [label, value]) expect(w).to.not.be.oneOf(['auto', 'stretch', undefined]);
    }
  });

  it('links the program terms from the terms step', () => {
    for (const language of LANGUAGES) {
      const url = 'https://partner-connect.example/terms';
      const card = renderSection({ section: 'terms', answers: {}, termsUrl: url }, language);
      expect(validateCard(card), language).to.deep.equal([]);
      const links = all(
        card,
        (n) => n.type === 'TextBlock' && typeof n.text === 'string' && n.text.includes(`](${url})`)
      );
      expect(links, language).to.have.length(1);
    }
  });

  it('shows a refused code under the code field, with what was typed', () => {
    for (const language of LANGUAGES) {
      const card = renderVerify(
        { email: 'a@contoso.example', minutes: 30, code: '123455', error: 'Wrong.' },
        language
      );
      expect(validateCard(card), language).to.deep.equal([]);
      const body = card.body as Node[];
      const at = body.findIndex((n) => n.type === 'Input.Text' && n.id === 'code');
      expect(body[at].value).to.equal('123455');
      expect(body[at + 1]).to.include({ text: 'Wrong.', color: 'Attention' });
      const clean = renderVerify({ email: 'a@contoso.example', minutes: 30 }, language);
      expect(JSON.stringify(clean)).to.not.include('Attention');
    }
  });
});
