import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { CHROMIUM_PATH, chromiumInstalled, Playground } from '../../helpers/playground.js';
import { withLocale, type Persona } from '../../helpers/personas.js';
import {
  cast,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';

/** What a Russian reader must never see: a doubled "г.." after a date, ё dropped, English left. */
function expectGoodRussian(text: string, where: string): void {
  expect(text, `${where}: "г.." after a date`).to.not.match(/г\.\./);
  expect(text, `${where}: ё dropped`).to.not.match(
    /(^|[^а-яё])(ее|еще|нее|все останется|все равно)(?=[^а-яё]|$)/i
  );
  // English words left in a Russian card (PartnerID, CSP, Partner Connect and names are proper).
  expect(text, `${where}: English words`).to.not.match(
    /\b(Authorize|Authorized|Waiting|tenant|reseller|provider|Accept|Decline|Status)\b/
  );
}

/**
 * The Playground as one person, in their language. The Playground (0.2.28) sends `locale: en-US`
 * whatever the browser's, where Teams sends the client's: a Russian persona types `язык ru`.
 */
async function open(w: RelationshipsWorld, who: Persona, colleagues: Persona[] = []) {
  // Opened after the world's set-up: the app's clock moves on, so this chat is the newest one the
  // bot knows for the person, the one proactive cards go to (as when someone opens Teams later).
  w.advance(60_000);
  const p = await Playground.start({ botUrl: w.app.url, persona: who, colleagues });
  await p.waitForBotReply({ contains: 'Partner Connect' });
  if (who.locale.startsWith('ru')) {
    await p.sendText('язык ru');
    await p.waitForBotReply({ contains: 'по-русски' });
  }
  return p;
}

/** Every bot message's visible text, oldest first. */
async function chatText(p: Playground): Promise<string[]> {
  return p.botReplies().allInnerTexts();
}

/**
 * Buttons still live anywhere in the chat with this title. (After an Action.Execute the
 * Playground adds "Your response was sent to the app" under the card; Teams does not.)
 */
function liveButtons(p: Playground, title: string): Locator {
  return p.browserPage
    .locator('.ac-adaptiveCard')
    .getByRole('button', { name: title, exact: true });
}

/**
 * Waits for the one new message reading `contains` since `before`, once the outbox has sent what
 * it owes: it is a single card, no text line repeats it (Teams shows the card's summary in the
 * feed only), and nothing else arrived. Returns its text. An activity with both a text and a card
 * shows in Teams as one message, the line above the card; the Playground shows two messages:
 * either way one of the checks below fails.
 */
async function oneCardNotice(
  w: RelationshipsWorld,
  p: Playground,
  before: number,
  contains: string
): Promise<string> {
  const message = await p.waitForBotReply({ after: before, contains });
  await w.drained();
  const all = await chatText(p);
  const fresh = all.slice(before);
  expect(fresh, fresh.join('\n-----\n')).to.have.length(1);
  expect(await message.locator('.ac-adaptiveCard').count()).to.equal(1);
  const card = (await message.locator('.ac-adaptiveCard').innerText()).trim();
  expect((await message.innerText()).trim()).to.equal(card);
  return card;
}

// Heavy: a real server, two Agents Playgrounds and headless Chromium at once (~1-2 min in all).
describe('Agents Playground: the whole tour, each viewer reading its own words (en and ru)', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(240_000);

  let w: RelationshipsWorld;
  const open_: Playground[] = [];
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => {
    for (const p of open_.splice(0)) await p.stop();
    await w?.stop();
  });
  const start = async (who: Persona, colleagues: Persona[] = []) => {
    const p = await open(w, who, colleagues);
    open_.push(p);
    return p;
  };

  it('provider → reseller: the provider invites in English, the reseller accepts and authorizes in Russian', async () => {
    // Sergei, the reseller's Admin agent, gets his own copy of the invitation (in the fake connector).
    await w.setRoles(cast.reseller, cast.resellerSales, ['adminAgent']);
    const provider = await start(cast.provider, [cast.providerAgent]);
    const reseller = await start(withLocale(cast.reseller, 'ru-RU'), [cast.resellerSales]);

    await provider.sendText('invite reseller');
    const form = await provider.waitForBotReply({ contains: 'Invite a reseller' });
    // The roles are on the reseller's tenant, and the provider is told so (not "your tenant").
    const formText = await form.innerText();
    expect(formText).to.include("Delegated admin roles you ask for on the reseller's tenant");
    expect(formText).to.not.include('your tenant');
    await provider.fillInput("Reseller's email", cast.reseller.email);
    await provider.fillInput("Reseller's PartnerID (if you know it)", w.reseller.partnerId);
    await form.getByRole('checkbox', { name: 'Helpdesk Administrator' }).check();
    const resellerBefore = await reseller.botReplies().count();
    const providerBefore = await provider.botReplies().count();
    await provider.clickCardButton('Send invitation');
    // The form is replaced in place by what was sent (no second message).
    const sent = await provider.waitForBotReply({ contains: 'Invitation for' });
    expect(await sent.innerText()).to.include('Global Reader and Helpdesk Administrator');
    expect(await provider.botReplies().count()).to.equal(providerBefore);
    expect(await liveButtons(provider, 'Send invitation').count()).to.equal(0);

    // The reseller's admin reads the invitation in Russian: one card, no text line besides.
    const invitation = await oneCardNotice(
      w,
      reseller,
      resellerBefore,
      'Fabrikam Distribution приглашает вас к отношениям'
    );
    expect(invitation).to.include('Глобальный читатель и Администратор службы поддержки');
    expectGoodRussian(invitation, "the reseller's invitation card");
    await reseller.screenshot('tour-1-reseller-invited-ru');

    const beforeAccept = await reseller.botReplies().count();
    await reseller.clickCardButton('Принять приглашение');
    // The invitation card is updated in place (no Accept left); the Authorize card follows.
    const authorize = await oneCardNotice(
      w,
      reseller,
      beforeAccept,
      'Авторизовать косвенного поставщика'
    );
    expect(await liveButtons(reseller, 'Принять приглашение').count()).to.equal(0);
    expect(await reseller.botReplies('Fabrikam Distribution приглашает вас').count()).to.equal(1);
    // Her colleague's copy too: it reads the acceptance, with no Accept left.
    const sergeis = await w.updatedTo(
      cast.resellerSales,
      'Accepted: the card to authorize it follows'
    );
    expect(visible(sergeis.body)).to.not.include('Accept invitation');
    // Its own turn, said as such; the roles are on the reseller's organization.
    expect(authorize).to.include('Ожидается подтверждение вашей организации.');
    expect(authorize).to.not.include('Ожидается подтверждение Contoso Reseller');
    expect(authorize).to.include('в организации торгового посредника');
    expectGoodRussian(authorize, "the reseller's Authorize card");

    const providerBeforeNotice = await provider.botReplies().count();
    const card = reseller.botReplies('Авторизовать косвенного поставщика').last();
    await card.getByRole('checkbox', { name: /даю согласие/ }).check();
    await reseller.clickCardButton('Авторизовать косвенного поставщика');
    const decided = reseller.botReplies('Подтвердил(а) Anna Petrova');
    await decided.last().waitFor({ state: 'visible' });
    // Updated in place: the same message, no Authorize or Decline left anywhere in the chat.
    expect(await reseller.botReplies().count()).to.equal(beforeAccept + 1);
    expect(await liveButtons(reseller, 'Авторизовать косвенного поставщика').count()).to.equal(0);
    expect(await liveButtons(reseller, 'Отклонить').count()).to.equal(0);
    const decidedText = await decided.last().innerText();
    expect(decidedText).to.include('Действует').and.not.include('Уже подтверждено');
    expectGoodRussian(decidedText, "the reseller's decided card");
    await reseller.screenshot('tour-1-reseller-authorized-ru');

    // The provider is told once, as one card, in English, with the decider's name.
    const told = await oneCardNotice(w, provider, providerBeforeNotice, 'Relationship authorized');
    expect(told).to.include('Anna Petrova authorized the relationship');
    // Opened from the notice, the relationship's card speaks of the reseller's tenant, and waits for no one.
    // The notice's Open runs `resellers` (a new message); that list's Open shows the card.
    await provider.clickCardButton('Open');
    await provider.waitForBotReply({ contains: 'Indirect resellers' });
    await provider.clickCardButton('Open');
    const view = provider.botReplies('Fabrikam Distribution ↔ Contoso Reseller');
    await view.last().waitFor({ state: 'visible' });
    const viewText = await view.last().innerText();
    expect(viewText).to.include("in the reseller's tenant").and.not.include('your tenant');
    expect(viewText).to.not.match(/Waiting for/);
    expect(viewText).to.include('Authorized by Anna Petrova');
    await provider.screenshot('tour-1-provider-told-en');
  });

  it('reseller → provider in Russian, then a customer invitation accepted in Russian', async () => {
    const ru = (who: Persona) => withLocale(who, 'ru-RU');
    const reseller = await start(ru(cast.reseller), [cast.resellerSales]);
    // The provider's Admin agent decides (not its Global admin, who reads his copy in English).
    let provider = await start(ru(cast.providerAgent), [cast.provider]);

    await reseller.sendText('каталог');
    await reseller.waitForBotReply({ contains: 'Запросить отношения' });
    await reseller.clickCardButton('Запросить отношения');
    const form = reseller.botReplies('Попросить Fabrikam Distribution стать вашим').last();
    await form.waitFor({ state: 'visible' });
    await form.getByRole('checkbox', { name: 'Администратор лицензий' }).check();
    await form.getByRole('spinbutton').fill('200');
    // Sent without consent: refused on the same card, what was chosen kept.
    await reseller.clickCardButton('Отправить запрос');
    const refused = reseller.botReplies('Сначала включите переключатель согласия').last();
    await refused.waitFor({ state: 'visible' });
    expect(await refused.getByRole('spinbutton').inputValue()).to.equal('200');
    expect(
      await refused.getByRole('checkbox', { name: 'Администратор лицензий' }).isChecked()
    ).to.equal(true);
    const providerBefore = await provider.botReplies().count();
    await refused.getByRole('checkbox', { name: /даю согласие/ }).check();
    await reseller.clickCardButton('Отправить запрос');
    const asked = reseller.botReplies('Ожидается подтверждение Fabrikam Distribution.');
    await asked.last().waitFor({ state: 'visible' });
    const askedText = await asked.last().innerText();
    expect(askedText).to.include('Глобальный читатель и Администратор лицензий');
    expectGoodRussian(askedText, "the reseller's request card");
    // A second copy, opened from its list: it too must change when the provider decides.
    await reseller.sendText('поставщики');
    await reseller.waitForBotReply({ contains: 'Косвенные поставщики' });
    await reseller.clickCardButton('Открыть');
    await asked.nth(1).waitFor({ state: 'visible' });

    // The provider's agent: one card, her side's turn, the roles on the reseller's organization.
    const request = await oneCardNotice(
      w,
      provider,
      providerBefore,
      'Contoso Reseller просит Fabrikam Distribution стать его косвенным поставщиком'
    );
    expect(request).to.include('Ожидается подтверждение вашей организации.');
    expect(request).to.not.include('Ожидается подтверждение Fabrikam Distribution');
    expect(request).to.include('в организации торгового посредника');
    expect(request).to.not.include('в вашей организации');
    expectGoodRussian(request, "the provider's request card");
    await provider.screenshot('tour-2-provider-request-ru');

    // A second copy of the same card, opened from her list: she authorizes on that one.
    await provider.sendText('посредники');
    await provider.waitForBotReply({ contains: 'Косвенные торговые посредники' });
    await provider.clickCardButton('Открыть');
    const copies = provider.botReplies('Ожидается подтверждение вашей организации.');
    await copies.nth(1).waitFor({ state: 'visible' });
    const resellerBefore = await reseller.botReplies().count();
    await copies.nth(1).getByRole('button', { name: 'Подтвердить', exact: true }).click();
    // Both copies read the decision, her own name as the one who did it.
    const decided = provider.botReplies(`Подтвердил(а) ${cast.providerAgent.name}`);
    await decided.nth(1).waitFor({ state: 'visible' });
    expect(await liveButtons(provider, 'Подтвердить').count()).to.equal(0);
    expect(await liveButtons(provider, 'Отклонить').count()).to.equal(0);
    // Olga is not told that Olga already did it.
    const olgaText = (await chatText(provider)).join('\n');
    expect(olgaText).to.not.include('Уже подтверждено');
    expectGoodRussian(await decided.last().innerText(), "the provider's decided card");
    // Her Global admin's copy (his chat is the fake connector) reads the same, in English.
    await w.updatedTo(cast.provider, `Authorized by ${cast.providerAgent.name}`);

    // The reseller's request card changed in place, and it is told once, as one card.
    const told = await oneCardNotice(w, reseller, resellerBefore, 'Отношения подтверждены');
    expect(told).to.include(`${cast.providerAgent.name} подтвердил(а) отношения`);
    expectGoodRussian(told, "the reseller's notice");
    expect(await reseller.botReplies('Ожидается подтверждение').count()).to.equal(0);
    expect(
      await reseller.botReplies(`Подтвердил(а) ${cast.providerAgent.name}`).count()
    ).to.be.greaterThanOrEqual(2);
    expect(await liveButtons(reseller, 'Отозвать').count()).to.equal(0);
    await reseller.screenshot('tour-2-reseller-told-ru');

    // The reseller invites a customer with its provider; the customer's admin accepts in Russian.
    await reseller.sendText('пригласить клиента');
    const inviteForm = await reseller.waitForBotReply({ contains: 'Пригласить клиента' });
    await inviteForm.getByRole('radio', { name: /вместе с Fabrikam Distribution/ }).check();
    await inviteForm
      .getByRole('textbox', { name: 'Название компании клиента', exact: true })
      .fill('Northwind Traders');
    await reseller.clickCardButton('Создать приглашение');
    const created = await reseller.waitForBotReply({
      contains: 'Приглашение для Northwind Traders создано',
    });
    const createdText = await created.innerText();
    expectGoodRussian(createdText, "the reseller's created invitation");
    const code = /[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(createdText)?.[0];
    expect(code, createdText).to.be.a('string');

    await provider.stop();
    open_.splice(open_.indexOf(provider), 1);
    provider = await start(ru(cast.customer));
    const customer = provider;
    const resellerBeforeAccept = await reseller.botReplies().count();
    await customer.sendText(`принять ${code}`);
    const offer = await customer.waitForBotReply({ contains: 'Приглашение для Northwind Traders' });
    const offerText = await offer.innerText();
    expect(offerText).to.include('Contoso Reseller').and.include('Fabrikam Distribution');
    expectGoodRussian(offerText, "the customer's invitation card");
    await customer.clickCardButton('Принять');
    const accepted = customer.botReplies('Принято: Northwind Traders теперь работает с');
    await accepted.last().waitFor({ state: 'visible' });
    expect(await liveButtons(customer, 'Принять').count()).to.equal(0);
    expectGoodRussian(await accepted.last().innerText(), "the customer's accepted card");

    await customer.sendText('статус');
    const status = await customer.waitForBotReply({
      contains: 'Northwind Traders в Partner Connect',
    });
    const statusText = await status.innerText();
    expect(statusText).to.include('Торговый посредник Contoso Reseller');
    expect(statusText).to.include('Fabrikam Distribution');
    expectGoodRussian(statusText, "the customer's status");
    await customer.screenshot('tour-3-customer-status-ru');

    const news = await oneCardNotice(
      w,
      reseller,
      resellerBeforeAccept,
      'Northwind Traders: приглашение принято'
    );
    expectGoodRussian(news, "the reseller's notice of the customer");
  });
});
