import fs from 'node:fs';
import { expect } from 'chai';
import { countryName } from '../../../domain/partners/countries.js';
import { t, type Language } from '../../../i18n/i18n.js';
import { CHROMIUM_PATH, chromiumInstalled, Playground } from '../../helpers/playground.js';
import { personas, withLocale, type Persona } from '../../helpers/personas.js';
import { codeIn, eventually, startEnrollmentApp } from './enrollment-e2e-world.js';

type Env = Awaited<ReturnType<typeof startEnrollmentApp>>;

// Heavy: a real server, the Agents Playground and headless Chromium (about a minute per language).
describe('Agents Playground: a complete enrollment, verified and approved', function () {
  if (!chromiumInstalled()) {
    it.skip(
      `skipped: Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-liberation)`
    );
    return;
  }
  this.timeout(240_000);

  let env: Env;
  let playground: Playground | undefined;
  beforeEach(async () => {
    env = await startEnrollmentApp();
  });
  afterEach(async () => {
    await playground?.stop();
    playground = undefined;
    await env?.stop();
  });

  const cases: [Language, Persona, 'reseller' | 'provider', string][] = [
    ['en', personas.reseller, 'reseller', '1234567'],
    ['ru', withLocale(personas.provider, 'ru-RU'), 'provider', '7654321'],
  ];
  for (const [language, who, type, partnerId] of cases) {
    it(`in ${language === 'en' ? 'English' : 'Russian'}: fills every step, verifies the code and sees the approval`, async () => {
      const L = (key: string, values: Record<string, unknown> = {}) =>
        t(language, `enrollment:${key}`, values);
      playground = await Playground.start({ botUrl: env.app.url, persona: who });
      const p = playground;
      const page = p.browserPage;
      await p.waitForBotReply({
        contains: language === 'en' ? 'Welcome to Partner Connect' : 'Partner Connect',
      });
      if (language === 'ru') {
        await p.sendText('language ru');
        await p.waitForBotReply({ contains: 'по-русски' });
      }
      const card = () => page.locator('.ac-adaptiveCard').last();
      const next = async (title = L('form.next')) =>
        card().getByRole('button', { name: title, exact: true }).click();
      const fill = async (label: string, value: string) =>
        card().getByRole('textbox', { name: label, exact: true }).fill(value);
      const waitTitle = async (key: string) => p.waitForBotReply({ contains: L(key) });

      await p.sendText(language === 'en' ? 'enroll' : 'регистрация');
      await waitTitle('sections.partnerType');
      await card()
        .getByRole('radio', { name: new RegExp(L(`partnerTypes.${type}`)) })
        .check();
      await p.screenshot(`enrollment-${language}-1-partner-type`);
      await next();

      await waitTitle('sections.tenant');
      const country = language === 'en' ? 'Germany' : 'Германия';
      for (const label of [L('fields.tenantCountry'), L('fields.locationCountry')]) {
        // A filtered ChoiceSet renders as a Fluent combobox: type, then pick the option.
        const input = card().getByRole('combobox', { name: label });
        await input.click();
        await input.pressSequentially(country.slice(0, 4), { delay: 30 });
        const options = page.getByRole('option');
        await options.first().waitFor();
        await page.getByRole('option', { name: country, exact: true }).click();
      }
      await fill(L('fields.partnerId'), partnerId);
      await p.screenshot(`enrollment-${language}-2-tenant`);
      await next();

      await waitTitle('sections.company');
      await fill(L('fields.legalName'), language === 'en' ? 'Contoso GmbH' : 'ООО «Фабрикам»');
      await fill(L('fields.addressLine1'), 'Hauptstrasse 1');
      await fill(L('fields.city'), 'Berlin');
      await fill(L('fields.postalCode'), '10115');
      await fill(L('fields.companyPhone'), '+49 30 1234567');
      await next();

      await waitTitle('sections.contact');
      // Prefilled from Teams: the contact is the signed-in person.
      expect(
        await card()
          .getByRole('textbox', { name: L('fields.contactEmail'), exact: true })
          .inputValue()
      ).to.equal(who.email);
      await fill(L('fields.contactPhone'), 'not a phone');
      await next();
      // The phone is checked for the partner's country (Germany), whose name the message gives.
      const germany = countryName('DE', language);
      await p.waitForBotReply({
        contains: L('validation.phoneInvalidFor', { countryName: germany }).split(', ')[0],
      });
      await p.screenshot(`enrollment-${language}-3-contact-error`);
      await fill(L('fields.contactPhone'), '+49 30 7654321');
      await next();

      await waitTitle('sections.support');
      await fill(L('fields.supportEmail'), 'support@contoso.example');
      await fill(L('fields.supportPhone'), '+49 30 1111111');
      await fill(L('fields.supportWebsite'), 'https://support.contoso.example');
      await next();

      await waitTitle('sections.terms');
      await card().getByRole('checkbox').check();
      await next();

      await waitTitle('summary.title');
      await p.screenshot(`enrollment-${language}-4-summary`);
      await card()
        .getByRole('button', { name: L('summary.submit'), exact: true })
        .click();
      await p.waitForBotReply({ contains: L('verifyCard.title') });

      const mail = await eventually(
        () => env.smtp.mails.find((m) => m.to.includes(who.email)),
        'the code mail'
      );
      await fill(L('verifyCard.codeLabel'), codeIn(mail));
      await card()
        .getByRole('button', { name: L('verifyCard.verify'), exact: true })
        .click();
      await p.waitForBotReply({ contains: L('statuses.underReview').toLowerCase().slice(0, 8) });
      await p.screenshot(`enrollment-${language}-5-verified`);

      // The operator finds the review card in their chat and approves it there.
      // The card was rendered when it was queued, in the operator's language then (English).
      const operator = personas.operator;
      await p.switchPersona(operator);
      const approve = t('en', 'enrollment:review.approve');
      const reviewCard = await p.waitForBotReply({ contains: partnerId, timeoutMs: 30_000 });
      await p.screenshot(`enrollment-${language}-6-review-card`);
      await reviewCard.getByRole('button', { name: approve, exact: true }).click();
      // The clicked card is replaced in place: who decided, no buttons.
      const decided = await p.waitForBotReply({ contains: `Approved by ${operator.name}` });
      expect(await decided.getByRole('button', { name: approve, exact: true }).count()).to.equal(0);
      await p.screenshot(`enrollment-${language}-7-approved-by-operator`);

      // Back as the applicant: the record is approved.
      await p.switchPersona(who);
      if (language === 'ru') {
        await p.sendText('language ru');
        await p.waitForBotReply({ contains: 'по-русски' });
      }
      await p.sendText(language === 'en' ? 'status' : 'статус');
      await p.waitForBotReply({ contains: L('statuses.approved') });
      const file = await p.screenshot(`enrollment-${language}-8-status-approved`);
      expect(fs.statSync(file).size).to.be.greaterThan(10_000);
      const { partner } = await env.enrollment.services.enrollment.status(who);
      expect(partner?.decision?.by.aadObjectId).to.equal(personas.operator.aadObjectId);
    });
  }
});
