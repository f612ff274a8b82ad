import { expect } from 'chai';
import {
  DISPLAY_NAME_MAX,
  ENTRA_ROLE_TEMPLATE_IDS,
  autoExtendToPush,
  earlyEndReminder,
  gdapAutoExtend,
  gdapDisplayName,
  gdapDuration,
  gdapView,
  shownGdap,
  wantedFor,
  type GdapLink,
} from '../../../domain/gdap/gdap.js';
import { ADMIN_ROLES, RELATIONSHIP_STATES } from '../../../domain/relationships/relationship.js';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('GDAP rules (domain/gdap/gdap.ts)', () => {
  it('maps every role the product grants to one distinct Entra role template id', () => {
    const ids = ADMIN_ROLES.map((r) => ENTRA_ROLE_TEMPLATE_IDS[r]);
    expect(ids.every((id) => guid.test(id))).to.equal(true);
    expect(new Set(ids).size).to.equal(ADMIN_ROLES.length);
    expect(ENTRA_ROLE_TEMPLATE_IDS.globalAdministrator).to.equal(
      '62e90394-69f5-4237-9190-012177145e10'
    );
  });

  it('names a relationship deterministically, within Graph’s 50 characters', () => {
    const id = '6751f0c2a9b8c7d6e5f40312';
    expect(gdapDisplayName(id)).to.equal(gdapDisplayName(id));
    expect(gdapDisplayName(id)).not.to.equal(gdapDisplayName('6751f0c2a9b8c7d6e5f40313'));
    expect(gdapDisplayName(id).length).to.be.at.most(DISPLAY_NAME_MAX);
    expect(() => gdapDisplayName('x'.repeat(40))).to.throw(/50 characters/);
  });

  it('asks Graph for the days granted, and auto-extend only without Global Administrator', () => {
    expect(gdapDuration({ durationDays: 730 })).to.equal('P730D');
    expect(gdapAutoExtend({ roles: ['globalReader'], autoExtend: true })).to.equal('P180D');
    expect(gdapAutoExtend({ roles: ['globalReader'], autoExtend: false })).to.equal('PT0S');
    expect(
      gdapAutoExtend({ roles: ['globalReader', 'globalAdministrator'], autoExtend: true })
    ).to.equal('PT0S');
  });

  it('wants GDAP for active access with roles, its termination once access ended or expired', () => {
    const grant = { roles: ['globalReader' as const], durationDays: 30, autoExtend: false };
    const wanted = Object.fromEntries(
      RELATIONSHIP_STATES.map((state) => [state, wantedFor({ state, grant })])
    );
    expect(wanted).to.deep.equal({
      pending: undefined,
      active: 'active',
      declined: undefined,
      expired: 'terminated',
      withdrawn: undefined,
      ended: 'terminated',
    });
    expect(wantedFor({ state: 'active', grant: { ...grant, roles: [] } })).to.equal(undefined);
  });

  it('shows a refusal before Graph’s status, and Graph’s statuses as the card’s few lines', () => {
    const link = { status: 'active' } as GdapLink;
    expect(gdapView({ ...link, refusal: 'consentMissing' })).to.equal('consentMissing');
    const seen = (status?: GdapLink['status']) => gdapView({ ...link, status } as GdapLink);
    expect(seen(undefined)).to.equal('creating');
    expect(seen('created')).to.equal('creating');
    expect(seen('approvalPending')).to.equal('approvalPending');
    expect(seen('activating')).to.equal('active');
    expect(seen('expiring')).to.equal('expiring');
    expect(seen('expired')).to.equal('expired');
    expect(seen('terminationRequested')).to.equal('terminated');
  });

  it('reads "recorded here only" while a partner not connected has no answer from Graph yet', () => {
    const fresh = { wanted: 'active' } as GdapLink;
    const view = (...a: Parameters<typeof shownGdap>) => {
      const shown = shownGdap(...a);
      return shown && gdapView(shown);
    };
    // No link yet (the change's own cards are drawn before its want is recorded).
    expect(view(null, 'active', false)).to.equal('notConnected');
    expect(view(null, 'active', true)).to.equal(undefined);
    expect(view(null, 'terminated', false)).to.equal(undefined);
    expect(view(fresh, 'active', false)).to.equal('notConnected');
    expect(view(fresh, 'active', true)).to.equal('creating');
    // What Graph said stands, connected or not.
    expect(view({ ...fresh, graphId: 'g', status: 'active' }, 'active', false)).to.equal('active');
    expect(view({ ...fresh, refusal: 'invalid' }, 'active', false)).to.equal('invalid');
  });

  it('pushes auto-extend only where Graph’s differs and its state allows an update', () => {
    const on = { roles: ['globalReader' as const], autoExtend: true };
    expect(autoExtendToPush(on, { status: 'active', autoExtendDuration: 'PT0S' })).to.equal(
      'P180D'
    );
    expect(autoExtendToPush(on, { status: 'created', autoExtendDuration: 'P0D' })).to.equal(
      'P180D'
    );
    expect(autoExtendToPush(on, { status: 'active', autoExtendDuration: 'P180D' })).to.equal(
      undefined
    );
    const off = { ...on, autoExtend: false };
    expect(autoExtendToPush(off, { status: 'active', autoExtendDuration: 'P180D' })).to.equal(
      'PT0S'
    );
    expect(autoExtendToPush(off, { status: 'active', autoExtendDuration: 'P0D' })).to.equal(
      undefined
    );
    // Never P180D with Global Administrator, whatever the product says.
    const withGa = { roles: ['globalAdministrator' as const], autoExtend: true };
    expect(autoExtendToPush(withGa, { status: 'active', autoExtendDuration: 'PT0S' })).to.equal(
      undefined
    );
    for (const status of ['approvalPending', 'expiring', 'terminated'] as const) {
      expect(autoExtendToPush(on, { status, autoExtendDuration: 'PT0S' })).to.equal(undefined);
    }
  });

  it('reminds of Graph’s end only when it comes before the product’s, at the most urgent threshold', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);
    const productEnds = inDays(300);
    const due = (d: number, more: Partial<Parameters<typeof earlyEndReminder>[0]> = {}) =>
      earlyEndReminder(
        { status: 'active', endDateTime: inDays(d), autoExtendDuration: 'PT0S', ...more },
        productEnds,
        now
      );
    expect(due(45)).to.equal(undefined);
    expect(due(30)).to.equal(30);
    expect(due(20)).to.equal(30);
    expect(due(5)).to.equal(7);
    expect(due(0.5)).to.equal(1);
    expect(due(-1)).to.equal(undefined);
    // Graph ends after the product's end, or extends itself, or is not active: nothing.
    expect(
      earlyEndReminder({ status: 'active', endDateTime: inDays(20) }, inDays(10), now)
    ).to.equal(undefined);
    expect(due(5, { autoExtendDuration: 'P180D' })).to.equal(undefined);
    expect(due(5, { status: 'approvalPending' })).to.equal(undefined);
    expect(due(5, { status: 'expiring' })).to.equal(7);
  });
});
