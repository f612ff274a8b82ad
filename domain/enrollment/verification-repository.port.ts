/** The current email verification code of one application (its hash, never the code). */
export interface EmailVerification {
  /** The partner record the code verifies. */
  readonly subjectId: string;
  readonly codeHash: string;
  readonly salt: string;
  readonly expiresAt: Date;
  readonly attempts: number;
  readonly sentAt: Date;
  /** Codes sent since `windowStartedAt`, to cap resends per hour. */
  readonly sendsInWindow: number;
  readonly windowStartedAt: Date;
  readonly usedAt?: Date;
  /**
   * Earlier codes of this subject still valid until their own expiry: a resend by someone else
   * in the tenant must not invalidate the code the applicant is about to type.
   */
  readonly previousCodes?: readonly EarlierCode[];
  /** Whose request sent the current code: a person's new code replaces only their own. */
  readonly requestedBy?: string;
}

/** A code sent before the current one (its hash, never the code). */
export interface EarlierCode {
  readonly codeHash: string;
  readonly salt: string;
  readonly expiresAt: Date;
  readonly requestedBy?: string;
}

/**
 * What one person (tenant + object id) did with one subject's codes: wrong guesses since the
 * last code they asked for, and their sends this hour. Throttles are per person, so a colleague
 * who guesses or resends cannot lock the applicant out.
 */
export interface PersonThrottle {
  readonly subjectId: string;
  readonly personKey: string;
  readonly attempts: number;
  readonly sentAt?: Date;
  readonly sendsInWindow: number;
  readonly windowStartedAt?: Date;
}

/** Verification codes, one current record per subject. Every write is conditional. */
export interface VerificationRepository {
  get(subjectId: string): Promise<EmailVerification | null>;
  /**
   * Stores a new code. With `expectedSentAt` null it only inserts (false if a record exists);
   * otherwise it only replaces a record whose `sentAt` is still that value (false if not).
   */
  put(record: EmailVerification, expectedSentAt: Date | null): Promise<boolean>;
  /**
   * Counts one attempt against that code, unless it was replaced, used or has `maxAttempts`
   * already. Returns the record after counting, or null when nothing was counted.
   */
  countAttempt(
    subjectId: string,
    codeHash: string,
    maxAttempts: number
  ): Promise<EmailVerification | null>;
  /** Marks that code used, once; false when it was already used or replaced. */
  markUsed(subjectId: string, codeHash: string, at: Date): Promise<boolean>;
  /** One person's throttle state for a subject, or null before they did anything. */
  personThrottle(subjectId: string, personKey: string): Promise<PersonThrottle | null>;
  /**
   * Records a code sent at this person's request and clears their wrong guesses, only if
   * their `sentAt` is still `expectedSentAt` (null: no send recorded yet); false if not.
   */
  recordSend(
    subjectId: string,
    personKey: string,
    send: { sentAt: Date; sendsInWindow: number; windowStartedAt: Date },
    expectedSentAt: Date | null
  ): Promise<boolean>;
  /** Counts one guess of this person unless they have `maxAttempts`; their count, or null. */
  countPersonAttempt(
    subjectId: string,
    personKey: string,
    maxAttempts: number
  ): Promise<number | null>;
}
