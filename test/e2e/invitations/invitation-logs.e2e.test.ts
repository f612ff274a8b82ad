import { expect } from 'chai';
import { productModules, type ProductModules } from '../../../app-modules.js';
import type { Partner } from '../../../domain/partners/partner.js';
import { validAnswers } from '../../domain/enrollment/enrollment-world.js';
import { personas, withLocale } from '../../helpers/personas.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { FAST_WORKER } from '../enrollment/enrollment-e2e-world.js';
import { captureLogger } from '../server/capture-logger.js';
import { visible } from '../security/security-world.js';

describe('invitations: nothing about an invitation in the logs (real server)', function () {
  this.timeout(60_000);
  let app: TestApp<ProductModules>;
  const captured = captureLogger();
  before(async () => {
    app = await startTestApp(
      { LOG_LEVEL: 'debug' },
      { logger: captured.logger, modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }) }
    );
  });
  after(async () => app?.stop());

  it('serves the page, opens by token and by code (принять, in Russian) without logging them', async () => {
    const admin = personas.reseller;
    const { partners, memberships } = app.app.modules.partners;
    const reseller = await partners.create({
      ...(validAnswers() as unknown as Partner),
      partnerType: 'reseller',
      partnerId: '1000777',
      legalName: 'Contoso Reseller',
      tenantId: admin.tenantId,
      status: 'approved',
      submittedBy: { tenantId: admin.tenantId, aadObjectId: admin.aadObjectId },
      submittedAt: new Date(),
    } as never);
    await memberships.addEnroller(reseller, admin);
    const service = app.app.modules.invitations.service;
    const a = await service.inviteCustomer(admin, {
      companyName: 'Northwind Traders',
      adminEmail: 'it@northwind.example',
    });
    const b = await service.inviteCustomer(admin, { companyName: 'Tailspin Toys' });
    const customer = personas.customer;
    await app.post(app.teams.install(customer));

    for (const path of [`/invitations/${a.secrets.token}`, `/invitations/${'x'.repeat(43)}`]) {
      await fetch(`${app.url}${path}`);
    }
    await app.post(app.teams.message(customer, `accept ${a.secrets.token}`));
    const before = app.connector.shown(app.teams.conversationId(customer)).length;
    await app.post(app.teams.message(withLocale(customer, 'ru-RU'), `принять ${b.secrets.code}`));
    const all = app.connector.shown(app.teams.conversationId(customer));
    const shown = all.map(visible).join('\n');
    expect(shown).to.include('Northwind Traders').and.include('Tailspin Toys');
    // The Russian alias, in Russian: the same card with Принять / Отклонить.
    const ru = all.slice(before).map(visible).join('\n');
    expect(ru).to.include('Приглашение для Tailspin Toys').and.include('Отклонить');
    expect(ru).to.include('Торговый посредник');
    const logs = captured.raw.join('\n');
    for (const secret of [
      a.secrets.token,
      b.secrets.token,
      a.secrets.code,
      b.secrets.code,
      b.secrets.code.replace(/-/g, ''),
      'it@northwind.example',
    ]) {
      expect(logs, `logs contain ${secret}`).to.not.include(secret);
    }
  });
});
