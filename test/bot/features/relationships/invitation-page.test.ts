import { expect } from 'chai';
import type { Request, Response } from 'restify';
import { invitationPageRoute } from '../../../../bot/features/relationships/reseller-invitation-page.route.js';
import type { InvitationLookup } from '../../../../domain/relationships/reseller-invitation.service.js';

const TOKEN = 'A'.repeat(43);
const lookup = {
  usable: true,
  provider: { legalName: 'Fabrikam <b>Distribution</b>', partnerId: '7000001' },
  invitation: {
    grant: { roles: ['globalReader'], durationDays: 30, autoExtend: false },
    expiresAt: new Date('2027-03-01T00:00:00Z'),
  },
} as unknown as InvitationLookup;

async function get(appId?: string) {
  const route = invitationPageRoute({
    invitations: { byToken: async (t) => (t === TOKEN ? lookup : null) },
    ...(appId ? { microsoftAppId: appId } : {}),
  });
  let status = 0;
  let body = '';
  const req = { params: { token: TOKEN }, header: () => 'en-US' } as unknown as Request;
  const res = {
    sendRaw: (s: number, b: string) => {
      status = s;
      body = b;
    },
  } as unknown as Response;
  await route.handle(req, res);
  return { status, body };
}

describe('the reseller invitation page', () => {
  it("opens a chat with the bot, the link's token ready to send, when the bot has an app id", async () => {
    const { status, body } = await get('11111111-2222-3333-4444-555555555555');
    expect(status).to.equal(200);
    const expected = `https://teams.microsoft.com/l/chat/0/0?users=28%3A11111111-2222-3333-4444-555555555555&#38;message=accept%20${TOKEN}`;
    expect(body).to.include(`href="${expected}"`).and.include('Open in Teams');
    // What a provider typed is text on the page, never markup.
    expect(body).to.include('Fabrikam &#60;b&#62;Distribution&#60;/b&#62;');
    expect(body).to.not.include('<b>Distribution');
  });

  it('tells how to accept by code when the bot has no app id yet', async () => {
    const { body } = await get();
    expect(body).to.not.include('teams.microsoft.com');
    expect(body).to.include('ask the provider for the code');
  });
});
