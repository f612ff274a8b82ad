import { expect } from 'chai';
import { Pacer } from '../../notifications/pacer.js';
import { conversationIdOf, eventually, startDeliveryHarness } from './helpers/delivery-harness.js';
import { ManualClock } from './helpers/manual-clock.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const user = (n: number) => ({
  tenantId: T1,
  aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
});
/** One message per minute to a chat: the pacer holds the rest of the backlog back. */
const ONE_A_MINUTE = [{ limit: 1, windowMs: 60_000 }];
const HOUR = 3_600_000;

describe('DeliveryWorker sleeps until there is work (a clock that moves only when told)', function () {
  this.timeout(60_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('sleeps until the paced chat’s next opening, and wakes at once for an item enqueued meanwhile', async () => {
    const clock = new ManualClock();
    h = await startDeliveryHarness({ clock });
    const busy = user(1);
    const other = user(2);
    await h.addUser(busy);
    await h.addUser(other);
    for (let i = 0; i < 20; i++) {
      await h.service.notify({
        key: `backlog:${i}`,
        to: { kind: 'user', user: busy },
        content: () => ({ text: `backlog ${i}` }),
      });
    }
    const pacer = new Pacer({ tenantMessagesPerSecond: 1000, conversationRules: ONE_A_MINUTE });
    // Nothing else would wake it: no polling, no lease renewal, no sweep within the hour.
    h.worker({ pacer, pollMs: HOUR, leaderLeaseMs: 3 * HOUR, sweepEveryMs: HOUR });
    const chat = (who: typeof busy) =>
      h.posts().filter((c) => c.conversationId === conversationIdOf(who));
    await eventually(() => chat(busy).length === 1, 10_000, 'the first of the backlog');
    const sentAt = clock.now();
    // The worker's next sleep ends when the chat may send again (a minute, and the pacer's 1 ms
    // margin), not 50 ms later to look again.
    await eventually(
      () => clock.pending().includes(sentAt + 60_001),
      10_000,
      'a sleep until the next opening'
    );
    expect(clock.asked.filter((s) => s.at === sentAt).map((s) => s.ms)).to.not.include(50);

    // Enqueued in this process while the worker sleeps: delivered with the clock standing still.
    await h.service.notify({
      key: 'other:1',
      to: { kind: 'user', user: other },
      content: () => ({ text: 'for the other chat' }),
    });
    await eventually(() => chat(other).length === 1, 10_000, 'the other chat’s item');
    expect(clock.now()).to.equal(sentAt);
    expect(chat(busy)).to.have.length(1);

    // At the opening the next item of the backlog goes, oldest first.
    await eventually(() => clock.pending().includes(sentAt + 60_001), 10_000, 'asleep again');
    clock.advance(60_001);
    await eventually(() => chat(busy).length === 2, 10_000, 'the second of the backlog');
    expect(chat(busy).map((c) => c.body.text)).to.deep.equal(['backlog 0', 'backlog 1']);
  });
});

describe('DeliveryWorker between sweeps', function () {
  this.timeout(30_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('keeps delivering while its sweeps take longer than the time between sweeps', async () => {
    h = await startDeliveryHarness();
    const someone = user(3);
    await h.addUser(someone);
    // Sweeps every 20 ms, each taking 60 ms (a loaded database): the loop swept without end and
    // claimed nothing (the soak saw request cards wait 90 s for it).
    const w = h.worker({ sweepEveryMs: 20 });
    w.addSweep('slow', () => new Promise((r) => setTimeout(r, 60)));
    await new Promise((r) => setTimeout(r, 150));
    await h.service.notify({
      key: 'during-slow-sweeps',
      to: { kind: 'user', user: someone },
      content: () => ({ text: 'delivered between sweeps' }),
    });
    await eventually(() => h.posts().length === 1, 5_000, 'the item delivered between sweeps');
    expect(h.posts()[0].body.text).to.equal('delivered between sweeps');
  });
});
