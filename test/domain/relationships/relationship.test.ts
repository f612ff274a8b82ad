import { expect } from 'chai';
import {
  actingSide,
  actsNext,
  availableActions,
  awaitsAnswer,
  changeAsks,
  consentRequired,
  decidesNow,
  decidingSide,
  isActive,
  isOpen,
  owedBy,
  RELATIONSHIP_STATES,
  sideOf,
  waitingChange,
  type PendingChange,
  type Relationship,
  type RelationshipEvent,
  type RelationshipState,
  type Side,
} from '../../../domain/relationships/relationship.js';

const at = new Date('2026-12-01T09:00:00Z');
const later = new Date('2026-12-02T09:00:00Z');
const providerPerson = { tenantId: 'provider-tenant', aadObjectId: 'p-admin', name: 'Pia' };
const resellerPerson = { tenantId: 'reseller-tenant', aadObjectId: 'r-admin', name: 'Rolf' };
const opened: RelationshipEvent = {
  at,
  by: resellerPerson,
  from: null,
  to: 'pending',
  roles: ['globalReader'],
};

/** A relationship the reseller asked for, as `over` changes it. */
function relationship(over: Partial<Relationship> = {}): Relationship {
  return {
    id: 'rel-1',
    providerRef: 'provider-1',
    resellerRef: 'reseller-1',
    state: 'pending',
    initiatedBy: 'reseller',
    grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
    requestedAt: at,
    expiresAt: new Date('2027-03-01T09:00:00Z'),
    history: [opened],
    ...over,
  };
}

/** The same relationship after `event`, in the state the event moved it to. */
function after(r: Relationship, event: Partial<RelationshipEvent>): Relationship {
  const last: RelationshipEvent = { ...opened, at: later, from: r.state, to: r.state, ...event };
  return { ...r, state: last.to, history: [...r.history, last] };
}

const change: PendingChange = {
  grant: { roles: ['globalReader', 'userAdministrator'], durationDays: 365, autoExtend: true },
  expiresAt: new Date('2027-09-01T09:00:00Z'),
  fromExpiresAt: new Date('2027-03-01T09:00:00Z'),
  by: providerPerson,
  at: later,
};
const active = (over: Partial<Relationship> = {}) =>
  relationship({ state: 'active', activeSince: at, ...over });
const manager = (side: Side) => ({ side, manages: true });

describe('Relationship rules: who decides and who acts next', () => {
  it('finds the side of a partner of the pair, and none for any other partner', () => {
    const r = relationship();
    expect(sideOf(r, 'provider-1')).to.equal('provider');
    expect(sideOf(r, 'reseller-1')).to.equal('reseller');
    expect(sideOf(r, 'provider-2')).to.equal(undefined);
    expect(sideOf(null, 'provider-1')).to.equal(undefined);
  });

  it('lets the side that did not ask decide, and only while the request is pending', () => {
    for (const initiatedBy of ['reseller', 'provider'] as const) {
      const other: Side = initiatedBy === 'reseller' ? 'provider' : 'reseller';
      expect(decidingSide({ initiatedBy })).to.equal(other);
      for (const state of RELATIONSHIP_STATES) {
        const r = relationship({ state, initiatedBy });
        expect(decidesNow(r, other), `${initiatedBy} asked, ${state}`).to.equal(
          state === 'pending'
        );
        expect(decidesNow(r, initiatedBy)).to.equal(false);
      }
    }
  });

  it('has the decider act next on a request, the reseller on a waiting change, nobody else', () => {
    expect(actsNext(relationship())).to.equal('provider');
    expect(actsNext(relationship({ initiatedBy: 'provider' }))).to.equal('reseller');
    expect(actsNext(active())).to.equal(undefined);
    expect(actsNext(active({ pendingChange: change }))).to.equal('reseller');
    // A change left on a relationship that ended waits for nobody.
    expect(actsNext(relationship({ state: 'ended', pendingChange: change }))).to.equal(undefined);
    expect(waitingChange(relationship({ state: 'ended', pendingChange: change }))).to.equal(
      undefined
    );
    expect(waitingChange(active({ pendingChange: change }))).to.equal(change);
  });

  it('makes only the provider ask for its changes, and asks consent of the reseller alone', () => {
    expect(changeAsks('provider')).to.equal(true);
    expect(changeAsks('reseller')).to.equal(false);
    expect(consentRequired('reseller', 'authorize')).to.equal(true);
    expect(consentRequired('reseller', 'authorizeChange')).to.equal(true);
    expect(consentRequired('provider', 'authorize')).to.equal(false);
    // The reseller's own extension needs consent again only when it adds roles.
    expect(consentRequired('reseller', 'extend', false)).to.equal(false);
    expect(consentRequired('reseller', 'extend', true)).to.equal(true);
    expect(consentRequired('provider', 'extend', true)).to.equal(false);
  });

  it('waits for an answer on a new or resent request, not on one answered or moved', () => {
    const r = relationship();
    expect(awaitsAnswer(r)).to.equal(true);
    expect(awaitsAnswer(after(r, { note: 'resent' }))).to.equal(true);
    expect(awaitsAnswer(after(r, { to: 'declined' }))).to.equal(false);
    expect(awaitsAnswer(after(r, { to: 'active' }))).to.equal(false);
  });

  it('counts a relationship as active (End confirmed, Extend, customers) in the active state alone', () => {
    for (const state of RELATIONSHIP_STATES) {
      expect(isActive(relationship({ state })), state).to.equal(state === 'active');
    }
  });

  it('counts a relationship as open (the pair’s one, with a date ahead) while asked or granted only', () => {
    for (const state of RELATIONSHIP_STATES) {
      expect(isOpen(relationship({ state })), state).to.equal(
        state === 'pending' || state === 'active'
      );
    }
  });
});

describe('Relationship rules: what a viewer may do', () => {
  it('offers nothing to a viewer who may not manage relationships, in any state', () => {
    for (const state of RELATIONSHIP_STATES) {
      for (const side of ['provider', 'reseller'] as const) {
        const r = relationship({ state, pendingChange: change });
        expect(availableActions(r, { side, manages: false }, 365)).to.deep.equal([]);
      }
    }
  });

  it('offers Authorize and Decline to the decider, Withdraw and Resend to the side that asked', () => {
    const r = relationship();
    expect(availableActions(r, manager('provider'), 365)).to.deep.equal(['authorize', 'decline']);
    expect(availableActions(r, manager('reseller'), 365)).to.deep.equal(['withdraw', 'resend']);
    const invited = relationship({ initiatedBy: 'provider' });
    expect(availableActions(invited, manager('reseller'), 0)).to.deep.equal([
      'authorize',
      'decline',
    ]);
  });

  it('offers Extend while there is room, auto-extend unless on or with Global Administrator, and End', () => {
    const r = active();
    expect(availableActions(r, manager('provider'), 365)).to.deep.equal([
      'extend',
      'autoExtendOn',
      'end',
    ]);
    expect(availableActions(r, manager('reseller'), 0)).to.deep.equal(['autoExtendOn', 'end']);
    const on = active({ grant: { ...r.grant, autoExtend: true } });
    expect(availableActions(on, manager('reseller'), 10)).to.deep.equal(['extend', 'end']);
    const risky = active({
      grant: { roles: ['globalAdministrator'], durationDays: 90, autoExtend: false },
    });
    expect(availableActions(risky, manager('provider'), 10)).to.deep.equal(['extend', 'end']);
  });

  it("has the reseller answer the provider's waiting change before extending; the provider waits", () => {
    const r = active({ pendingChange: change });
    expect(availableActions(r, manager('reseller'), 365)).to.deep.equal([
      'authorizeChange',
      'declineChange',
      'end',
    ]);
    expect(availableActions(r, manager('provider'), 365)).to.deep.equal([
      'extend',
      'autoExtendOn',
      'end',
    ]);
  });

  it('offers nothing on a closed relationship', () => {
    const closed: RelationshipState[] = ['declined', 'expired', 'withdrawn', 'ended'];
    for (const state of closed) {
      for (const side of ['provider', 'reseller'] as const) {
        expect(availableActions(relationship({ state }), manager(side), 365)).to.deep.equal([]);
      }
    }
  });
});

describe('Relationship rules: what a change owes', () => {
  it('tells who acted by their tenant; the sweep acts for neither side', () => {
    expect(actingSide(providerPerson, 'provider-tenant')).to.equal('provider');
    expect(actingSide(resellerPerson, 'provider-tenant')).to.equal('reseller');
    expect(actingSide('system', 'provider-tenant')).to.equal(undefined);
  });

  it('asks the deciding side on a new or resent request, and tells nobody', () => {
    const r = relationship();
    expect(owedBy(r, 'provider-tenant')).to.deep.equal({
      ask: { side: 'provider', what: 'request' },
      tell: [],
    });
    const resent = after(relationship({ initiatedBy: 'provider' }), {
      by: providerPerson,
      note: 'resent',
    });
    expect(owedBy(resent, 'provider-tenant')).to.deep.equal({
      ask: { side: 'reseller', what: 'request' },
      tell: [],
    });
  });

  it("asks the reseller to answer the provider's change", () => {
    const r = after(active({ pendingChange: change }), {
      by: providerPerson,
      note: 'changeRequested',
    });
    expect(owedBy(r, 'provider-tenant')).to.deep.equal({
      ask: { side: 'reseller', what: 'changeRequested' },
      tell: [],
    });
  });

  it("tells the side that did not act, and both sides of the sweep's", () => {
    const authorized = after(relationship(), { by: providerPerson, to: 'active' });
    expect(owedBy(authorized, 'provider-tenant')).to.deep.equal({ tell: ['reseller'] });
    const ended = after(active(), { by: resellerPerson, to: 'ended' });
    expect(owedBy(ended, 'provider-tenant')).to.deep.equal({ tell: ['provider'] });
    const expired = after(active(), { by: 'system', to: 'expired' });
    expect(owedBy(expired, 'provider-tenant')).to.deep.equal({ tell: ['provider', 'reseller'] });
  });

  it('owes the most urgent reminder claimed on active access, beside what the change owes', () => {
    const r = { ...after(active(), { by: 'system', note: 'autoExtended' }), remindedDays: [7, 1] };
    expect(owedBy(r, 'provider-tenant')).to.deep.equal({
      tell: ['provider', 'reseller'],
      remindDays: 1,
    });
    const closed = { ...after(active(), { by: 'system', to: 'expired' }), remindedDays: [30] };
    expect(owedBy(closed, 'provider-tenant').remindDays).to.equal(undefined);
  });

  it('owes nothing for a relationship with no history', () => {
    expect(owedBy(relationship({ history: [] }), 'provider-tenant')).to.deep.equal({ tell: [] });
  });
});
