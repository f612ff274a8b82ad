import type { UserRef } from '../../domain/partners/actor.js';
import type {
  EnrollmentDraft,
  EnrollmentDraftRepository,
} from '../../domain/enrollment/enrollment-draft-repository.port.js';
import type {
  Member,
  MembershipRepository,
  Roster,
} from '../../domain/partners/membership-repository.port.js';
import type { NewPartner, Partner, SubmittedStatus } from '../../domain/partners/partner.js';
import {
  type DirectoryQuery,
  DuplicatePartnerError,
  type PartnerChanges,
  type PartnerRepository,
} from '../../domain/partners/partner-repository.port.js';
import type {
  EmailVerification,
  PersonThrottle,
  VerificationRepository,
} from '../../domain/enrollment/verification-repository.port.js';

/**
 * In-memory stores with the same guarantees as the mongoose ones (unique keys, conditional
 * updates), so service tests run without a database; the same suites also run on the embedded DB.
 */
export class MemoryPartnerRepository implements PartnerRepository {
  private readonly rows = new Map<string, Partner>();
  private seq = 0;

  async create(input: NewPartner): Promise<Partner> {
    this.checkUnique(input, undefined);
    const now = new Date();
    const partner: Partner = { ...input, id: `p${++this.seq}`, createdAt: now, updatedAt: now };
    this.rows.set(partner.id, partner);
    return structuredClone(partner);
  }

  async get(id: string) {
    const p = this.rows.get(id);
    return p ? structuredClone(p) : null;
  }

  async getMany(ids: readonly string[]) {
    return [...new Set(ids)].flatMap((id) => {
      const p = this.rows.get(id);
      return p ? [structuredClone(p)] : [];
    });
  }

  async findByTenant(tenantId: string) {
    return this.find((p) => p.tenantId === tenantId);
  }

  async findByPartnerId(partnerId: string) {
    return this.find((p) => p.partnerId === partnerId);
  }

  async findApprovedByVerifiedEmail(email: string, partnerType: 'reseller' | 'provider') {
    return this.find(
      (p) =>
        p.verifiedEmail?.toLowerCase() === email.toLowerCase() &&
        p.partnerType === partnerType &&
        p.status === 'approved'
    );
  }

  async transition(id: string, from: SubmittedStatus, changes: PartnerChanges) {
    const p = this.rows.get(id);
    if (!p || p.status !== from) return null;
    const next: Record<string, unknown> = { ...p, ...changes.set, updatedAt: new Date() };
    for (const f of changes.unset ?? []) delete next[f];
    this.checkUnique(next as unknown as Partner, id);
    this.rows.set(id, next as unknown as Partner);
    return structuredClone(next as unknown as Partner);
  }

  async listByStatus(status: SubmittedStatus) {
    return [...this.rows.values()]
      .filter((p) => p.status === status)
      .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime())
      .map((p) => structuredClone(p));
  }

  async searchDirectory(q: DirectoryQuery) {
    const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
    const prefix = fold(q.namePrefix?.trim() ?? '');
    const rows = [...this.rows.values()]
      .filter(
        (p) =>
          p.status === 'approved' &&
          p.partnerType === q.partnerType &&
          (!q.country || p.tenantCountry === q.country) &&
          fold(p.legalName).startsWith(prefix)
      )
      .sort((a, b) => a.legalName.localeCompare(b.legalName, 'en', { sensitivity: 'base' }));
    return {
      items: rows.slice(q.skip, q.skip + q.limit).map((p) => structuredClone(p)),
      total: Math.min(rows.length, q.countUpTo),
      more: rows.length >= q.countUpTo,
    };
  }

  async listNoticesOwed(before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((p) => p.noticeOwedAt && p.noticeOwedAt < before)
      .sort((a, b) => a.noticeOwedAt!.getTime() - b.noticeOwedAt!.getTime())
      .slice(0, limit)
      .map((p) => structuredClone(p));
  }

  async clearNoticeOwed(id: string, since: Date) {
    const p = this.rows.get(id);
    if (p?.noticeOwedAt?.getTime() !== since.getTime()) return;
    const next: Record<string, unknown> = { ...p };
    delete next.noticeOwedAt;
    this.rows.set(id, next as unknown as Partner);
  }

  async listFoundersOwed(before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((p) => p.owedFounder && p.owedFounder.since < before)
      .sort((a, b) => a.owedFounder!.since.getTime() - b.owedFounder!.since.getTime())
      .slice(0, limit)
      .map((p) => structuredClone(p));
  }

  async clearOwedFounder(id: string, since: Date) {
    const p = this.rows.get(id);
    if (p?.owedFounder?.since.getTime() !== since.getTime()) return;
    const next: Record<string, unknown> = { ...p };
    delete next.owedFounder;
    this.rows.set(id, next as unknown as Partner);
  }

  private find(pred: (p: Partner) => boolean) {
    const p = [...this.rows.values()].find(pred);
    return p ? structuredClone(p) : null;
  }

  private checkUnique(p: Pick<Partner, 'tenantId' | 'partnerId'>, self: string | undefined) {
    for (const other of this.rows.values()) {
      if (other.id === self) continue;
      if (other.tenantId === p.tenantId) throw new DuplicatePartnerError('tenantId');
      if (other.partnerId === p.partnerId) throw new DuplicatePartnerError('partnerId');
    }
  }
}

const userKey = (u: UserRef) => `${u.tenantId}/${u.aadObjectId}`;

export class MemoryDraftRepository implements EnrollmentDraftRepository {
  private readonly rows = new Map<string, EnrollmentDraft>();
  async get(user: UserRef) {
    const d = this.rows.get(userKey(user));
    return d ? structuredClone(d) : null;
  }
  async save(draft: EnrollmentDraft) {
    this.rows.set(userKey(draft), structuredClone(draft));
  }
  async delete(user: UserRef) {
    this.rows.delete(userKey(user));
  }
}

export class MemoryVerificationRepository implements VerificationRepository {
  private readonly rows = new Map<string, EmailVerification>();
  private readonly people = new Map<string, PersonThrottle>();
  async personThrottle(subjectId: string, personKey: string) {
    const p = this.people.get(`${subjectId}/${personKey}`);
    return p ? structuredClone(p) : null;
  }
  async recordSend(
    subjectId: string,
    personKey: string,
    send: { sentAt: Date; sendsInWindow: number; windowStartedAt: Date },
    expectedSentAt: Date | null
  ) {
    const key = `${subjectId}/${personKey}`;
    const cur = this.people.get(key);
    if ((cur?.sentAt?.getTime() ?? null) !== (expectedSentAt?.getTime() ?? null)) return false;
    this.people.set(key, { subjectId, personKey, ...send, attempts: 0 });
    return true;
  }
  async countPersonAttempt(subjectId: string, personKey: string, maxAttempts: number) {
    const key = `${subjectId}/${personKey}`;
    const cur = this.people.get(key) ?? { subjectId, personKey, attempts: 0, sendsInWindow: 0 };
    if (cur.attempts >= maxAttempts) return null;
    this.people.set(key, { ...cur, attempts: cur.attempts + 1 });
    return cur.attempts + 1;
  }
  async get(subjectId: string) {
    const v = this.rows.get(subjectId);
    return v ? structuredClone(v) : null;
  }
  async put(record: EmailVerification, expectedSentAt: Date | null) {
    const cur = this.rows.get(record.subjectId);
    if (expectedSentAt === null ? cur : cur?.sentAt.getTime() !== expectedSentAt.getTime())
      return false;
    this.rows.set(record.subjectId, structuredClone(record));
    return true;
  }
  async countAttempt(subjectId: string, codeHash: string, maxAttempts: number) {
    const cur = this.rows.get(subjectId);
    if (!cur || cur.codeHash !== codeHash || cur.usedAt || cur.attempts >= maxAttempts) return null;
    const next = { ...cur, attempts: cur.attempts + 1 };
    this.rows.set(subjectId, next);
    return structuredClone(next);
  }
  async markUsed(subjectId: string, codeHash: string, at: Date) {
    const cur = this.rows.get(subjectId);
    if (!cur || cur.codeHash !== codeHash || cur.usedAt) return false;
    this.rows.set(subjectId, { ...cur, usedAt: at });
    return true;
  }
}

export class MemoryMembershipRepository implements MembershipRepository {
  private readonly rows = new Map<string, Roster>();
  async get(partnerRef: string) {
    const r = this.rows.get(partnerRef);
    return r ? structuredClone(r) : null;
  }
  async create(roster: Omit<Roster, 'version'>) {
    if (
      this.rows.has(roster.partnerRef) ||
      [...this.rows.values()].some((r) => r.tenantId === roster.tenantId)
    ) {
      return false;
    }
    this.rows.set(roster.partnerRef, structuredClone({ ...roster, version: 1 }));
    return true;
  }
  async replaceMembers(partnerRef: string, expectedVersion: number, members: readonly Member[]) {
    const cur = this.rows.get(partnerRef);
    if (!cur || cur.version !== expectedVersion) return false;
    this.rows.set(partnerRef, structuredClone({ ...cur, members, version: cur.version + 1 }));
    return true;
  }
}
