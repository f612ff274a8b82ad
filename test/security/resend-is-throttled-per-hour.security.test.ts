import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { withLocale } from '../helpers/personas.js';
import {
  cast,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * Issue 26.3: ten Resends sent eleven Authorize cards to every admin of the other side. Resend
 * now works at most once per relationship an hour, claimed in one conditional update, so ten
 * clicks (one after another or all at once) send one more card to each admin; the refusal says
 * when the next is possible, and the card says the rule.
 */

const A_YEAR = { roles: ['globalReader'], durationDays: 365, autoExtend: false };
const REQUEST = 'Contoso Reseller asks Fabrikam Distribution to be its indirect provider';

describe('security: Resend sends at most once per relationship an hour (real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  /** A reseller's pending request; both provider admins have had its card. */
  async function requested(): Promise<string> {
    const { id } = await w.service.request(cast.reseller, w.provider.id, A_YEAR, true);
    await w.received(cast.provider, REQUEST);
    await w.received(cast.providerAgent, REQUEST);
    return id;
  }
  /** Request cards each provider admin has in its chat, once the outbox has sent all it owes. */
  const cards = async () => {
    await w.drained();
    const count = (who: typeof cast.provider) =>
      w.posted(who).filter((c) => JSON.stringify(c.body).includes(REQUEST)).length;
    return [count(cast.provider), count(cast.providerAgent)];
  };
  const resends = async () =>
    ((await w.collection('relationships').findOne({}))!.history as { note?: string }[]).filter(
      (e) => e.note === 'resent'
    ).length;

  it('ten Resends in a row send one more card to each admin, and say when the next is possible', async () => {
    const id = await requested();
    const answers = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await w.click(cast.reseller, Verbs.relationshipResend, { relationshipRef: id }));
      w.advance(60_000);
    }
    expect(answers[0]!.seen).to.include('Waiting for Fabrikam Distribution to authorize');
    expect(answers[0]!.seen).to.not.include('Resend works once an hour');
    for (const a of answers.slice(1)) {
      expect(a.status).to.equal(200);
      expect(a.seen).to.match(/Resend works once an hour: try again in \d+ min/);
    }
    // The tenth came 9 minutes after the first: 51 minutes to wait.
    expect(answers[9]!.seen).to.include('try again in 51 min');
    expect(await resends()).to.equal(1);
    expect(await cards()).to.deep.equal([2, 2]);

    // An hour after the last one that went out, Resend works again.
    w.advance(51 * 60_000);
    const again = await w.click(cast.reseller, Verbs.relationshipResend, { relationshipRef: id });
    expect(again.seen).to.not.include('Resend works once an hour');
    expect(await resends()).to.equal(2);
    expect(await cards()).to.deep.equal([3, 3]);
  });

  it('ten Resends at once send one more card to each admin', async () => {
    const id = await requested();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.click(cast.reseller, Verbs.relationshipResend, { relationshipRef: id })
      )
    );
    expect(answers.every((a) => a.status === 200)).to.equal(true);
    expect(answers.filter((a) => a.seen.includes('Resend works once an hour'))).to.have.length(9);
    expect(await resends()).to.equal(1);
    expect(await cards()).to.deep.equal([2, 2]);
  });

  it('says the rule on the card, and the refusal in Russian too', async () => {
    const id = await requested();
    const card = await w.click(cast.reseller, Verbs.relationshipView, { relationshipRef: id });
    expect(card.seen).to.include('again, at most once an hour');
    await w.click(cast.reseller, Verbs.relationshipResend, { relationshipRef: id });
    const ru = await w.click(withLocale(cast.reseller, 'ru-RU'), Verbs.relationshipResend, {
      relationshipRef: id,
    });
    expect(ru.seen).to.include('повторная отправка возможна раз в час: попробуйте через 60 мин.');
    expect(ru.seen).to.include('не чаще раза в час');
  });
});
