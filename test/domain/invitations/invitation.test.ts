import { expect } from 'chai';
import {
  answerRefusal,
  changeOwes,
  customerInviteRefusal,
  invitationActions,
  INVITATION_STATES,
  isPartyOf,
  shownInFull,
  stateAt,
  whoActsNext,
  type Invitation,
  type InvitationState,
} from '../../../domain/invitations/invitation.js';
import { isCustomerAdmin } from '../../../domain/customers/customer.js';

const now = new Date('2026-12-07T12:00:00Z');
const customer = { tenantId: 't-customer', aadObjectId: 'carla', name: 'Carla' };
const stranger = { tenantId: 't-other', aadObjectId: 'sam' };

function invitation(over: Partial<Invitation> = {}): Invitation {
  return {
    id: 'inv-1',
    kind: 'customer',
    state: 'pending',
    partnerRef: 'reseller-1',
    customer: {
      resellerRef: 'reseller-1',
      relationshipRef: 'rel-1',
      providerRef: 'provider-1',
      companyName: 'Northwind',
    },
    tokenHash: 'h1',
    codeHash: 'h2',
    invitedBy: { tenantId: 't-reseller', aadObjectId: 'rita' },
    createdAt: new Date('2026-12-01T00:00:00Z'),
    expiresAt: new Date('2026-12-31T00:00:00Z'),
    openedBy: ['t-customer/carla'],
    history: [],
    ...over,
  };
}

describe('invitation rules', () => {
  it('reads a pending invitation past its date as expired, and nothing else differently', () => {
    const past = { expiresAt: new Date(now.getTime() - 1) };
    expect(stateAt(invitation(past), now)).to.equal('expired');
    expect(stateAt(invitation({ expiresAt: now }), now)).to.equal('expired');
    expect(stateAt(invitation(), now)).to.equal('pending');
    expect(stateAt(invitation({ ...past, state: 'accepted' }), now)).to.equal('accepted');
  });

  it('lets the customer answer a pending invitation only', () => {
    const table: [InvitationState, string[]][] = [
      ['pending', ['accept', 'decline']],
      ['accepted', []],
      ['declined', []],
      ['expired', []],
      ['revoked', []],
    ];
    for (const [state, actions] of table) {
      expect(invitationActions(state, { side: 'customer' }), state).to.deep.equal(actions);
      // A customer is never offered the partners' buttons, whatever it is told about roles.
      expect(invitationActions(state, { side: 'customer', mayManage: true }), state).to.deep.equal(
        actions
      );
    }
  });

  it('lets managing partners resend a pending or expired invitation and revoke a pending one', () => {
    const table: [InvitationState, string[]][] = [
      ['pending', ['resend', 'revoke']],
      ['expired', ['resend']],
      ['accepted', []],
      ['declined', []],
      ['revoked', []],
    ];
    for (const [state, actions] of table) {
      expect(invitationActions(state, { side: 'partner', mayManage: true }), state).to.deep.equal(
        actions
      );
    }
  });

  it('offers partners without invitations.manage nothing to click', () => {
    for (const state of INVITATION_STATES) {
      expect(invitationActions(state, { side: 'partner', mayManage: false })).to.deep.equal([]);
      expect(invitationActions(state, { side: 'partner' })).to.deep.equal([]);
    }
  });

  it('waits on the customer while pending, and on nobody after', () => {
    expect(whoActsNext('pending')).to.equal('customer');
    for (const state of INVITATION_STATES.filter((s) => s !== 'pending')) {
      expect(whoActsNext(state), state).to.equal(undefined);
    }
  });

  it('counts the inviting reseller and the named provider as its partners, no one else', () => {
    expect(isPartyOf(invitation(), 'reseller-1')).to.equal(true);
    expect(isPartyOf(invitation(), 'provider-1')).to.equal(true);
    expect(isPartyOf(invitation(), 'reseller-2')).to.equal(false);
    expect(isPartyOf(invitation(), undefined)).to.equal(false);
    const alone = invitation({ customer: { resellerRef: 'reseller-1', companyName: 'N' } });
    expect(isPartyOf(alone, 'provider-1')).to.equal(false);
  });

  describe('who may answer', () => {
    const partners = ['t-reseller', 't-provider'];

    it('lets the person who opened a pending invitation answer it', () => {
      expect(answerRefusal(invitation(), 'pending', customer, partners)).to.equal(undefined);
    });

    it('refuses someone who never opened it, even of the same tenant', () => {
      const colleague = { tenantId: 't-customer', aadObjectId: 'chris' };
      expect(answerRefusal(invitation(), 'pending', colleague, partners)).to.equal('notOpened');
      expect(answerRefusal(invitation(), 'pending', stranger, partners)).to.equal('notOpened');
    });

    it("refuses the partners' own people even when they opened it", () => {
      const rita = { tenantId: 't-provider', aadObjectId: 'paul' };
      const opened = invitation({ openedBy: ['t-provider/paul'] });
      expect(answerRefusal(opened, 'pending', rita, partners)).to.equal('ownTenant');
    });

    it('refuses an answered, revoked or expired one, but not its own answerer again', () => {
      const decided = invitation({ state: 'accepted', decidedBy: customer });
      expect(answerRefusal(decided, 'accepted', customer, partners)).to.equal(undefined);
      const other = { tenantId: 't-customer', aadObjectId: 'chris' };
      const byOther = invitation({
        state: 'declined',
        decidedBy: other,
        openedBy: ['t-customer/carla', 't-customer/chris'],
      });
      expect(answerRefusal(byOther, 'declined', customer, partners)).to.equal('notPending');
      expect(answerRefusal(invitation(), 'expired', customer, partners)).to.equal('notPending');
      const revoked = invitation({ state: 'revoked', decidedBy: customer });
      expect(answerRefusal(revoked, 'revoked', customer, partners)).to.equal('notPending');
    });
  });

  it('shows a live invitation to anyone, a dead one to its parties only', () => {
    expect(shownInFull(invitation(), 'pending', stranger, false)).to.equal(true);
    expect(shownInFull(invitation(), 'expired', stranger, false)).to.equal(false);
    expect(shownInFull(invitation(), 'expired', stranger, true)).to.equal(true);
    expect(shownInFull(invitation(), 'expired', customer, false)).to.equal(true);
  });

  describe('what a change owes', () => {
    it('re-renders both copies on every change, and tells partners of answers only', () => {
      for (const state of INVITATION_STATES) {
        const owes = changeOwes(invitation({ state }), state);
        expect(owes.copies, state).to.deep.equal(['customer', 'partner']);
        const answered = state === 'accepted' || state === 'declined';
        expect(owes.told, state).to.deep.equal(answered ? ['reseller', 'provider'] : []);
      }
    });

    it('re-renders no copy for the creation (the inviter has its card already)', () => {
      const by = { tenantId: 't-reseller', aadObjectId: 'rita' };
      const at = new Date('2026-12-01T00:00:00Z');
      const created = invitation({ history: [{ at, by, from: null, to: 'pending' }] });
      expect(changeOwes(created, 'pending')).to.deep.include({ copies: [], customerLink: false });
      const resent = invitation({
        history: [
          { at, by, from: null, to: 'pending' },
          { at, by, from: 'pending', to: 'pending', note: 'resent' },
        ],
      });
      expect(changeOwes(resent, 'pending').copies).to.deep.equal(['customer', 'partner']);
    });

    it('tells no provider when the invitation names none', () => {
      const alone = invitation({
        state: 'declined',
        customer: { resellerRef: 'reseller-1', companyName: 'Northwind' },
      });
      expect(changeOwes(alone, 'declined').told).to.deep.equal(['reseller']);
    });

    it('owes the customer link for a recorded acceptance only', () => {
      const accepted = invitation({ state: 'accepted', decidedBy: customer });
      expect(changeOwes(accepted, 'accepted').customerLink).to.equal(true);
      expect(changeOwes(invitation({ state: 'accepted' }), 'accepted').customerLink).to.equal(
        false
      );
      const declined = invitation({ state: 'declined', decidedBy: customer });
      expect(changeOwes(declined, 'declined').customerLink).to.equal(false);
    });
  });

  it("counts as a customer's admin only a person on its admins, by tenant and id", () => {
    const c = { admins: [customer] };
    expect(isCustomerAdmin(c, { tenantId: 't-customer', aadObjectId: 'carla' })).to.equal(true);
    expect(isCustomerAdmin(c, { tenantId: 't-customer', aadObjectId: 'chris' })).to.equal(false);
    expect(isCustomerAdmin(c, { tenantId: 't-other', aadObjectId: 'carla' })).to.equal(false);
  });
});

describe('who may invite customers', () => {
  it('is an approved reseller only', () => {
    expect(customerInviteRefusal({ status: 'approved', partnerType: 'reseller' })).to.equal(
      undefined
    );
    expect(customerInviteRefusal({ status: 'approved', partnerType: 'provider' })).to.equal(
      'onlyReseller'
    );
    for (const status of ['emailVerificationPending', 'underReview', 'rejected'] as const) {
      expect(customerInviteRefusal({ status, partnerType: 'reseller' }), status).to.equal(
        'notApproved'
      );
    }
  });
});
