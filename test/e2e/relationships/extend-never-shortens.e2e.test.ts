import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { cardIn, errorUnder, inputsOf } from '../../helpers/form-card.js';
import { withLocale } from '../../helpers/personas.js';
import {
  actionData,
  cast,
  days,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

/**
 * Issue 27: on a relationship expiring in 365 days, "Extend by 200 days (from today)" moved the
 * end earlier while the card and the notice said "extended". Extend now adds days to the
 * current end, shows old -> new end before it applies, and history and notice say from -> to.
 */
describe('Extend never shortens access (issue 27, the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  /** A relationship the reseller asked for (a year, Global Reader) that the provider authorized. */
  async function activeForAYear(): Promise<{ id: string; end: Date }> {
    const asked = await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    const { relationship } = await w.service.authorize(cast.provider, asked.id);
    // Its notices are owed work done after the change: done before a test reads the record.
    await w.drained();
    return { id: asked.id, end: relationship.expiresAt };
  }
  const stored = async () => (await w.collection('relationships').findOne({}))!;

  it('adds the days to the current end after a confirmation, and says from -> to on the card, in history and in the notice', async () => {
    const { id, end } = await activeForAYear();
    const later = new Date(end.getTime() + days(200));
    const [from, to] = [dayText('en', end), dayText('en', later)];

    const first = await w.click(cast.reseller, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '200',
      roles: 'globalReader',
    });
    expect(first.seen).to.include(`Extend access until ${to}?`);
    expect(first.seen).to.include(`Access now ends on ${from}; it would end on ${to}`);
    expect(first.seen).to.include('Roles: Global Reader');
    expect((await stored()).expiresAt, 'the first click changes nothing').to.deep.equal(end);

    const done = await w.click(
      cast.reseller,
      Verbs.relationshipExtend,
      actionData(first.body, 'Yes, extend')
    );
    expect(done.seen).to.include('Extended by Anna Petrova');
    expect(done.seen).to.include(to);
    expect((await stored()).expiresAt).to.deep.equal(later);

    const history = await w.click(cast.provider, Verbs.relationshipHistory, {
      relationshipRef: id,
    });
    expect(history.seen).to.include(`extended by Anna Petrova, end ${from} → ${to}`);
    await w.received(cast.provider, `access ended on ${from}, now it ends on ${to}`);
  });

  it('refuses days past 730 days from today with the range, changing nothing', async () => {
    const { id, end } = await activeForAYear();
    const before = JSON.stringify(await stored());
    // 365 days left: at most 365 more before the 730-day limit.
    for (const durationDays of ['366', '0', '-5', '1.5', 'many']) {
      const refused = await w.click(cast.reseller, Verbs.relationshipExtend, {
        relationshipRef: id,
        durationDays,
      });
      expect(refused.seen, durationDays).to.include('whole number of days from 1 to 365');
    }
    // A forged confirmation is checked the same way.
    const forged = await w.click(cast.reseller, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '500',
      confirmed: 'yes',
      endsAt: end.toISOString(),
    });
    expect(forged.seen).to.include('whole number of days from 1 to 365');
    expect(JSON.stringify(await stored())).to.equal(before);
    const ru = await w.click(withLocale(cast.reseller, 'ru-RU'), Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '366',
    });
    expect(ru.seen).to.include('целое число дней от 1 до 365');
  });

  it('applies a confirmation only to the end it showed', async () => {
    const { id } = await activeForAYear();
    const first = await w.click(cast.reseller, Verbs.relationshipExtend, {
      relationshipRef: id,
      durationDays: '30',
    });
    const confirm = actionData(first.body, 'Yes, extend');
    // Another admin extends in between: the first confirmation must not add on top unseen.
    await w.service.extend(cast.reseller, id, { days: 10 });
    const afterOther = (await stored()).expiresAt;
    const late = await w.click(cast.reseller, Verbs.relationshipExtend, confirm);
    expect(late.seen).to.include('The end of access changed since this card was shown');
    expect((await stored()).expiresAt).to.deep.equal(afterOther);
  });

  it('bulk extend adds the days to each end, leaving one that would pass 730 days as it is', async () => {
    const { id, end } = await activeForAYear();
    const tooFar = await w.click(cast.provider, Verbs.relationshipsBulk, {
      kind: 'extend',
      durationDays: '400',
    });
    expect(tooFar.seen).to.include('0: nothing changes until they do. 1 left as they were');
    const bulk = await w.click(cast.provider, Verbs.relationshipsBulk, {
      kind: 'extend',
      durationDays: '100',
    });
    expect(bulk.seen).to.include('Asked the resellers to authorize 1');
    const doc = await stored();
    // Asked, not applied: the reseller consents first (issue 26.2); and never earlier.
    expect(doc.expiresAt).to.deep.equal(end);
    expect(doc.pendingChange.expiresAt).to.deep.equal(new Date(end.getTime() + days(100)));
    const refused = await w.click(cast.provider, Verbs.relationshipsBulk, {
      kind: 'extend',
      durationDays: '',
    });
    expect(refused.seen).to.include('whole number of days from 1 to 730');
    expect(String((await stored())._id)).to.equal(id);
  });

  it('bulk extend refuses 900 days under its days field, the 900 kept, and changes nothing', async () => {
    await activeForAYear();
    const before = await stored();
    const res = await w.click(cast.provider, Verbs.relationshipsBulk, {
      kind: 'extend',
      durationDays: '900',
    });
    const card = cardIn(res.body);
    expect(errorUnder(card, 'durationDays')).to.include('whole number of days from 1 to 730');
    expect(inputsOf(card).get('durationDays')!.input.value).to.equal(900);
    const after = await stored();
    expect(after.expiresAt).to.deep.equal(before.expiresAt);
    expect(after.pendingChange).to.equal(undefined);
  });
});
