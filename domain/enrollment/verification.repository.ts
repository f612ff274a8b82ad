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
}
