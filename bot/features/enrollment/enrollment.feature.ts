import { z } from 'zod';
import { render as renderQueue } from '../../../cards/enrollment/review-queue.card.js';
import { render as renderReview } from '../../../cards/enrollment/review.card.js';
import { render as renderStatus } from '../../../cards/enrollment/status.card.js';
import { render as renderVerify } from '../../../cards/enrollment/enrollment-verify.card.js';
import { render as renderAnswered } from '../../../cards/shared/answered.card.js';
import { cardAttachment } from '../../../cards/shared/render-card.js';
import { withNotice } from '../../../cards/shared/with-notice.js';
import { dayText } from '../../../cards/relationships/relationship-text.js';
import { Verbs } from '../../../cards/verbs.js';
import {
  ENROLLMENT_DIALOG,
  EnrollmentDialog,
  type EnrollmentDialogOptions,
} from '../../../dialogs/enrollment/enrollment.dialog.js';
import type { EnrollmentServices } from '../../../dialogs/enrollment/enrollment-services.js';
import { InvalidError, isDomainError } from '../../../domain/errors.js';
import { NotPendingVerificationError } from '../../../domain/enrollment/enrollment.service.js';
import { isSamePerson } from '../../../domain/partners/actor.js';
import { t, type Language } from '../../../i18n/i18n.js';
import { userText } from '../../../cards/shared/user-text.js';
import { maskEmail } from '../../../notifications/mail.service.js';
import { resumeDialogAction } from '../../dialog-actions.js';
import { cardAction, type Feature, type TurnScope } from '../../feature.js';
import { applicationSubject, REVIEW_QUEUE_SUBJECT } from './enrollment-notifier.js';

const reviewSchema = z.object({
  partnerRef: z.string().min(1).max(64),
  reason: z.string().max(2000).optional(),
  submission: z.string().max(64).optional(),
});
/** A card's code input is text; anything else (an array, an object) is refused before it costs an attempt. */
const verifySchema = z.object({ code: z.string().max(64) }).passthrough();
/** A form card clicked with no dialog running: the click answers the draft's step. */
const resume: EnrollmentDialogOptions = { resume: true };
const RESTART_WORDS = new Set(['restart', 'again', 'заново', 'сначала']);

/**
 * Anyone of the tenant may enter the code (the mailbox is the proof), but like the status card,
 * the contact's address is shown in full only to users holding a role on the partner.
 */
const contactShownTo = (roles: readonly string[], email: string) =>
  roles.length ? email : maskEmail(email);

/** The verify card once the code was accepted: a record, no buttons left to press. */
const verifiedCard = (language: Language) =>
  renderAnswered(
    {
      title: { key: 'enrollment:verifyCard.title' },
      status: { key: 'enrollment:verifyCard.verified' },
    },
    language
  );

/** Enrollment: `enroll`, its part of `status`, `verify <code>`, `review`, the form's and the review card's verbs. */
export function enrollmentFeature(services: EnrollmentServices): Feature {
  const { enrollment, review, memberships } = services;
  const isOperator = (scope: Pick<TurnScope, 'actor'>) => memberships.isOperator(scope.actor);
  const reviewCard = async (scope: TurnScope, partnerRef: string) =>
    renderReview({ partner: await review.get(scope.actor, partnerRef) }, scope.language);
  const decide = (verb: string, outcome: 'approved' | 'rejected') =>
    cardAction({
      verb,
      schema: reviewSchema,
      // The card shows the whole application: never into a chat with other people.
      scope: 'personal',
      async handle(scope, { partnerRef, reason, submission }) {
        const opts = submission === undefined ? {} : { submission };
        const result =
          outcome === 'approved'
            ? await review.approve(scope.actor, partnerRef, opts)
            : await review.reject(scope.actor, partnerRef, reason ?? '', opts);
        const decision = result.partner.decision;
        const card = renderReview({ partner: result.partner }, scope.language);
        if (result.stale) {
          return { card, reply: t(scope.language, 'enrollment:review.resubmitted') };
        }
        if (result.decidedNow || !decision) return { card };
        // A second click: on the card, "done" to the one who decided, who and what to others.
        const note = isSamePerson(decision.by, scope.actor)
          ? t(scope.language, 'enrollment:review.doneByYou', {
              context: decision.outcome,
              date: dayText(scope.language, decision.at),
            })
          : t(scope.language, 'enrollment:review.alreadyDecided', {
              context: decision.outcome,
              // The other operator's Teams display name: shown as typed, never as markdown.
              name: userText(decision.by.name ?? decision.by.aadObjectId),
            });
        return { card: withNotice(card, { text: note }) };
      },
      // A refusal (no reason given, not an operator) shows on the application, buttons kept.
      current: async (scope, data) =>
        isOperator(scope) && typeof data.partnerRef === 'string'
          ? reviewCard(scope, data.partnerRef)
          : undefined,
    });

  return {
    dialogs: [new EnrollmentDialog(services)],
    welcomeSteps: [
      { command: 'enroll', titleKey: 'bot:steps.enroll' },
      { command: 'status', titleKey: 'bot:steps.status' },
    ],
    // `status`: the organization's application, or the way to enroll when there is none.
    status: {
      visibleTo: (scope) => !isOperator(scope),
      async render(scope) {
        const status = await enrollment.status(scope.actor);
        return {
          card: renderStatus(status, scope.language),
          // Nothing to report but "not enrolled": a customer's own status says more.
          fallback: !status.partner && !status.draft && !status.isOperator,
        };
      },
    },
    commands: [
      {
        names: ['enroll', 'register', 'регистрация', 'зарегистрироваться'],
        descriptionKey: 'enrollment:commands.enroll',
        scope: 'personal',
        visibleTo: async (scope) =>
          (await enrollment.mayEnroll(scope.actor)) &&
          // A customer's people are offered their customer view, not enrollment (typed, it runs).
          (await scope.standing?.()) !== 'customer',
        async run(scope, args) {
          const restart = RESTART_WORDS.has(args.trim().toLowerCase());
          if (scope.dc.activeDialog) await scope.dc.cancelAllDialogs();
          await scope.dc.beginDialog(ENROLLMENT_DIALOG, { restart });
        },
      },
      {
        names: ['verify', 'подтвердить'],
        descriptionKey: 'enrollment:commands.verify',
        scope: 'personal',
        visibleTo: async (scope) =>
          (await enrollment.status(scope.actor)).partner?.status === 'emailVerificationPending',
        async run(scope, args) {
          const code = args.replace(/\s+/g, '');
          if (!code) {
            const { partner, roles } = await enrollment.status(scope.actor);
            if (partner?.status !== 'emailVerificationPending')
              throw new InvalidError('enrollment:errors.codeMissing');
            const card = renderVerify(
              { email: contactShownTo(roles, partner.contactEmail), minutes: services.codeMinutes },
              scope.language
            );
            return void (await scope.turn.sendActivity({ attachments: [cardAttachment(card)] }));
          }
          await enrollment.verify(scope.actor, code);
          await scope.turn.sendActivity(t(scope.language, 'enrollment:dialog.verified'));
        },
      },
      {
        names: ['review', 'заявки'],
        descriptionKey: 'enrollment:commands.review',
        scope: 'personal',
        // Operators only (they hold no partner role, so no `may`): the review service checks.
        visibleTo: (scope) => isOperator(scope),
        async run(scope, args) {
          const id = args.trim();
          // Sent with their subjects, so a decision later updates these copies in place too.
          if (id) {
            const partner = await review.get(scope.actor, id);
            await scope.sendCard(
              renderReview({ partner }, scope.language),
              applicationSubject(partner)
            );
            return;
          }
          const partners = await review.reviewQueue(scope.actor);
          await scope.sendCard(renderQueue({ partners }, scope.language), REVIEW_QUEUE_SUBJECT);
        },
      },
    ],
    cardActions: [
      ...[Verbs.enrollmentSection, Verbs.enrollmentEdit, Verbs.enrollmentSubmit].map((verb) =>
        resumeDialogAction(verb, ENROLLMENT_DIALOG, { scope: 'personal', options: resume })
      ),
      cardAction({
        verb: Verbs.enrollmentVerify,
        schema: verifySchema,
        invalidKey: 'enrollment:errors.codeFormat',
        scope: 'personal',
        async handle(scope, data) {
          // In the enrollment dialog the code is its verify step's answer (it counts attempts).
          if (scope.dc.activeDialog?.id === ENROLLMENT_DIALOG) {
            await scope.dc.continueDialog();
            return {};
          }
          try {
            await enrollment.verify(scope.actor, data.code);
          } catch (err) {
            // A refused code shows under the code field, what was typed kept; an application
            // that no longer waits for a code (or no application) is said in a message.
            if (!isDomainError(err) || err instanceof NotPendingVerificationError) throw err;
            const { partner, roles } = await enrollment.status(scope.actor);
            if (partner?.status !== 'emailVerificationPending') throw err;
            const card = renderVerify(
              {
                email: contactShownTo(roles, partner.contactEmail),
                minutes: services.codeMinutes,
                code: data.code,
                error: t(scope.language, err.messageKey, err.values),
              },
              scope.language
            );
            return { card };
          }
          return {
            card: verifiedCard(scope.language),
            reply: t(scope.language, 'enrollment:dialog.verified'),
          };
        },
      }),
      cardAction({
        verb: Verbs.enrollmentResendCode,
        schema: z.object({}).passthrough(),
        // The reply names the contact's address: never in a group chat.
        scope: 'personal',
        async handle(scope) {
          const partner = await enrollment.resendCode(scope.actor, scope.language);
          const { roles } = await memberships.rolesOf(scope.actor);
          const email = contactShownTo(roles, partner.contactEmail);
          return { reply: t(scope.language, 'enrollment:dialog.codeSent', { email }) };
        },
      }),
      decide(Verbs.reviewApprove, 'approved'),
      decide(Verbs.reviewReject, 'rejected'),
    ],
    // A code typed on its own while the application waits for it: what else could it mean?
    async onUnknownText(scope, text) {
      const code = text.replace(/\s+/g, '');
      if (scope.conversationType !== 'personal' || !/^\d{6}$/.test(code)) return false;
      const { partner } = await enrollment.status(scope.actor);
      if (partner?.status !== 'emailVerificationPending') return false;
      await enrollment.verify(scope.actor, code);
      await scope.turn.sendActivity(t(scope.language, 'enrollment:dialog.verified'));
      return true;
    },
    refreshers: [
      {
        subjectType: applicationSubject({ id: '' }).type,
        render: async (scope, id) => (isOperator(scope) ? reviewCard(scope, id) : undefined),
      },
    ],
  };
}
