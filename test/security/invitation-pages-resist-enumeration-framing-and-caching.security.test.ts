import { expect } from 'chai';
import fc from 'fast-check';
import { generatedKey, keyedHash } from '../helpers/invitation-code-key.js';
import { cast, startRelationshipsWorld } from '../e2e/relationships/relationships-world.js';

type World = Awaited<ReturnType<typeof startRelationshipsWorld>>;

/**
 * The two pages a link opens (`/invitations/<token>` for customers, `/relationships/<token>` for
 * resellers): a token nobody issued and a malformed one get the same 404 page, nothing typed
 * into the URL or the invitation is reflected unescaped, no page can be framed or cached, and
 * the token is looked up by its hash (what storage keeps), never compared as text.
 */

const HOSTILE = '<img src=x onerror=alert(1)>"\'><script>alert(2)</script>';

/** The headers that must not depend on whether the token exists (Date and length aside). */
const STABLE_HEADERS = [
  'content-type',
  'cache-control',
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'content-language',
  'vary',
];

async function get(w: World, path: string, language = 'en-US') {
  const res = await fetch(`${w.app.url}${path}`, { headers: { 'Accept-Language': language } });
  const headers = Object.fromEntries(STABLE_HEADERS.map((h) => [h, res.headers.get(h)]));
  return { status: res.status, body: await res.text(), headers, raw: res.headers };
}

/** Every header a personal page carries, whatever its status. */
function expectPersonalHeaders(res: Awaited<ReturnType<typeof get>>, what: string) {
  expect(res.raw.get('cache-control'), what).to.equal('no-store');
  expect(res.raw.get('content-security-policy'), what).to.match(/frame-ancestors 'none'/);
  expect(res.raw.get('content-security-policy'), what).to.match(/default-src 'none'/);
  expect(res.raw.get('x-frame-options'), what).to.equal('DENY');
  expect(res.raw.get('referrer-policy'), what).to.equal('no-referrer');
  expect(res.raw.get('x-content-type-options'), what).to.equal('nosniff');
  expect(res.raw.get('set-cookie'), what).to.equal(null);
}

const PAGES = ['invitations', 'relationships'] as const;

describe('security: the invitation pages resist enumeration, framing, caching and reflection (real server)', function () {
  this.timeout(120_000);
  let w: World;
  let customer: { token: string; id: string };
  let reseller: { token: string };
  before(async () => {
    w = await startRelationshipsWorld({ PUBLIC_BASE_URL: 'http://localhost:3978' });
    // Names and a note chosen to break out of HTML, as an inviting partner could type them.
    await w
      .collection('partners')
      .updateOne(
        { _id: new (await import('mongoose')).default.Types.ObjectId(w.provider.id) },
        { $set: { legalName: `Fabrikam ${HOSTILE}` } }
      );
    const created = await w.app.app.modules.invitations.service.inviteCustomer(cast.reseller, {
      companyName: `Northwind ${HOSTILE}`.slice(0, 110),
      note: `Welcome ${HOSTILE}`,
    });
    customer = { token: created.secrets.token, id: created.view.invitation.id };
    const sent = await w.app.app.modules.relationships.invitations.invite(
      cast.provider,
      {
        email: 'newcomer@tailspin.example',
        grant: { roles: ['globalReader'], durationDays: 365, autoExtend: false },
      },
      'en'
    );
    reseller = { token: sent.link.split('/').pop()! };
  });
  after(async () => w?.stop());

  for (const page of PAGES) {
    describe(`/${page}/<token>`, () => {
      const token = () => (page === 'invitations' ? customer.token : reseller.token);

      it('answers random tokens and malformed ones with one and the same 404 page, per language', async () => {
        for (const language of ['en-US', 'ru-RU']) {
          const reference = await get(w, `/${page}/${'A'.repeat(43)}`, language);
          expect(reference.status).to.equal(404);
          const real = token();
          const malformed = [
            'x',
            real.slice(0, 42),
            `${real}A`,
            `${real.slice(0, 42)}%2B`,
            encodeURIComponent(`${real.slice(0, 40)}\u200B`),
            encodeURIComponent(HOSTILE),
            '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
            '%00',
            '%E0%A4%A',
            `${real}/x`,
            `a/b/${encodeURIComponent(HOSTILE)}`,
            encodeURIComponent('😀'.repeat(500)),
            'A'.repeat(4_000),
          ];
          const random = fc.sample(
            fc.string({
              unit: fc.constantFrom(
                ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
              ),
              minLength: 43,
              maxLength: 43,
            }),
            { numRuns: 20, seed: 42 }
          );
          for (const probe of [...random, ...malformed]) {
            const res = await get(w, `/${page}/${probe}`, language);
            const what = `${page} ${probe.slice(0, 60)} ${language}`;
            expect(res.status, what).to.equal(404);
            expect(res.body, what).to.equal(reference.body);
            expect(res.headers, what).to.deep.equal(reference.headers);
            expectPersonalHeaders(res, what);
          }
        }
      });

      it('opens with the real token, never framed, cached or with a referrer, the invitation text escaped', async () => {
        const res = await get(w, `/${page}/${token()}`);
        expect(res.status).to.equal(200);
        expectPersonalHeaders(res, 'the open page');
        expect(res.body).to.not.match(/<img|<script|onerror=alert\(1\)>/);
        expect(res.body).to.include('&#60;img src=x onerror=alert(1)&#62;');
      });

      it('looks the token up by its hash: storage keeps the hash, never the token', async () => {
        const collection = page === 'invitations' ? 'invitations' : 'resellerInvitations';
        const docs = await w.collection(collection).find({}).toArray();
        const stored = JSON.stringify(docs);
        expect(stored).to.not.include(token());
        expect(docs.map((d) => d.tokenHash)).to.include(
          keyedHash(generatedKey(w.app.dataDir), token())
        );
        // The index the lookup uses is unique on the hash: one query, no comparison in code.
        const indexes = await w.collection(collection).indexes();
        expect(indexes.find((i) => i.key.tokenHash === 1)?.unique).to.equal(true);
      });
    });
  }

  describe('a revoked invitation', () => {
    it('shows a used or revoked customer invitation as gone (410), with the same headers', async () => {
      await w.app.app.modules.invitations.service.revoke(cast.reseller, customer.id);
      const res = await get(w, `/invitations/${customer.token}`);
      expect(res.status).to.equal(410);
      expectPersonalHeaders(res, 'the gone page');
      expect(res.body).to.not.include(customer.token);
    });
  });
});
