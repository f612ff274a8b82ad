import { expect } from 'chai';
import { Verbs } from '../../cards/verbs.js';
import type { Persona } from '../helpers/personas.js';
import {
  cast,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from '../e2e/relationships/relationships-world.js';

/**
 * `invite reseller` must not tell a provider which addresses and PartnerIDs belong to enrolled
 * resellers: its answer is byte for byte the same (once the address, link, code, ids and dates
 * it was given are set aside) for an enrolled reseller, one already connected to it, and
 * nobody. The reseller's admins get the invitation card, theirs to accept or ignore; the
 * provider sees a name only once the reseller accepts.
 */
describe('security: invite reseller answers the same whoever holds the address or PartnerID (real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => w?.stop());

  /** The provider's answer to the invite form, with what the provider typed and drew set aside. */
  async function answer(email: string, partnerId?: string) {
    const res = await w.click(cast.provider, Verbs.relationshipInvite, {
      email,
      ...(partnerId ? { partnerId } : {}),
      ...GRANT,
    });
    expect(res.status).to.equal(200);
    const raw = JSON.stringify(res.body);
    const token = /\/relationships\/([A-Za-z0-9_-]{43})/.exec(raw)?.[1];
    const code = /R[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(raw)?.[0];
    expect(token, raw.slice(0, 300)).to.be.a('string');
    expect(code, raw.slice(0, 300)).to.be.a('string');
    let text = raw;
    for (const [secret, name] of [
      [email, '<email>'],
      [encodeURIComponent(email), '<email>'],
      [token!, '<token>'],
      [code!, '<code>'],
    ] as const) {
      text = text.split(secret).join(name);
    }
    return {
      seen: res.seen,
      normalised: text
        .replace(/[0-9a-f]{24}/g, '<id>')
        .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<date>'),
    };
  }

  const UNKNOWN_EMAIL = 'nobody@unknown-reseller.example';
  const UNKNOWN_PARTNER_ID = '1999998';

  it('by address: an enrolled reseller (its contact proved it) and an unknown one get the same answer', async () => {
    const newcomer: Persona = cast.customer;
    await w.approvedPartner('reseller', newcomer, {
      legalName: 'Northwind Reseller',
      partnerId: '1999999',
      verifiedEmail: newcomer.email.toLowerCase(),
    });
    const enrolled = await answer(newcomer.email.toLowerCase());
    const unknown = await answer(UNKNOWN_EMAIL);
    expect(enrolled.normalised).to.equal(unknown.normalised);
    expect(enrolled.seen).to.not.include('Northwind Reseller');

    // The reseller's admins see it, through the outbox; nothing is opened for the provider.
    await w.received(newcomer, 'Fabrikam Distribution invites you to a relationship');
    expect(await w.collection('relationships').countDocuments()).to.equal(0);
    expect((await w.say(cast.provider, 'resellers')).seen).to.not.include('Northwind Reseller');
  });

  it('by PartnerID: an enrolled reseller, one already connected, and an unknown PartnerID get the same answer', async () => {
    const email = 'someone@contoso-reseller.example';
    const enrolled = await answer(email, w.reseller.partnerId);
    const unknown = await answer(email, UNKNOWN_PARTNER_ID);
    expect(enrolled.normalised).to.equal(unknown.normalised);
    expect(enrolled.seen).to.not.include('Contoso Reseller');
    await w.received(cast.reseller, 'Fabrikam Distribution invites you to a relationship');
    expect(await w.collection('relationships').countDocuments()).to.equal(0);

    // Connected already: still the same answer, not "already connected with Contoso Reseller".
    const r = await w.service.request(
      cast.reseller,
      w.provider.id,
      { roles: ['globalReader'], durationDays: 365, autoExtend: false },
      true
    );
    await w.service.authorize(cast.provider, r.id);
    const connected = await answer(email, w.reseller.partnerId);
    expect(connected.normalised).to.equal(unknown.normalised);

    // In Russian too.
    await w.app.post(w.app.teams.message(cast.provider, 'language ru'));
    const ruEnrolled = await answer(email, w.reseller.partnerId);
    const ruUnknown = await answer(email, UNKNOWN_PARTNER_ID);
    expect(ruEnrolled.normalised).to.equal(ruUnknown.normalised);
    expect(ruEnrolled.seen).to.include('Приглашение');
  });
});
