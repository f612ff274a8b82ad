import { expect } from 'chai';
import {
  applicationSubject,
  DECISION_MAIL_TEMPLATES,
  OutboxEnrollmentNotifier,
} from '../../../../bot/features/enrollment/enrollment-notifier.js';
import type {
  NotifyInput,
  Notifier,
  NotificationSubject,
} from '../../../../domain/notifications/notification.js';
import { hasKey } from '../../../../i18n/i18n.js';
import { testLogger } from '../../../../logging/logger.js';
import { samples as reviewSamples } from '../../../../cards/enrollment/review.card.js';
import type { SentMail } from '../../../domain/enrollment/enrollment-world.js';
import { plainText } from '../../../../notifications/notification.service.js';

function recorder() {
  const notified: NotifyInput[] = [];
  const updates: { subject: NotificationSubject; card: Record<string, unknown>; key?: string }[] =
    [];
  const notifier: Notifier = {
    async notify(input) {
      notified.push(input);
    },
    async updateCards(subject, content, opts) {
      updates.push({ subject, card: content('en', { aadObjectId: 'nobody' }), key: opts?.key });
    },
  };
  const mails: SentMail[] = [];
  return {
    notifier,
    notified,
    updates,
    mails,
    mail: { send: async (m: SentMail) => void mails.push(m) },
  };
}

describe('enrollment notifications', () => {
  const [underReview, approved, rejected] = reviewSamples.map((s) => s.partner);

  it('sends every operator the review card about the application, once per submission', async () => {
    const r = recorder();
    await new OutboxEnrollmentNotifier(r.notifier, r.mail, testLogger()).submittedForReview(
      underReview
    );
    expect(r.notified).to.have.length(1);
    const [n] = r.notified;
    expect(n.to).to.deep.equal({ kind: 'operators' });
    expect(n.subject).to.deep.equal(applicationSubject(underReview));
    expect(n.key).to.include(underReview.submittedAt.toISOString());
    const content = n.content('ru');
    expect(content.text).to.include('Contoso GmbH');
    expect(JSON.stringify(content.card)).to.include('Одобрить');
  });

  it('updates the operators cards in place and tells the applicant the outcome with the reason', async () => {
    const r = recorder();
    const notifier = new OutboxEnrollmentNotifier(r.notifier, r.mail, testLogger());
    await notifier.decided(rejected);
    expect(r.updates).to.have.length(1);
    expect(r.updates[0].subject).to.deep.equal(applicationSubject(rejected));
    expect(JSON.stringify(r.updates[0].card)).to.include('Rejected by Olga Operator');
    const toApplicant = r.notified.find((n) => n.to.kind === 'user');
    expect(toApplicant?.to).to.deep.equal({
      kind: 'user',
      user: { tenantId: rejected.submittedBy.tenantId, aadObjectId: 'u1' },
    });
    expect(plainText(toApplicant!.content('en'))).to.include(
      'The legal name does not match the PartnerID profile'
    );
    await notifier.decided(approved);
    expect(plainText(r.notified.at(-1)!.content('en'))).to.include('is approved');
  });

  it('mails the primary contact the decision when the mail template exists', async () => {
    const r = recorder();
    await new OutboxEnrollmentNotifier(r.notifier, r.mail, testLogger()).decided(approved);
    if (hasKey('en', `mail:${DECISION_MAIL_TEMPLATES.approved}.subject`)) {
      expect(r.mails).to.have.length(1);
      expect(r.mails[0]).to.include({
        to: approved.contactEmail,
        templateKey: DECISION_MAIL_TEMPLATES.approved,
      });
    } else {
      // Until notifications' mail.json has the template, the contact is told in Teams only.
      expect(r.mails).to.deep.equal([]);
    }
  });
});
