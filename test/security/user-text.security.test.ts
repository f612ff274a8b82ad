import { expect } from 'chai';
import { userText } from '../../cards/shared/user-text.js';
import { personas, type Persona } from '../helpers/personas.js';
import { eventually, startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';
import { enrollWith } from './world.js';

const EVIL_NAME =
  'Contoso [Open the PartnerID profile](https://evil.example/login) \u202Efdp.exe LLC';
const BIDI = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
/** A markdown link or image a Teams TextBlock or FactSet value would render live. */
const LIVE_LINK = /(^|[^\\])\[[^\]]*(^|[^\\])\]\(/;

/** Every string of a card (text, fact titles and values...), as the host renders them. */
function strings(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (typeof n === 'string') out.push(n);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

describe('rule: user-supplied text is shown escaped, bidi-free and capped', function () {
  this.timeout(60_000);

  describe('userText()', () => {
    it('escapes markdown so it shows as typed', () => {
      const out = userText('[a](https://x) *b* _c_ ~d~ `e` # f > g - h');
      expect(out).to.not.match(LIVE_LINK);
      for (const c of ['[', ']', '(', ')', '*', '_', '~', '`']) expect(out).to.include(`\\${c}`);
    });
    it('escapes line-start markdown', () => {
      expect(userText('# heading')).to.equal('\\# heading');
      expect(userText('- item')).to.equal('\\- item');
      expect(userText('1. first')).to.equal('1\\. first');
    });
    it('strips bidi controls and zero-width characters, and line breaks', () => {
      expect(userText('a\u202Eb\u2066c\u200Bd\u200Fe\nf')).to.equal('abcde f');
    });
    it('caps the length', () => {
      expect([...userText('x'.repeat(100_000), 100)]).to.have.length(100);
    });
  });

  describe('the operator review card (real server)', () => {
    let env: SecurityEnv;
    before(async () => {
      env = await startSecurityApp();
    });
    after(async () => env?.stop());

    it('shows a legal name with a markdown link and a bidi override as plain text, and a huge display name capped', async () => {
      const who: Persona = { ...personas.reseller, name: `Anna ${'N'.repeat(100_000)}` };
      const { c, code } = await enrollWith(env, who, '1234567', {
        company: { legalName: EVIL_NAME },
      });
      await c.say(`verify ${code}`);
      const operatorChat = env.app.teams.conversationId(personas.operator);
      const review = await eventually(
        () =>
          env.app.connector
            .activities(operatorChat)
            .find((a) => JSON.stringify(a).includes('evil.example')),
        'the review card'
      );
      const json = JSON.stringify(review);
      expect(json.length, 'under Teams 28 KB').to.be.below(28_000);
      for (const s of [review.text, ...strings(review.attachments)]) {
        expect(s, s).to.not.match(LIVE_LINK);
        expect(s, s).to.not.match(BIDI);
      }
      const facts = strings(review.attachments).filter((s) => s.includes('evil.example'));
      expect(facts.length).to.be.above(0);
      expect(facts.join('\n')).to.include('\\[Open the PartnerID profile\\]\\(');
    });
  });
});
