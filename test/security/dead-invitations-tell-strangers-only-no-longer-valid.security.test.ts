import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import { personas, withLocale, type Persona } from '../helpers/personas.js';
import {
  cast,
  colleague,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * A used, revoked or expired invitation's code or link, typed (`accept`) or pasted into a chat
 * (unfurled) by someone outside its parties, answers "no longer valid" and nothing else: not who
 * accepted it, not the company, not the partners, and no opener is recorded to see it later.
 * Its parties (the organization that accepted it, the inviting reseller) still see who did.
 */

const GONE_EN = 'This invitation is no longer valid.';
const GONE_RU = 'Это приглашение больше не действительно.';
/** What a stranger must not learn: who accepted or revoked, the company, the partners. */
const SECRETS = ['Olga', 'Ivanova', 'Anna Petrova', 'Traders', 'Contoso', 'Accepted', 'Revoked'];

/** Someone in a tenant that has nothing to do with the invitation. */
function stranger(locale = 'en-US'): Persona {
  const tenantId = '55555555-5555-5555-5555-555555555555';
  return withLocale(
    {
      ...personas.customer,
      id: 'stranger',
      tenantId,
      aadObjectId: `${tenantId.slice(0, 8)}-0000-4000-8000-000000000001`,
      name: 'Mallory Stranger',
      givenName: 'Mallory',
      organization: 'Elsewhere',
    },
    locale
  );
}

describe('security: a dead invitation tells strangers only that it is no longer valid (real server)', function () {
  this.timeout(120_000);
  let w: RelationshipsWorld;
  before(async () => {
    w = await startRelationshipsWorld();
    for (const p of [stranger(), colleague(cast.customer, 7, 'Ivan')])
      await w.app.post(w.app.teams.install(p));
  });
  after(async () => w?.stop());

  const invite = (companyName: string) =>
    w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, { companyName });

  /** The card a link unfurls into for `who`, as text. */
  async function unfurl(who: Persona, token: string): Promise<string> {
    const res = await w.app.post({
      ...w.app.teams.cardAction(who, 'unused'),
      name: 'composeExtension/queryLink',
      value: { url: `${w.app.config.publicBaseUrl}/invitations/${token}` },
    } as never);
    expect(res.status).to.equal(200);
    return JSON.stringify((res.body as { composeExtension?: unknown }).composeExtension ?? null);
  }

  const expectNothingBut = (seen: string, gone: string, what: string) => {
    expect(seen, what).to.include(gone);
    for (const s of SECRETS) expect(seen, `${what} leaks "${s}"`).to.not.include(s);
  };

  describe('a used invitation', () => {
    let used: { code: string; token: string; invitationRef: string };
    before(async () => {
      const { secrets, view } = await invite('Northwind Traders');
      used = { ...secrets, invitationRef: view.invitation.id };
      await w.say(cast.customer, `accept ${secrets.code}`);
      const accepted = await w.click(cast.customer, Verbs.invitationAccept, {
        invitationRef: used.invitationRef,
      });
      expect(accepted.seen).to.include('You are its admin');
    });

    it('typed by a stranger (code or token, en or ru): only "no longer valid", and no opener', async () => {
      expectNothingBut(
        (await w.say(stranger(), `accept ${used.code}`)).seen,
        GONE_EN,
        'typed code'
      );
      expectNothingBut(
        (await w.say(stranger('ru-RU'), `accept ${used.code}`)).seen,
        GONE_RU,
        'typed code (ru)'
      );
      expectNothingBut(
        (await w.say(stranger(), `accept ${used.token}`)).seen,
        GONE_EN,
        'typed token'
      );
      // Showing the dead code made the stranger no opener: the card stays out of reach.
      const card = await w.click(stranger(), Verbs.invitationView, {
        invitationRef: used.invitationRef,
      });
      for (const s of SECRETS) expect(card.seen).to.not.include(s);
    });

    it('unfurled for a stranger (en or ru): only "no longer valid"', async () => {
      expectNothingBut(await unfurl(stranger(), used.token), GONE_EN, 'unfurled link');
      expectNothingBut(await unfurl(stranger('ru-RU'), used.token), GONE_RU, 'unfurled (ru)');
    });

    it('shows its parties who accepted: the accepting organization and the reseller', async () => {
      const colleagueSees = await w.say(colleague(cast.customer, 7, 'Ivan'), `accept ${used.code}`);
      expect(colleagueSees.seen).to.include('Accepted by Olga Ivanova');
      expect((await w.say(cast.reseller, `accept ${used.code}`)).seen).to.include(
        'Accepted by Olga Ivanova'
      );
      expect(await unfurl(cast.reseller, used.token)).to.include('Accepted by Olga Ivanova');
    });
  });

  it('a revoked or expired code or link: strangers learn only that it is no longer valid', async () => {
    const revoked = await invite('Revoked Traders');
    await w.app.app.modules.invitations.service.revoke(cast.reseller, revoked.view.invitation.id);
    expectNothingBut(
      (await w.say(stranger(), `accept ${revoked.secrets.code}`)).seen,
      GONE_EN,
      'revoked code'
    );
    expectNothingBut(await unfurl(stranger(), revoked.secrets.token), GONE_EN, 'revoked link');
    expect((await w.say(cast.reseller, `accept ${revoked.secrets.code}`)).seen).to.include(
      'Revoked by Anna Petrova'
    );

    const late = await invite('Late Traders');
    w.advanceDays(31);
    expectNothingBut(
      (await w.say(stranger(), `accept ${late.secrets.code}`)).seen,
      GONE_EN,
      'expired code'
    );
    expectNothingBut(await unfurl(stranger(), late.secrets.token), GONE_EN, 'expired link');
  });
});
