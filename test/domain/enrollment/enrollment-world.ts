import type { Actor, UserRef } from '../../../domain/partners/actor.js';
import type { EnrollmentDraftRepository } from '../../../domain/enrollment/enrollment-draft-repository.port.js';
import type { EnrollmentAnswers } from '../../../domain/partners/partner-profile.js';
import { EnrollmentNotices } from '../../../domain/enrollment/enrollment-notices.js';
import type { EnrollmentNotifier } from '../../../domain/enrollment/enrollment-notifier.port.js';
import { EnrollmentService } from '../../../domain/enrollment/enrollment.service.js';
import type { MembershipRepository } from '../../../domain/partners/membership-repository.port.js';
import {
  MembershipService,
  type KnownUserDirectory,
} from '../../../domain/partners/membership.service.js';
import type { Partner } from '../../../domain/partners/partner.js';
import type { PartnerRepository } from '../../../domain/partners/partner-repository.port.js';
import { ReviewService } from '../../../domain/enrollment/review.service.js';
import type { VerificationRepository } from '../../../domain/enrollment/verification-repository.port.js';
import {
  VerificationService,
  type MailSender,
} from '../../../domain/enrollment/verification.service.js';
import type { Language } from '../../../i18n/i18n.js';
import { testLogger } from '../../../logging/logger.js';
import { validAnswers } from '../../../testkit/answers.js';
import {
  MemoryDraftRepository,
  MemoryMembershipRepository,
  MemoryPartnerRepository,
  MemoryVerificationRepository,
} from '../memory-repositories.js';

/** The four stores enrollment needs; memory or embedded-DB backed. */
export { validAnswers };

export interface EnrollmentStores {
  readonly partners: PartnerRepository;
  readonly drafts: EnrollmentDraftRepository;
  readonly verifications: VerificationRepository;
  readonly memberships: MembershipRepository;
  close(): Promise<void>;
}

export type StoreFactory = () => Promise<EnrollmentStores>;

export const memoryStores: StoreFactory = async () => ({
  partners: new MemoryPartnerRepository(),
  drafts: new MemoryDraftRepository(),
  verifications: new MemoryVerificationRepository(),
  memberships: new MemoryMembershipRepository(),
  async close() {},
});

export interface SentMail {
  to: string;
  templateKey: string;
  language: Language;
  values: Record<string, unknown>;
}

export const OPERATOR: Actor = { tenantId: 't-ops', aadObjectId: 'op-1', name: 'Olga Operator' };
export const OPERATOR_2: Actor = { tenantId: 't-ops', aadObjectId: 'op-2', name: 'Oscar Operator' };

/** Services wired to stores, a settable clock, a mail catcher and a recording notifier. */
export async function buildWorld(stores: StoreFactory = memoryStores) {
  const s = await stores();
  let now = new Date('2026-11-25T10:00:00Z');
  const mails: SentMail[] = [];
  const events: { kind: 'review' | 'decided'; partner: Partner }[] = [];
  const known = new Map<
    string,
    { aadObjectId: string; name?: string; email?: string; tenantId: string }
  >();
  const mail: MailSender = {
    async send(msg) {
      mails.push(msg);
    },
  };
  // Calls that fail before recording anything, as if the process died or the outbox was down.
  let noticeFailures = 0;
  const failOrRecord = (kind: 'review' | 'decided', partner: Partner) => {
    if (noticeFailures > 0) {
      noticeFailures--;
      throw new Error('outbox unavailable');
    }
    events.push({ kind, partner });
  };
  const notifier: EnrollmentNotifier = {
    async submittedForReview(partner) {
      failOrRecord('review', partner);
    },
    async decided(partner) {
      failOrRecord('decided', partner);
    },
  };
  const users: KnownUserDirectory = {
    async get(u: UserRef) {
      return known.get(`${u.tenantId}/${u.aadObjectId}`) ?? null;
    },
    async listByTenant(tenantId: string) {
      return [...known.values()].filter((u) => u.tenantId === tenantId);
    },
  };
  const clock = () => new Date(now);
  const logger = testLogger();
  const memberships = new MembershipService({
    memberships: s.memberships,
    partners: s.partners,
    users,
    operatorIds: [OPERATOR.aadObjectId, OPERATOR_2.aadObjectId],
    now: clock,
    logger,
  });
  const notices = new EnrollmentNotices(s.partners, notifier, clock, logger);
  const verification = new VerificationService({ repo: s.verifications, mail, now: clock, logger });
  const enrollment = new EnrollmentService({
    partners: s.partners,
    drafts: s.drafts,
    memberships,
    verification,
    notices,
    now: clock,
    logger,
  });
  const review = new ReviewService({
    partners: s.partners,
    memberships,
    notices,
    now: clock,
    logger,
  });
  return {
    stores: s,
    mails,
    events,
    /** The sweep the delivery worker runs every minute in the app. */
    notices,
    /** Makes the next `n` notifier calls fail. */
    failNotices(n: number) {
      noticeFailures = n;
    },
    memberships,
    verification,
    enrollment,
    review,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** Registers a user the bot "knows" (has talked to it). */
    know(actor: Actor) {
      known.set(`${actor.tenantId}/${actor.aadObjectId}`, { ...actor });
    },
    /** The last code mailed to an address. */
    lastCode(to?: string): string {
      const m = [...mails].reverse().find((x) => !to || x.to === to);
      if (!m) throw new Error('no mail sent');
      return String(m.values.code);
    },
    /** Fills and submits a complete application for the actor. */
    async enroll(actor: Actor, overrides: Partial<Record<keyof EnrollmentAnswers, unknown>> = {}) {
      await enrollment.begin(actor);
      const a = { ...validAnswers(), ...overrides };
      for (const [section, fields] of Object.entries(SECTION_INPUT)) {
        const input = Object.fromEntries(fields.map((f) => [f, a[f as keyof typeof a]]));
        const res = await enrollment.saveSection(actor, section as never, input, 'summary');
        if (!res.ok) throw new Error(`${section}: ${JSON.stringify(res.errors)}`);
      }
      return enrollment.submit(actor, 'en');
    },
    async close() {
      await s.close();
    },
  };
}

const SECTION_INPUT = {
  partnerType: ['partnerType'],
  tenant: ['tenantCountry', 'partnerId', 'locationCountry'],
  company: [
    'legalName',
    'addressLine1',
    'addressLine2',
    'city',
    'region',
    'postalCode',
    'companyPhone',
  ],
  contact: ['contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone'],
  support: ['supportEmail', 'supportPhone', 'supportWebsite'],
  terms: ['acceptTerms'],
};

let n = 0;
/** A fresh applicant in a fresh tenant. */
export function applicant(name = 'Anna Schmidt'): Actor {
  n++;
  return {
    tenantId: `tenant-${n}-${Date.now()}`,
    aadObjectId: `user-${n}`,
    name,
    email: `user${n}@contoso.example`,
  };
}
