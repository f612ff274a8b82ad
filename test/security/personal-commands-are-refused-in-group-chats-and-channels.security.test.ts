import { expect } from 'chai';
import type { CommandHandler, Feature } from '../../bot/feature.js';
import { t, type Language } from '../../i18n/i18n.js';
import { personas, withLocale, type Persona } from '../helpers/personas.js';
import { startSecurityApp, type SecurityEnv } from '../e2e/security/security-world.js';

/**
 * Each personal command, its English and a Russian name, and the refusal a group chat or a
 * channel gets: an organization's data (its application, users, partners, customers) must not
 * reach a chat that may hold guests of other tenants.
 */
const PERSONAL: readonly { names: [string, string]; refusal: string }[] = [
  { names: ['status', 'статус'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['enroll', 'регистрация'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['verify', 'подтвердить'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['review', 'заявки'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['users', 'пользователи'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['directory', 'каталог'], refusal: 'relationships:errors.personalOnly' },
  { names: ['providers', 'поставщики'], refusal: 'relationships:errors.personalOnly' },
  { names: ['resellers', 'посредники'], refusal: 'relationships:errors.personalOnly' },
  { names: ['invite', 'пригласить'], refusal: 'relationships:errors.personalOnly' },
  {
    names: ['invite customer', 'пригласить клиента'],
    refusal: 'invitations:errors.personalOnly',
  },
  { names: ['accept', 'принять'], refusal: 'invitations:errors.personalOnly' },
  { names: ['customers', 'клиенты'], refusal: 'invitations:errors.personalOnly' },
  { names: ['partners', 'партнеры'], refusal: 'invitations:errors.personalOnly' },
  { names: ['invitations', 'приглашения'], refusal: 'invitations:errors.personalOnly' },
  // The consent link and the connection are the organization's business (issue 32).
  { names: ['connect', 'подключить'], refusal: 'enrollment:errors.personalOnly' },
  { names: ['disconnect', 'отключить'], refusal: 'enrollment:errors.personalOnly' },
];

describe('security: personal commands are refused in group chats and channels (real server)', function () {
  this.timeout(120_000);
  let env: SecurityEnv;
  before(async () => {
    env = await startSecurityApp();
  });
  after(async () => env?.stop());

  it('lists every command the product declares personal (a new one needs its row here)', () => {
    const features: Feature[] = Object.values(env.app.app.modules).flatMap(
      (m) => (m as { features?: Feature[] }).features ?? []
    );
    const declared = features
      .flatMap((f): readonly CommandHandler[] => f.commands ?? [])
      .filter((c) => c.scope === 'personal')
      .map((c) => c.names[0]);
    // `status` is the bot's own (basics), not a module's.
    expect([...declared, 'status'].sort()).to.deep.equal(PERSONAL.map((c) => c.names[0]).sort());
  });

  const cases: { where: 'groupChat' | 'channel'; language: Language; who: Persona }[] = [
    { where: 'groupChat', language: 'en', who: personas.operator },
    { where: 'channel', language: 'en', who: personas.reseller },
    { where: 'groupChat', language: 'ru', who: withLocale(personas.provider, 'ru-RU') },
    { where: 'channel', language: 'ru', who: withLocale(personas.customer, 'ru-RU') },
  ];
  for (const { where, language, who } of cases) {
    it(`answers each typed in a ${where} with its refusal in ${language}, and nothing else`, async () => {
      const conversation = env.app.teams.conversationId(who, where);
      for (const { names, refusal } of PERSONAL) {
        const name = language === 'en' ? names[0] : names[1];
        const before = env.app.connector.shown(conversation).length;
        const res = await env.app.post(env.app.teams.message(who, name, { scope: where }));
        expect(res.status, name).to.equal(200);
        const out = env.app.connector.shown(conversation).slice(before);
        expect(
          out.map((a) => a.text),
          name
        ).to.deep.equal([t(language, refusal)]);
        expect(out[0]?.attachments ?? [], name).to.deep.equal([]);
      }
    });
  }
});
