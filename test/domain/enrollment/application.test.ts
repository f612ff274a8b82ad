import { expect } from 'chai';
import {
  applicationActions,
  applicationOwes,
  isStaleDecision,
  standsAsPartner,
} from '../../../domain/enrollment/application.js';
import { ROLES } from '../../../domain/partners/roles.js';
import type { SubmittedStatus } from '../../../domain/partners/partner.js';

const STATUSES: readonly SubmittedStatus[] = [
  'emailVerificationPending',
  'underReview',
  'approved',
  'rejected',
];

describe('application rules', () => {
  it('lets operators approve or reject an application under review only', () => {
    for (const status of STATUSES) {
      const expected = status === 'underReview' ? ['approve', 'reject'] : [];
      expect(applicationActions({ status }, { isOperator: true }), status).to.deep.equal(expected);
    }
  });

  it('never lets a partner user decide, whatever their roles', () => {
    expect(
      applicationActions({ status: 'underReview' }, { isOperator: false, roles: [...ROLES] })
    ).to.deep.equal([]);
  });

  it("lets a rejected application's Global admin, and no other role, resubmit it", () => {
    expect(
      applicationActions({ status: 'rejected' }, { isOperator: false, roles: ['globalAdmin'] })
    ).to.deep.equal(['resubmit']);
    for (const role of ROLES.filter((r) => r !== 'globalAdmin')) {
      expect(
        applicationActions({ status: 'rejected' }, { isOperator: false, roles: [role] }),
        role
      ).to.deep.equal([]);
    }
    for (const status of STATUSES.filter((s) => s !== 'rejected')) {
      expect(
        applicationActions({ status }, { isOperator: false, roles: ['globalAdmin'] }),
        status
      ).to.deep.equal([]);
    }
  });

  it('owes review cards under review and the outcome once decided, nothing before', () => {
    expect(applicationOwes({ status: 'emailVerificationPending' })).to.equal(undefined);
    expect(applicationOwes({ status: 'underReview' })).to.equal('review');
    expect(applicationOwes({ status: 'approved' })).to.equal('outcome');
    expect(applicationOwes({ status: 'rejected' })).to.equal('outcome');
  });

  it('calls a decision stale only for an earlier submission of an application under review', () => {
    const submittedAt = new Date('2026-12-01T10:00:00Z');
    const earlier = new Date('2026-11-20T10:00:00Z');
    expect(isStaleDecision({ status: 'underReview', submittedAt }, earlier)).to.equal(true);
    expect(isStaleDecision({ status: 'underReview', submittedAt }, submittedAt)).to.equal(false);
    expect(isStaleDecision({ status: 'underReview', submittedAt }, undefined)).to.equal(false);
    expect(isStaleDecision({ status: 'approved', submittedAt }, earlier)).to.equal(false);
  });

  it('counts a tenant as a partner unless its application was rejected', () => {
    expect(standsAsPartner(null)).to.equal(false);
    expect(standsAsPartner({ status: 'rejected' })).to.equal(false);
    for (const status of STATUSES.filter((s) => s !== 'rejected')) {
      expect(standsAsPartner({ status }), status).to.equal(true);
    }
  });
});
