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
import type { EmailVerification, VerificationRepository } from './verification.repository.js';

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

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

/**
 * Email verification by a 6-digit code: stored only as a salted hash, valid 30 minutes,
 * 5 attempts, single use, resent no sooner than a cooldown. Codes are never logged.
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
    values: Record<string, unknown> = {}
  ): Promise<void> {
    await this.issue(subjectId, to, language, values, false);
  }

  /** Sends a new code on request, no sooner than the cooldown after the last one. */
  async resend(
    subjectId: string,
    to: string,
    language: Language,
    values: Record<string, unknown> = {}
  ): Promise<void> {
    await this.issue(subjectId, to, language, values, true);
  }

  /** Seconds until a resend is allowed (0 when it is). */
  async resendWaitSeconds(subjectId: string): Promise<number> {
    const current = await this.deps.repo.get(subjectId);
    if (!current) return 0;
    const wait =
      current.sentAt.getTime() + this.policy.resendCooldownMs - this.deps.now().getTime();
    return Math.max(0, Math.ceil(wait / 1000));
  }

  /** Checks a typed code; throws a specific domain error unless it is the current, valid one. */
  async check(subjectId: string, input: string): Promise<void> {
    const code = input.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) throw new InvalidError('enrollment:errors.codeFormat');
    const current = await this.deps.repo.get(subjectId);
    if (!current) throw new NotFoundError('enrollment:errors.codeNotSent');
    if (current.usedAt) throw new ConflictError('enrollment:errors.codeUsed');
    if (current.expiresAt.getTime() <= this.deps.now().getTime())
      throw new ExpiredError('enrollment:errors.codeExpired');
    if (current.attempts >= this.policy.maxAttempts)
      throw new ExpiredError('enrollment:errors.codeAttemptsExhausted');
    // The attempt is counted before comparing, so parallel guesses cannot exceed the limit.
    const counted = await this.deps.repo.countAttempt(
      subjectId,
      current.codeHash,
      this.policy.maxAttempts
    );
    if (!counted) return this.check(subjectId, input);
    const expected = Buffer.from(current.codeHash, 'hex');
    const actual = Buffer.from(hashCode(current.salt, code), 'hex');
    if (!timingSafeEqual(expected, actual)) {
      const remaining = this.policy.maxAttempts - counted.attempts;
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
    cooldown: boolean
  ): Promise<void> {
    const now = this.deps.now();
    const current = await this.deps.repo.get(subjectId);
    if (current && cooldown) {
      const wait = current.sentAt.getTime() + this.policy.resendCooldownMs - now.getTime();
      if (wait > 0)
        throw new NotAllowedError('enrollment:errors.resendCooldown', {
          count: Math.ceil(wait / 1000),
        });
    }
    const windowOpen = current && now.getTime() - current.windowStartedAt.getTime() < HOUR;
    const sendsInWindow = windowOpen ? current.sendsInWindow + 1 : 1;
    if (sendsInWindow > this.policy.maxSendsPerHour)
      throw new NotAllowedError('enrollment:errors.tooManyCodes');
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
