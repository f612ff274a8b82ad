import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { withLocale } from '../../helpers/personas.js';
import {
  actionData,
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };

/** Decline asks for an optional reason; the side that asked is told it (issue 12/18). */
describe('declining a relationship request with a reason (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });
  const stored = async () => (await w.collection('relationships').findOne({}))!;

  it('asks first; the reason is kept, shown on both cards and told to the reseller', async () => {
    const asked = await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    const first = await w.click(cast.provider, Verbs.relationshipDecline, {
      relationshipRef: asked.id,
    });
    expect(first.seen).to.include('Decline the request of Contoso Reseller?');
    expect(first.seen).to.include('Reason (optional');
    expect((await stored()).state).to.equal('pending');

    const reason = 'We only serve resellers in Austria for now.';
    const done = await w.click(cast.provider, Verbs.relationshipDecline, {
      ...actionData(first.body, 'Yes, decline'),
      reason: `  ${reason} `,
    });
    expect(done.seen).to.include('Declined by').and.include(`Reason: ${reason}`);
    const r = await stored();
    expect(r.state).to.equal('declined');
    expect(r.history.at(-1).reason).to.equal(reason);
    await w.received(cast.reseller, `Reason: ${reason}`);
    const theirs = await w.click(cast.reseller, Verbs.relationshipView, {
      relationshipRef: asked.id,
    });
    expect(theirs.seen).to.include(`Reason: ${reason}`);
  });

  it('without a reason declines as before; too long a reason is refused and changes nothing', async () => {
    const asked = await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    const long = await w.click(cast.provider, Verbs.relationshipDecline, {
      relationshipRef: asked.id,
      confirmed: 'yes',
      reason: 'x'.repeat(501),
    });
    expect(long.seen).to.include('at most 500 characters');
    expect((await stored()).state).to.equal('pending');
    const ru = await w.click(withLocale(cast.provider, 'ru-RU'), Verbs.relationshipDecline, {
      relationshipRef: asked.id,
      confirmed: 'yes',
      reason: 'x'.repeat(501),
    });
    expect(ru.seen).to.include('не более 500 символов');

    const plain = await w.click(cast.provider, Verbs.relationshipDecline, {
      relationshipRef: asked.id,
      confirmed: 'yes',
      reason: '',
    });
    expect(plain.seen).to.include('Declined by').and.not.include('Reason:');
    expect((await stored()).history.at(-1)).to.not.have.property('reason');
    await w.received(cast.reseller, 'Relationship declined');
  });
});
