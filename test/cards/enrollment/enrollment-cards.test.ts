import { expect } from 'chai';
import { render as renderSection } from '../../../cards/enrollment/enrollment-section.card.js';
import { render as renderSummary } from '../../../cards/enrollment/enrollment-summary.card.js';
import {
  render as renderReview,
  samples as reviewSamples,
} from '../../../cards/enrollment/review.card.js';
import { render as renderStatus } from '../../../cards/enrollment/status.card.js';
import { render as renderUsers } from '../../../cards/partners/users.card.js';
import { Verbs } from '../../../cards/verbs.js';
import { COUNTRIES } from '../../../domain/partners/countries.js';
import { SECTION_FIELDS, SECTION_IDS } from '../../../domain/partners/partner-profile.js';
import { LANGUAGES } from '../../../i18n/i18n.js';

type Node = Record<string, unknown>;
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
const inputs = (card: unknown) =>
  all(card, (n) => typeof n.type === 'string' && n.type.startsWith('Input.'));
const actions = (card: unknown) =>
  all(card, (n) => typeof n.type === 'string' && n.type.startsWith('Action.'));
const texts = (card: unknown) => JSON.stringify(card);

const partner = reviewSamples[0].partner;

describe('enrollment cards', () => {
  it('gives each section card exactly its fields as input ids, with Next and (after the first) Back', () => {
    for (const [i, section] of SECTION_IDS.entries()) {
      const card = renderSection({ section, answers: {} }, 'en');
      expect(
        inputs(card).map((x) => x.id),
        section
      ).to.deep.equal([...SECTION_FIELDS[section]]);
      const verbs = actions(card).map((a) => (a.data as Node).action);
      expect(verbs, section).to.deep.equal(i === 0 ? ['next'] : ['next', 'back']);
      expect(
        actions(card).every((a) => (a.data as Node).verb === Verbs.enrollmentSection)
      ).to.equal(true);
    }
  });

  it('prefills answers and shows each error under its field', () => {
    const card = renderSection(
      {
        section: 'tenant',
        answers: { tenantCountry: 'DE', partnerId: '12', locationCountry: 'FR' },
        errors: [
          {
            field: 'locationCountry',
            key: 'enrollment:validation.locationCountryMismatch',
            values: { tenantCountry: 'DE', locationCountry: 'FR' },
          },
        ],
      },
      'en'
    );
    expect(inputs(card).map((x) => x.value)).to.deep.equal(['DE', '12', 'FR']);
    expect(texts(card)).to.include('your tenant (Germany), but this location is in France');
  });

  it('keeps the tenant card (two full country lists) under the 28 KB Teams message limit', () => {
    for (const language of LANGUAGES) {
      const card = renderSection(
        { section: 'tenant', answers: {}, tenantId: partner.tenantId },
        language
      );
      expect(Buffer.byteLength(JSON.stringify(card)), language).to.be.lessThan(27 * 1024);
      const countries = inputs(card).filter((x) => x.id === 'tenantCountry')[0]
        .choices as unknown[];
      expect(countries).to.have.length(COUNTRIES.length);
    }
  });

  it('offers an Edit button per section and Submit on the summary', () => {
    const card = renderSummary({ answers: { partnerType: 'provider', acceptTerms: true } }, 'ru');
    const edits = actions(card).filter((a) => (a.data as Node).verb === Verbs.enrollmentEdit);
    expect(edits.map((a) => (a.data as Node).section)).to.deep.equal([...SECTION_IDS]);
    expect(
      actions(card).some(
        (a) =>
          (a.data as Node).verb === Verbs.enrollmentSubmit && (a.data as Node).action === 'submit'
      )
    ).to.equal(true);
    expect(texts(card)).to.include('Косвенный поставщик');
  });

  it('lets operators approve or reject an undecided application, and shows who decided after', () => {
    const open = renderReview({ partner }, 'en');
    const buttons = actions(open);
    expect(buttons.map((a) => [a.type, a.verb, (a.data as Node).partnerRef])).to.deep.equal([
      ['Action.Execute', Verbs.reviewApprove, partner.id],
      ['Action.Execute', Verbs.reviewReject, partner.id],
    ]);
    expect(inputs(open).map((x) => x.id)).to.deep.equal(['reason']);
    const decided = renderReview(reviewSamples[2], 'en');
    expect(actions(decided)).to.deep.equal([]);
    expect(inputs(decided)).to.deep.equal([]);
    expect(texts(decided)).to.include('Rejected by Olga Operator on Nov 26, 2026');
    expect(texts(decided)).to.include('The legal name does not match');
  });

  it('offers no decision on an application still verifying its email (the service would decide nothing)', () => {
    const verifying = renderReview(
      { partner: { ...partner, status: 'emailVerificationPending' } },
      'en'
    );
    expect(actions(verifying)).to.deep.equal([]);
    expect(inputs(verifying)).to.deep.equal([]);
  });

  it('hides the application details from a user of the tenant without a role', () => {
    const withRole = renderStatus(
      { partner, draft: null, roles: ['helpdeskAgent'], isOperator: false, resendWaitSeconds: 0 },
      'en'
    );
    const without = renderStatus(
      { partner, draft: null, roles: [], isOperator: false, resendWaitSeconds: 0 },
      'en'
    );
    expect(texts(withRole)).to.include(partner.partnerId);
    expect(texts(without)).to.not.include(partner.partnerId);
    expect(texts(without)).to.include('Under review');
  });

  it('asks for the code on the status card while the email is unverified', () => {
    const card = renderStatus(
      {
        partner: { ...partner, status: 'emailVerificationPending' },
        draft: null,
        roles: ['globalAdmin'],
        isOperator: false,
        resendWaitSeconds: 30,
      },
      'en'
    );
    expect(inputs(card).map((x) => x.id)).to.deep.equal(['code']);
    expect(actions(card).map((a) => (a.data as Node).verb)).to.include.members([
      Verbs.enrollmentVerify,
      Verbs.enrollmentResendCode,
    ]);
    expect(texts(card)).to.include('in 30 s');
  });

  it('gives every user a roles input and a Save button naming them', () => {
    const card = renderUsers(
      {
        me: 'u1',
        users: [
          { aadObjectId: 'u1', name: 'Anna', roles: ['globalAdmin'] },
          { aadObjectId: 'u2', name: 'Boris', roles: [] },
        ],
      },
      'en'
    );
    expect(inputs(card).map((x) => [x.id, x.value])).to.deep.equal([
      ['roles-u1', 'globalAdmin'],
      ['roles-u2', ''],
    ]);
    expect(actions(card).map((a) => (a.data as Node).userId)).to.deep.equal(['u1', 'u2']);
    expect(texts(card)).to.include('Anna (you)');
  });
});
