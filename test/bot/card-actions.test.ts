import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { z } from 'zod';
import { cardAction, type Feature } from '../../bot/feature.js';
import { withRefresh, MAX_REFRESH_USERS } from '../../bot/card-sender.js';
import { ConflictError } from '../../domain/errors.js';
import { personas, type Persona } from '../helpers/personas.js';
import { startBotHarness, visibleText, type BotHarness } from './bot-harness.js';

const card = (text: string, withButton = true) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text }],
  ...(withButton
    ? { actions: [{ type: 'Action.Execute', title: 'Go', verb: 'test.refuse', data: {} }] }
    : {}),
});

/** Verbs that show each promise of the card-action contract (bot/feature.ts). */
function contractFeature(calls: string[]): Feature {
  return {
    cardActions: [
      cardAction({
        verb: 'test.private',
        schema: z.object({ n: z.number().int() }),
        scope: 'personal',
        handle: async (_scope, { n }) => (calls.push(`private ${n}`), { card: card(`n=${n}`) }),
        current: async () => card('the private card as it stands'),
      }),
      cardAction({
        verb: 'test.refuse',
        schema: z.object({}).passthrough(),
        scope: 'any',
        handle: async () => {
          throw new ConflictError();
        },
        current: async () => card('the card as it stands'),
      }),
    ],
  };
}

describe('card actions: one contract, routed once', function () {
  let bot: BotHarness;
  const calls: string[] = [];
  const fresh = (p: Persona): Persona => ({ ...p, aadObjectId: randomUUID() });
  before(async () => {
    bot = await startBotHarness({
      features: [contractFeature(calls)],
      cardCopies: { recordReplyCard: async () => undefined },
    });
  });
  after(async () => bot?.stop());
  beforeEach(() => {
    calls.length = 0;
  });

  const invokeBody = (replies: Awaited<ReturnType<BotHarness['send']>>) =>
    (
      replies.find((a) => a.type === 'invokeResponse')?.value as {
        body: { type: string; value: any };
      }
    ).body;

  it('refuses a personal-only card in a group chat without running it or showing the card', async () => {
    const anna = fresh(personas.reseller);
    const replies = await bot.send(
      bot.teams.cardAction(anna, 'test.private', { n: 1 }, { scope: 'groupChat' })
    );
    const body = invokeBody(replies);
    expect(body.type).to.equal('application/vnd.microsoft.activity.message');
    expect(String(body.value)).to.include('personal chat');
    expect(JSON.stringify(body)).to.not.include('the private card');
    expect(calls).to.deep.equal([]);
  });

  it('refuses data its schema does not accept, and runs nothing', async () => {
    const anna = fresh(personas.reseller);
    const body = invokeBody(await bot.send(bot.teams.cardAction(anna, 'test.private', { n: 'x' })));
    expect(JSON.stringify(body.value)).to.include("doesn't look right");
    expect(calls).to.deep.equal([]);
  });

  it('shows a refusal on the clicked card, its buttons kept', async () => {
    const anna = fresh(personas.reseller);
    const body = invokeBody(await bot.send(bot.teams.cardAction(anna, 'test.refuse', {})));
    expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(body.value.body[0].id).to.equal('notice');
    expect(visibleText([{ attachments: [{ contentType: 'x', content: body.value }] }]))
      .to.include('someone else changed it first')
      .and.include('the card as it stands');
    expect(body.value.actions).to.have.length(1);
  });

  it('asks Teams to refresh a group chat card for at most 60 of its members', () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:user-${i}`);
    const refreshed = withRefresh(card('x'), { type: 'thing', id: 'a1' }, ids) as any;
    expect(refreshed.refresh.userIds).to.have.length(MAX_REFRESH_USERS);
    expect(refreshed.refresh.action).to.deep.include({
      type: 'Action.Execute',
      verb: 'card.refresh',
    });
    expect(refreshed.refresh.action.data).to.deep.equal({ subjectType: 'thing', subjectId: 'a1' });
    expect(withRefresh(card('x'), { type: 'thing', id: 'a1' }, [])).to.not.have.property('refresh');
  });
});
