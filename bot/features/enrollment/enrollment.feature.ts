import { z } from 'zod';
import type { AppContext, AppModule } from '../../../app.js';
import { render as renderReview } from '../../../cards/enrollment/review.card.js';
import { render as renderQueue } from '../../../cards/enrollment/review-queue.card.js';
import { cardAttachment } from '../../../cards/shared/render-card.js';
import { render as renderStatus } from '../../../cards/enrollment/status.card.js';
import { render as renderVerify } from '../../../cards/enrollment/enrollment-verify.card.js';
import { Verbs } from '../../../cards/verbs.js';
import { ENROLLMENT_DIALOG, EnrollmentDialog } from '../../../dialogs/enrollment/enrollment.dialog.js';
import { OutboxEnrollmentNotifier } from './enrollment-notifier.js';
import { EnrollmentNotices } from '../../../domain/enrollment/enrollment-notices.js';
import type { EnrollmentServices } from '../../../dialogs/enrollment/enrollment-services.js';
import { EnrollmentService } from '../../../domain/enrollment/enrollment.service.js';
import { InvalidError, NotAllowedError } from '../../../domain/errors.js';
import { MembershipService } from '../../../domain/partners/membership.service.js';
import type { Notifier, RecipientDirectory } from '../../../domain/notifications/notification.js';
import { PartnerService } from '../../../domain/enrollment/review.service.js';
import {
  DEFAULT_VERIFICATION_POLICY,
  VerificationService,
  type MailSender,
} from '../../../domain/enrollment/verification.service.js';
import { t } from '../../../i18n/i18n.js';
import { createEnrollmentStores } from '../../../models/enrollment/enrollment-stores.js';
import { MongoMembershipRepository } from '../../../models/partners/membership.repository.js';
import { MongoPartnerRepository } from '../../../models/partners/partner.repository.js';
import { MongoUserRepository } from '../../../models/partners/user.repository.js';
import { maskEmail } from '../../../notifications/mail.service.js';
import type { CardActionHandler, CardActionResult, Feature, TurnScope } from '../../feature.js';
import { usersFeature } from '../partners/users.feature.js';

const reviewSchema = z.object({
  partnerRef: z.string().min(1).max(64),
  reason: z.string().max(2000).optional(),
  submission: z.string().max(64).optional(),
});
/** A card's code input is text; anything else (an array, an object) is refused before it costs an attempt. */
const verifySchema = z.object({ code: z.string().max(64) });
const RESTART_WORDS = new Set(['restart', 'again', 'заново', 'сначала']);

/**
 * A click on an enrollment form card. In the enrollment dialog it is that dialog's answer;
 * otherwise (the dialog was cancelled, or state was lost) the enrollment resumes from the draft.
 */
async function continueOrResume(scope: TurnScope): Promise<CardActionResult> {
  const active = scope.dc.activeDialog;
  if (active?.id === ENROLLMENT_DIALOG) {
    await scope.dc.continueDialog();
    return {};
  }
  if (active) await scope.dc.cancelAllDialogs();
  await scope.dc.beginDialog(ENROLLMENT_DIALOG, {});
  return {};
}

/**
 * Anyone of the tenant may enter the code (the mailbox is the proof), but like the status card,
 * the contact's address is shown in full only to users holding a role on the partner.
 */
const contactShownTo = (roles: readonly string[], email: string) =>
  roles.length ? email : maskEmail(email);

const personalOnly = (scope: TurnScope) => {
  if (scope.conversationType !== 'personal')
    throw new NotAllowedError('enrollment:errors.personalOnly');
};

/** Enrollment: `enroll`, `status`, `verify <code>`, `review`, the form's and the review card's verbs. */
export function enrollmentFeature(services: EnrollmentServices): Feature {
  const { enrollment, review, memberships } = services;
  const isOperator = (scope: Pick<TurnScope, 'actor'>) => memberships.isOperator(scope.actor);
  const formVerb = (verb: string): CardActionHandler => ({
    verb,
    async handle(scope) {
      personalOnly(scope);
      return continueOrResume(scope);
    },
  });
  const decide = (verb: string, outcome: 'approved' | 'rejected'): CardActionHandler => ({
    verb,
    async handle(scope, data) {
      // The answer card shows the whole application: never into a chat with other people.
      personalOnly(scope);
      const parsed = reviewSchema.safeParse(data);
      if (!parsed.success) throw new InvalidError();
      const { partnerRef, reason, submission } = parsed.data;
      const opts = submission === undefined ? {} : { submission };
      const result =
        outcome === 'approved'
          ? await review.approve(scope.actor, partnerRef, opts)
          : await review.reject(scope.actor, partnerRef, reason ?? '', opts);
      const decision = result.partner.decision;
      const reply = result.stale
        ? t(scope.language, 'enrollment:review.resubmitted')
        : !result.decidedNow && decision
          ? t(scope.language, 'enrollment:review.alreadyDecided', {
              context: decision.outcome,
              name: decision.by.name ?? decision.by.aadObjectId,
            })
          : undefined;
      return {
        card: renderReview({ partner: result.partner }, scope.language),
        ...(reply ? { reply } : {}),
      };
    },
  });

  return {
    dialogs: [new EnrollmentDialog(services)],
    commands: [
      {
        names: ['enroll', 'register', 'регистрация', 'зарегистрироваться'],
        descriptionKey: 'enrollment:commands.enroll',
        visibleTo: (scope) => scope.conversationType === 'personal',
        async run(scope, args) {
          personalOnly(scope);
          const restart = RESTART_WORDS.has(args.trim().toLowerCase());
          if (scope.dc.activeDialog) await scope.dc.cancelAllDialogs();
          await scope.dc.beginDialog(ENROLLMENT_DIALOG, { restart });
        },
      },
      {
        names: ['status', 'статус'],
        descriptionKey: 'enrollment:commands.status',
        visibleTo: (scope) => scope.conversationType === 'personal',
        async run(scope) {
          // Group chats can include guests from other tenants: partner details stay in 1:1 chats.
          personalOnly(scope);
          const status = await enrollment.status(scope.actor);
          await scope.turn.sendActivity({
            attachments: [cardAttachment(renderStatus(status, scope.language))],
          });
        },
      },
      {
        names: ['verify', 'подтвердить'],
        descriptionKey: 'enrollment:commands.verify',
        visibleTo: (scope) => scope.conversationType === 'personal',
        async run(scope, args) {
          personalOnly(scope);
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
        visibleTo: (scope) => scope.conversationType === 'personal' && isOperator(scope),
        async run(scope, args) {
          personalOnly(scope);
          const id = args.trim();
          const card = id
            ? renderReview({ partner: await review.get(scope.actor, id) }, scope.language)
            : renderQueue({ partners: await review.reviewQueue(scope.actor) }, scope.language);
          await scope.turn.sendActivity({ attachments: [cardAttachment(card)] });
        },
      },
    ],
    cardActions: [
      formVerb(Verbs.enrollmentSection),
      formVerb(Verbs.enrollmentEdit),
      formVerb(Verbs.enrollmentSubmit),
      {
        verb: Verbs.enrollmentVerify,
        async handle(scope, data) {
          personalOnly(scope);
          if (scope.dc.activeDialog?.id === ENROLLMENT_DIALOG) return continueOrResume(scope);
          const parsed = verifySchema.safeParse(data);
          if (!parsed.success) throw new InvalidError('enrollment:errors.codeFormat');
          await enrollment.verify(scope.actor, parsed.data.code);
          return { reply: t(scope.language, 'enrollment:dialog.verified') };
        },
      },
      {
        verb: Verbs.enrollmentResendCode,
        async handle(scope) {
          // The reply names the contact's address: never in a group chat.
          personalOnly(scope);
          const partner = await enrollment.resendCode(scope.actor, scope.language);
          const { roles } = await memberships.rolesOf(scope.actor);
          const email = contactShownTo(roles, partner.contactEmail);
          return { reply: t(scope.language, 'enrollment:dialog.codeSent', { email }) };
        },
      },
      decide(Verbs.reviewApprove, 'approved'),
      decide(Verbs.reviewReject, 'rejected'),
    ],
  };
}

/** What the enrollment module needs from notifications (built before it). */
export interface EnrollmentModuleDeps {
  readonly notifier: Notifier;
  readonly mail: MailSender;
  /** Registers periodic repair work with the delivery worker (re-sends owed notices). */
  readonly addSweep?: (name: string, run: () => Promise<void>) => void;
}

/** The enrollment module: services on the app's database, the enrollment and users features. */
export interface EnrollmentModule extends AppModule {
  readonly services: EnrollmentServices;
}

/**
 * The membership service alone, on a connection: notifications need it (partner-role
 * recipients) before the enrollment module exists. It holds no state, so two instances agree.
 */
export function createRecipientDirectory(ctx: AppContext): RecipientDirectory {
  return createMembershipService(ctx);
}

function createMembershipService(ctx: AppContext): MembershipService {
  const conn = ctx.db.connection;
  // Repositories only wrap models: building them here does not touch the database.
  return new MembershipService({
    partners: new MongoPartnerRepository(conn),
    memberships: new MongoMembershipRepository(conn),
    users: new MongoUserRepository(conn),
    operatorIds: ctx.config.operatorAadObjectIds,
    now: () => new Date(),
    logger: ctx.logger,
  });
}

/** Builds the enrollment services and features (call after createNotifications). */
export async function createEnrollmentModule(
  ctx: AppContext,
  deps: EnrollmentModuleDeps
): Promise<EnrollmentModule> {
  const { logger } = ctx;
  const stores = await createEnrollmentStores(ctx.db.connection);
  const now = () => new Date();
  const memberships = createMembershipService(ctx);
  const notifier = new OutboxEnrollmentNotifier(deps.notifier, deps.mail, logger);
  const notices = new EnrollmentNotices(stores.partners, notifier, now, logger);
  deps.addSweep?.('enrollment-notices', async () => void (await notices.sweep()));
  const verification = new VerificationService({
    repo: stores.verifications,
    mail: deps.mail,
    now,
    logger,
  });
  const enrollment = new EnrollmentService({
    partners: stores.partners,
    drafts: stores.drafts,
    memberships,
    verification,
    notices,
    now,
    logger,
  });
  const review = new PartnerService({
    partners: stores.partners,
    memberships,
    notices,
    now,
    logger,
  });
  const services: EnrollmentServices = {
    enrollment,
    review,
    memberships,
    codeMinutes: DEFAULT_VERIFICATION_POLICY.ttlMs / 60_000,
  };
  return { services, features: [enrollmentFeature(services), usersFeature(services)] };
}
