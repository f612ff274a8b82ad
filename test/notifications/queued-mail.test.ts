import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { NotificationOutbox } from '../../notifications/notification-outbox.port.js';
import { NotificationService } from '../../notifications/notification.service.js';
import { SealedBox } from '../../notifications/sealed-box.js';
import { testLogger } from '../../logging/logger.js';
import { eventually, startDeliveryHarness } from './helpers/delivery-harness.js';

/** An outbox whose first `markSent` fails, as when the database goes away after the send. */
function failingFirstRecord(outbox: NotificationOutbox): NotificationOutbox {
  let failed = false;
  return new Proxy(outbox, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (prop !== 'markSent') return typeof value === 'function' ? value.bind(obj) : value;
      return async (...args: unknown[]) => {
        if (!failed) {
          failed = true;
          throw new Error('connection closed');
        }
        return (value as (...a: unknown[]) => Promise<boolean>).apply(obj, args);
      };
    },
  });
}

describe('Queued mails (invitation mails through the outbox)', function () {
  this.timeout(30_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('a mail sent whose "sent" record failed is recorded later and never sent again', async () => {
    h = await startDeliveryHarness();
    const sealer = new SealedBox(randomBytes(32));
    const service = new NotificationService({
      outbox: h.db.outbox,
      directory: h.directory,
      operatorAadObjectIds: [],
      sealer,
      clock: h.clock,
      logger: testLogger(),
      onEnqueued: () => h.workers().forEach((w) => w.wake()),
    });
    const outcomes: string[] = [];
    const worker = h.worker({ sealer, outbox: failingFirstRecord(h.db.outbox), leaseMs: 300 });
    worker.onMail('invitationCreated', async ({ outcome, context }) => {
      outcomes.push(`${outcome}:${String(context?.code)}`);
    });
    await service.queueMail({
      key: 'invitationMail:1',
      to: 'it@northwind.example',
      templateKey: 'customerInvitation',
      language: 'en',
      values: { reseller: 'Contoso', company: 'Northwind', draft: 'code C7K2-M9QX-4HTP' },
      subject: { type: 'invitationCreated', id: '1' },
      context: { code: 'C7K2-M9QX-4HTP' },
    });
    const mailDoc = async () =>
      (await h.db.conn.collection('notifications').find({ kind: 'mail' }).toArray())[0];
    await eventually(async () => (await mailDoc())?.state === 'sent', 10_000, 'the mail recorded');
    const item = (await mailDoc())!;
    const sentAt = (item.sentAt as Date).getTime();
    // Well past the item's lease (300 ms): a claim would have found it again by now.
    await eventually(() => h.clock.now() > sentAt + 900, 5_000, 'three leases later');
    await worker.stop();
    expect(h.mails).to.have.length(1);
    expect(h.mails[0]).to.include({
      to: 'it@northwind.example',
      templateKey: 'customerInvitation',
    });
    expect(outcomes).to.deep.equal(['sent:C7K2-M9QX-4HTP']);
    expect(item).to.not.have.property('sealed');
    expect(JSON.stringify(item)).to.not.include('C7K2');
  });
});
