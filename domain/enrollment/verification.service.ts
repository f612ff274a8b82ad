import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import type { Language } from '../../i18n/i18n.js';
import {
  ConflictError,
  ExpiredError,
  InvalidError,
  NotAllowedError,
  NotFoundError,
} from '../errors.js';
import type {
  EarlierCode,
  EmailVerification,
  VerificationRepository,
} from './verification-repository.port.js';

/** The mail service's shape (notifications/mail.service.ts), declared here to keep domain/ free of it. */
export interface MailSender {
  send(msg: {
    to: string;
    templateKey: string;
    language: Language;
    values: Record<string, unknown>;
  }): Promise<void>;
}

/** Mail template of the code (`mail:verificationCode`, values name, code, minutes). */
export const VERIFICATION_MAIL_TEMPLATE = 'verificationCode';

export interface VerificationPolicy {
  readonly ttlMs: number;
  readonly maxAttempts: number;
  readonly resendCooldownMs: number;
  /** Codes that may be sent per hour, so resends cannot be used to keep guessing forever. */
  readonly maxSendsPerHour: number;
}

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = {
  ttlMs: 30 * 60_000,
  maxAttempts: 5,
  resendCooldownMs: 60_000,
  maxSendsPerHour: 5,
};

export interface VerificationServiceDeps {
  readonly repo: VerificationRepository;
  readonly mail: MailSender;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly policy?: Partial<VerificationPolicy>;
  /** Six digits; crypto-random unless a test supplies its own. */
  readonly generateCode?: () => string;
}

const HOUR = 3_600_000;
/** Who acts when a caller names nobody (tests, tools): one shared throttle for them all. */
export const ANYONE = '*';

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

/**
 * Email verification by a 6-digit code: stored only as a salted hash, valid 30 minutes, single
 * use. Throttles are per person (`by`: tenant/object id), never per application: 5 wrong codes
 * per person until they ask for a new one, a resend no sooner than a cooldown after their last
 * and at most `maxSendsPerHour` of theirs an hour. A colleague guessing or resending cannot lock
 * the applicant out, and a resend leaves earlier codes valid until they expire. Codes are
 * never logged.
 */
export class VerificationService {
  private readonly policy: VerificationPolicy;
  private readonly log: Logger;
  private readonly generateCode: () => string;

  constructor(private readonly deps: VerificationServiceDeps) {
    this.policy = { ...DEFAULT_VERIFICATION_POLICY, ...deps.policy };
    this.log = deps.logger.child({ module: 'verification' });
    this.generateCode =
      deps.generateCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
  }

  /** Sends a fresh code (on submit), replacing any earlier one; the hourly cap still applies. */
  async send(
    subjectId: string,
    to: string,
    language: Language,
    values: Record<string, unknown> = {},
    by: string = ANYONE
  ): Promise<void> {
    await this.issue(subjectId, to, language, values, false, by);
  }

  /** Sends a new code on request, no sooner than the cooldown after the last one. */
  async resend(
    subjectId: string,
    to: string,
    language: Language,
    values: Record<string, unknown> = {},
    by: string = ANYONE
  ): Promise<void> {
    await this.issue(subjectId, to, language, values, true, by);
  }

  /** Seconds until this person may ask for a resend (0 when they may). */
  async resendWaitSeconds(subjectId: string, by: string = ANYONE): Promise<number> {
    const person = await this.deps.repo.personThrottle(subjectId, by);
    if (!person?.sentAt) return 0;
    const wait = person.sentAt.getTime() + this.policy.resendCooldownMs - this.deps.now().getTime();
    return Math.max(0, Math.ceil(wait / 1000));
  }

  /** Checks a typed code; throws a specific domain error unless it is a valid, unused one. */
  async check(subjectId: string, input: string, by: string = ANYONE): Promise<void> {
    const code = input.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) throw new InvalidError('enrollment:errors.codeFormat');
    const current = await this.deps.repo.get(subjectId);
    if (!current) throw new NotFoundError('enrollment:errors.codeNotSent');
    if (current.usedAt) throw new ConflictError('enrollment:errors.codeUsed');
    const now = this.deps.now().getTime();
    const live = [current, ...(current.previousCodes ?? [])].filter(
      (c) => c.expiresAt.getTime() > now
    );
    if (live.length === 0) throw new ExpiredError('enrollment:errors.codeExpired');
    const person = await this.deps.repo.personThrottle(subjectId, by);
    if ((person?.attempts ?? 0) >= this.policy.maxAttempts)
      throw new ExpiredError('enrollment:errors.codeAttemptsExhausted');
    // The attempt is counted before comparing, so parallel guesses cannot exceed the limit.
    const counted = await this.deps.repo.countPersonAttempt(subjectId, by, this.policy.maxAttempts);
    if (counted === null) throw new ExpiredError('enrollment:errors.codeAttemptsExhausted');
    // The subject's own count is for the record only; the limit is the person's.
    await this.deps.repo.countAttempt(subjectId, current.codeHash, Number.MAX_SAFE_INTEGER);
    if (!matchesAny(live, code)) {
      const remaining = this.policy.maxAttempts - counted;
      this.log.info({ subjectId, remaining }, 'wrong verification code');
      if (remaining <= 0) throw new ExpiredError('enrollment:errors.codeAttemptsExhausted');
      throw new InvalidError('enrollment:errors.codeWrong', { count: remaining });
    }
    if (!(await this.deps.repo.markUsed(subjectId, current.codeHash, this.deps.now()))) {
      throw new ConflictError('enrollment:errors.codeUsed');
    }
    this.log.info({ subjectId }, 'email verified');
  }

  private async issue(
    subjectId: string,
    to: string,
    language: Language,
    values: Record<string, unknown>,
    cooldown: boolean,
    by: string
  ): Promise<void> {
    const now = this.deps.now();
    const [current, person] = await Promise.all([
      this.deps.repo.get(subjectId),
      this.deps.repo.personThrottle(subjectId, by),
    ]);
    if (person?.sentAt && cooldown) {
      const wait = person.sentAt.getTime() + this.policy.resendCooldownMs - now.getTime();
      if (wait > 0)
        throw new NotAllowedError('enrollment:errors.resendCooldown', {
          count: Math.ceil(wait / 1000),
        });
    }
    const personWindow = person?.windowStartedAt;
    const personWindowOpen = !!personWindow && now.getTime() - personWindow.getTime() < HOUR;
    const personSends = personWindowOpen ? person!.sendsInWindow + 1 : 1;
    if (personSends > this.policy.maxSendsPerHour)
      throw new NotAllowedError('enrollment:errors.tooManyCodes');
    const recorded = await this.deps.repo.recordSend(
      subjectId,
      by,
      {
        sentAt: now,
        sendsInWindow: personSends,
        windowStartedAt: personWindowOpen ? personWindow! : now,
      },
      person?.sentAt ?? null
    );
    if (!recorded) {
      throw new NotAllowedError('enrollment:errors.resendCooldown', {
        count: Math.ceil(this.policy.resendCooldownMs / 1000),
      });
    }
    // The subject's own window counts every send, for the record (the limits are per person).
    const windowOpen = current && now.getTime() - current.windowStartedAt.getTime() < HOUR;
    const sendsInWindow = windowOpen ? current.sendsInWindow + 1 : 1;
    const code = this.generateCode();
    const salt = randomBytes(16).toString('hex');
    const record: EmailVerification = {
      subjectId,
      codeHash: hashCode(salt, code),
      salt,
      expiresAt: new Date(now.getTime() + this.policy.ttlMs),
      attempts: 0,
      sentAt: now,
      sendsInWindow,
      windowStartedAt: windowOpen ? current.windowStartedAt : now,
      previousCodes: current ? earlierCodes(current, now, this.policy.maxSendsPerHour - 1, by) : [],
      requestedBy: by,
    };
    // Conditional on the record we read: of two simultaneous resends, one wins, one is told to wait.
    if (!(await this.deps.repo.put(record, current ? current.sentAt : null))) {
      throw new NotAllowedError('enrollment:errors.resendCooldown', {
        count: Math.ceil(this.policy.resendCooldownMs / 1000),
      });
    }
    await this.deps.mail.send({
      to,
      templateKey: VERIFICATION_MAIL_TEMPLATE,
      language,
      values: { ...values, code, minutes: Math.round(this.policy.ttlMs / 60_000) },
    });
    this.log.info({ subjectId, sendsInWindow }, 'verification code sent');
  }
}

/**
 * The codes still worth keeping when `by` asks for a new one: unused, unexpired, asked for by
 * someone else (a person's new code replaces their own old one), newest first.
 */
function earlierCodes(
  current: EmailVerification,
  now: Date,
  keep: number,
  by: string
): EarlierCode[] {
  if (current.usedAt) return [];
  const all: EarlierCode[] = [
    {
      codeHash: current.codeHash,
      salt: current.salt,
      expiresAt: current.expiresAt,
      ...(current.requestedBy ? { requestedBy: current.requestedBy } : {}),
    },
    ...(current.previousCodes ?? []),
  ];
  return all
    .filter((c) => c.expiresAt.getTime() > now.getTime() && c.requestedBy !== by)
    .slice(0, Math.max(0, keep));
}

/** Compares against every live code, always all of them (no early exit to time). */
function matchesAny(codes: readonly EarlierCode[], code: string): boolean {
  let match = false;
  for (const c of codes) {
    const expected = Buffer.from(c.codeHash, 'hex');
    const actual = Buffer.from(hashCode(c.salt, code), 'hex');
    if (expected.length === actual.length && timingSafeEqual(expected, actual)) match = true;
  }
  return match;
}
