import { expect } from 'chai';
import {
  createNotifications,
  type Notifications,
} from '../../bot/features/notifications/notifications.module.js';
import { OPERATOR_ENV, personas } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually, FAST_RETRY } from '../notifications/helpers/delivery-harness.js';

/** Every string a card shows (TextBlock text, FactSet values...), depth first. */
function shownTexts(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => shownTexts(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => shownTexts(n, out));
  return out;
}

/** A markdown link Teams would render live: `[text](url)` with neither bracket escaped. */
const LIVE_LINK = /(^|[^\\])\[[^\]]*[^\\]\]\(/;

/**
 * The outbox card shows operators the error a failed send left. That text comes from outside
 * (the Bot Connector's answer, any service a stored serviceUrl named): it is shown escaped,
 * without bidi controls and capped like any user-supplied value.
 */
describe('rule: the outbox card shows delivery errors as plain, capped text (real server)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let notifications: Notifications;
  before(async () => {
    app = await startTestApp(OPERATOR_ENV, {
      modules: (ctx) => ({
        notifications: (notifications = createNotifications(ctx, {
          worker: { retry: FAST_RETRY, pollMs: 50 },
        })),
      }),
    });
  });
  after(async () => app?.stop());

  it('escapes a markdown link, strips a bidi override and caps a huge error in the dead letter', async () => {
    const reseller = personas.reseller;
    await app.post(app.teams.install(reseller));
    await app.post(app.teams.install(personas.operator));
    const chat = app.teams.conversationId(reseller);
    const message = `Sign in again at [the admin console](https://evil.example/login) \u202Efdp.exe ${'x'.repeat(5000)}`;
    app.connector.fail(400, {
      conversationId: chat,
      times: Infinity,
      body: { error: { code: 'BadArgument', message } },
    });
    await notifications.service.notify({
      key: 'k-evil',
      to: { kind: 'user', user: reseller },
      content: () => ({ text: 'hello reseller' }),
    });
    await eventually(
      async () => (await notifications.service.summary()).counts.dead === 1,
      5000,
      'dead-lettered'
    );

    app.connector.reset();
    await app.post(app.teams.message(personas.operator, 'outbox'));
    const reply = await app.connector.waitForActivity((a) => a.attachments?.length > 0);
    const texts = shownTexts(reply.attachments[0].content);
    const detail = texts.find((s) => s.includes('admin console'));
    expect(detail, 'the error is shown').to.be.a('string');
    expect(detail).to.not.match(LIVE_LINK);
    expect(detail).to.not.include('\u202E');
    expect(detail!.length).to.be.below(1000);
  });
});
