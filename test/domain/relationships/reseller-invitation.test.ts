import { expect } from 'chai';
import {
  acceptance,
  isWaiting,
  RESELLER_INVITATION_STATES,
  unusableBecause,
  WAITING_STATES,
  wasSentTo,
  type ResellerInvitation,
} from '../../../domain/relationships/reseller-invitation.js';

const now = new Date('2026-12-01T09:00:00Z');
const reseller = { id: 'reseller-1', partnerId: '1000001', tenantId: 'reseller-tenant' };
const other = { id: 'reseller-2', partnerId: '1000002', tenantId: 'other-tenant' };
const person = { tenantId: 'reseller-tenant', aadObjectId: 'r-admin' };

/** A provider's pending invitation, as `over` changes it. */
function invitation(over: Partial<ResellerInvitation> = {}): ResellerInvitation {
  return {
    id: 'inv-1',
    providerRef: 'provider-1',
    email: 'admin@contoso.example',
    grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
    createdBy: { tenantId: 'provider-tenant', aadObjectId: 'p-admin' },
    createdAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    state: 'pending',
    ...over,
  };
}
const acceptedBy = (r: { id: string }, over: Partial<ResellerInvitation> = {}) =>
  invitation({
    state: 'accepted',
    acceptedBy: { resellerRef: r.id, person },
    acceptedAt: now,
    ...over,
  });

describe('Reseller invitation rules', () => {
  it('says why an invitation no longer opens anything: accepted, revoked, or expired', () => {
    expect(unusableBecause(invitation(), now)).to.equal(undefined);
    expect(unusableBecause(invitation({ state: 'accepted' }), now)).to.equal('accepted');
    expect(unusableBecause(invitation({ state: 'revoked' }), now)).to.equal('revoked');
    expect(unusableBecause(invitation({ expiresAt: now }), now)).to.equal('expired');
  });

  it('lets the provider revoke or resend only an invitation still waiting', () => {
    expect(isWaiting(invitation())).to.equal(true);
    expect(isWaiting(invitation({ state: 'accepted' }))).to.equal(false);
    expect(isWaiting(invitation({ state: 'revoked' }))).to.equal(false);
  });

  it('waits in the waiting states alone, the ones the repository lists, revokes and resends', () => {
    expect(WAITING_STATES).to.deep.equal(['pending']);
    for (const state of RESELLER_INVITATION_STATES) {
      expect(isWaiting({ state }), state).to.equal(WAITING_STATES.includes(state));
    }
  });

  it('lets only the reseller its card was sent to accept on that card', () => {
    expect(wasSentTo(invitation({ resellerRef: 'reseller-1' }), 'reseller-1')).to.equal(true);
    expect(wasSentTo(invitation({ resellerRef: 'reseller-1' }), 'reseller-2')).to.equal(false);
    expect(wasSentTo(invitation(), 'reseller-1')).to.equal(false);
  });

  it('accepts a pending invitation, claiming it for the reseller', () => {
    expect(acceptance(invitation(), reseller, 'provider-tenant', now)).to.deep.equal({
      kind: 'accept',
      claimed: false,
    });
  });

  it('opens the relationship again for the reseller that accepted it; refuses it to others', () => {
    const done = acceptedBy(reseller, { relationshipRef: 'rel-1' });
    expect(acceptance(done, reseller, 'provider-tenant', now)).to.deep.equal({
      kind: 'reopen',
      relationshipRef: 'rel-1',
    });
    expect(acceptance(done, other, 'provider-tenant', now)).to.deep.equal({
      kind: 'refused',
      reason: 'accepted',
    });
  });

  it('goes on without a second claim when its reseller accepted it but no relationship was opened', () => {
    // A crash between the claim and the relationship: a retry, even after it expired, finishes.
    const claimed = acceptedBy(reseller, { expiresAt: now });
    expect(acceptance(claimed, reseller, 'provider-tenant', now)).to.deep.equal({
      kind: 'accept',
      claimed: true,
    });
  });

  it('refuses a revoked or expired invitation, one naming another PartnerID, and the own tenant', () => {
    const refused = (inv: ResellerInvitation, providerTenant = 'provider-tenant') =>
      acceptance(inv, reseller, providerTenant, now);
    expect(refused(invitation({ state: 'revoked' }))).to.deep.equal({
      kind: 'refused',
      reason: 'revoked',
    });
    expect(refused(invitation({ expiresAt: now }))).to.deep.equal({
      kind: 'refused',
      reason: 'expired',
    });
    expect(refused(invitation({ partnerId: '1000002' }))).to.deep.equal({
      kind: 'refused',
      reason: 'otherReseller',
    });
    expect(refused(invitation({ partnerId: '1000001' }))).to.deep.equal({
      kind: 'accept',
      claimed: false,
    });
    expect(refused(invitation(), 'reseller-tenant')).to.deep.equal({
      kind: 'refused',
      reason: 'ownTenant',
    });
  });
});
