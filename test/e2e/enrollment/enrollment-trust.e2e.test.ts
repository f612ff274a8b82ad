import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import { t } from '../../../i18n/i18n.js';
import { personas } from '../../helpers/personas.js';
import {
  ANSWERS,
  chat,
  enrollAndSubmit,
  snapshot,
  startSecurityApp,
  type SecurityEnv,
} from '../security/security-world.js';

const CARD = 'application/vnd.microsoft.card.adaptive';
const cardOf = (activity: any) =>
  activity?.attachments?.find((a: any) => a.contentType === CARD)?.content;

/** Every node of a card that passes `pred`. */
function nodes(card: unknown, pred: (n: any) => boolean): any[] {
  const out: any[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (pred(n)) out.push(n);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const actionsOf = (card: unknown) =>
  nodes(card, (n) => typeof n.type === 'string' && n.type.startsWith('Action.'));

/** Issue [12/18] "Flows a partner can trust", enrollment items, through the real server. */
describe('enrollment flows a partner can trust (real server)', function () {
  this.timeout(60_000);
  let env: SecurityEnv;
  beforeEach(async () => (env = await startSecurityApp()));
  afterEach(async () => env?.stop());

  const puts = () => env.app.connector.calls.filter((c) => c.method === 'PUT');
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  describe('a wrong verification code', () => {
    it('comes back on the verify card, under the code field with what was typed, not as a message', async () => {
      const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const posted = env.app.connector.activities(c.conversation).length;
      const putsBefore = puts().length;
      await c.click({ verb: Verbs.enrollmentVerify, code: wrong(code) });
      const loose = env.app.connector.activities(c.conversation).slice(posted);
      expect(loose, 'no new message').to.have.length(0);
      const card = cardOf(puts().slice(putsBefore).at(-1)?.body);
      expect(card, 'the verify card updated in place').to.not.equal(undefined);
      const [input] = nodes(card, (n) => n.type === 'Input.Text' && n.id === 'code');
      expect(input.value).to.equal(wrong(code));
      const body = card.body as any[];
      const at = body.indexOf(input);
      expect(body[at + 1].text).to.include('not right');
      expect(body[at + 1].color).to.equal('Attention');
      expect(actionsOf(card).map((a) => a.data.verb)).to.include(Verbs.enrollmentVerify);
    });

    it('typed while the card waits, shows on that card too', async () => {
      const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      const posted = env.app.connector.activities(c.conversation).length;
      const out = await c.say(wrong(code));
      expect(env.app.connector.activities(c.conversation).slice(posted)).to.have.length(0);
      expect(out.seen).to.include('not right');
    });

    it('on a verify card clicked after the dialog was left, replaces that card with the error', async () => {
      const { c, code } = await enrollAndSubmit(env, personas.reseller, 'reseller', '1234567');
      await c.say('cancel');
      const posted = env.app.connector.activities(c.conversation).length;
      const out = await env.app.post(
        env.app.teams.submit(
          personas.reseller,
          { verb: Verbs.enrollmentVerify, code: wrong(code) },
          { replyToId: 'verify-card-1' }
        )
      );
      expect(out.status).to.equal(200);
      expect(env.app.connector.activities(c.conversation).slice(posted)).to.have.length(0);
      const put = puts().find((p) => p.activityId === 'verify-card-1');
      const card = cardOf(put?.body);
      const [input] = nodes(card, (n) => n.type === 'Input.Text' && n.id === 'code');
      expect(input.value).to.equal(wrong(code));
      expect(JSON.stringify(card)).to.include('not right');
      const { partner } = await env.enrollment.services.enrollment.status(personas.reseller);
      expect(partner?.status).to.equal('emailVerificationPending');
    });
  });

  describe('looks', () => {
    /** Installs, types enroll and answers the sections before `stopAt` (all by default). */
    const answerUpTo = async (stopAt?: string) => {
      const who = personas.reseller;
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      for (const [section, inputs] of Object.entries(ANSWERS(who.email, '1234567', 'reseller'))) {
        if (section === stopAt) break;
        await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
      }
      return c;
    };

    it("a saved step's record shows the answer chosen", async () => {
      const c = chat(env, personas.reseller);
      await env.app.post(env.app.teams.install(personas.reseller));
      await c.say('enroll');
      const putsBefore = puts().length;
      await c.click({
        verb: Verbs.enrollmentSection,
        section: 'partnerType',
        action: 'next',
        partnerType: 'reseller',
      });
      const record = puts()
        .slice(putsBefore)
        .map((p) => cardOf(p.body))
        .find((card) => JSON.stringify(card).includes('Saved'));
      expect(record, 'the partner type card became a record').to.not.equal(undefined);
      expect(actionsOf(record)).to.have.length(0);
      const facts = nodes(record, (n) => n.type === 'FactSet').flatMap((f) => f.facts);
      expect(facts).to.deep.include({
        title: t('en', 'enrollment:fields.partnerType'),
        value: t('en', 'enrollment:partnerTypes.reseller'),
      });
    });

    it('the terms step links to the program terms page the server serves', async () => {
      const c = await answerUpTo('terms');
      const termsCard = env.app.connector.shown(c.conversation).map(cardOf).filter(Boolean).at(-1);
      expect(JSON.stringify(termsCard)).to.include(t('en', 'enrollment:form.acceptTerms'));
      const link = /\]\((https?:\/\/[^)\s]+)\)/.exec(
        nodes(termsCard, (n) => n.type === 'TextBlock')
          .map((n) => n.text)
          .join('\n')
      );
      expect(link, 'a markdown link on the terms card').to.not.equal(null);
      const url = new URL(link![1]);
      expect(url.origin + url.pathname).to.equal(`${env.app.config.publicBaseUrl}/terms`);
      const page = await fetch(`${env.app.url}${url.pathname}`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include(t('en', 'web:terms.title'));
    });

    it("the summary's label columns line up across sections", async () => {
      const c = await answerUpTo();
      const summary = env.app.connector.shown(c.conversation).map(cardOf).filter(Boolean).at(-1);
      expect(JSON.stringify(summary)).to.include(t('en', 'enrollment:summary.title'));
      expect(nodes(summary, (n) => n.type === 'FactSet')).to.have.length(0);
      const rows = nodes(
        summary,
        (n) =>
          n.type === 'ColumnSet' &&
          n.columns?.length === 2 &&
          n.columns[1].items?.[0]?.type === 'TextBlock'
      );
      expect(rows.map((r) => r.columns[1].items[0].text)).to.include('Contoso reseller');
      const widths = new Set(rows.map((r) => JSON.stringify(r.columns.map((x: any) => x.width))));
      expect([...widths]).to.have.length(1);
    });
  });

  describe('cards that retire', () => {
    const who = personas.reseller;
    /** The id the connector gave the last card the bot posted in this chat. */
    const lastCardId = (conversation: string): string => {
      const call = env.app.connector.calls
        .filter((x) => x.method === 'POST' && x.conversationId === conversation && cardOf(x.body))
        .at(-1);
      if (!call?.response?.id) throw new Error('no card posted');
      return call.response.id as string;
    };
    const updateOf = (activityId: string) =>
      cardOf(
        puts()
          .filter((p) => p.activityId === activityId)
          .at(-1)?.body
      );
    const clickOn = (activityId: string, data: Record<string, unknown>) =>
      env.app.post(env.app.teams.submit(who, data, { replyToId: activityId }));
    const answers = ANSWERS(who.email, '1234567', 'reseller');

    it('after cancel, the waiting step card turns read-only "Cancelled"', async () => {
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      await c.click({
        verb: Verbs.enrollmentSection,
        section: 'partnerType',
        action: 'next',
        ...answers.partnerType,
      });
      const tenantCard = lastCardId(c.conversation);
      const out = await c.say('cancel');
      expect(out.seen).to.include(t('en', 'bot:cancel.done'));
      const retired = updateOf(tenantCard);
      expect(retired, 'the tenant card updated in place').to.not.equal(undefined);
      expect(JSON.stringify(retired)).to.include(t('en', 'enrollment:answered.cancelled'));
      expect(JSON.stringify(retired)).to.include(t('en', 'enrollment:sections.tenant'));
      expect(actionsOf(retired)).to.have.length(0);
      expect(nodes(retired, (n) => String(n.type).startsWith('Input.'))).to.have.length(0);
    });

    it('a click on a cancelled step card is answered and changes nothing', async () => {
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      await c.click({
        verb: Verbs.enrollmentSection,
        section: 'partnerType',
        action: 'next',
        ...answers.partnerType,
      });
      const tenantCard = lastCardId(c.conversation);
      await c.say('cancel');
      const before = await snapshot(env, 'enrollmentDrafts', 'partners');
      const posted = env.app.connector.activities(c.conversation).length;
      const res = await clickOn(tenantCard, {
        verb: Verbs.enrollmentSection,
        section: 'tenant',
        action: 'next',
        ...answers.tenant,
      });
      expect(res.status).to.equal(200);
      const replies = env.app.connector.activities(c.conversation).slice(posted);
      expect(replies.map((a) => a.text)).to.deep.equal([t('en', 'enrollment:dialog.staleCard')]);
      expect(await snapshot(env, 'enrollmentDrafts', 'partners')).to.deep.equal(before);
      // No dialog was restarted: typed text is not taken as a step's answer.
      const next = await c.say('back');
      expect(next.seen).to.not.include(t('en', 'enrollment:sections.partnerType'));
    });

    it('after cancel at the summary, the summary turns read-only and its Submit does nothing', async () => {
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      await c.say('enroll');
      for (const [section, inputs] of Object.entries(answers)) {
        await c.click({ verb: Verbs.enrollmentSection, section, action: 'next', ...inputs });
      }
      const summaryCard = lastCardId(c.conversation);
      await c.say('cancel');
      const retired = updateOf(summaryCard);
      expect(retired, 'the summary updated in place').to.not.equal(undefined);
      expect(JSON.stringify(retired)).to.include(t('en', 'enrollment:summary.title'));
      expect(JSON.stringify(retired)).to.include(t('en', 'enrollment:answered.cancelled'));
      expect(actionsOf(retired)).to.have.length(0);
      await clickOn(summaryCard, { verb: Verbs.enrollmentSubmit, action: 'submit' });
      const { partner } = await env.enrollment.services.enrollment.status(who);
      expect(partner ?? null, 'nothing submitted').to.equal(null);
      expect(env.smtp.mails).to.have.length(0);
    });

    it("the welcome card's buttons retire once one is used", async () => {
      const c = chat(env, who);
      await env.app.post(env.app.teams.install(who));
      const welcome = lastCardId(c.conversation);
      const enroll = { verb: Verbs.commandRun, command: 'enroll', welcome: true };
      await clickOn(welcome, enroll);
      const used = updateOf(welcome);
      expect(used, 'the welcome card updated in place').to.not.equal(undefined);
      expect(JSON.stringify(used)).to.include(
        t('en', 'bot:welcome.started', { step: t('en', 'bot:steps.enroll') })
      );
      expect(actionsOf(used)).to.have.length(0);
      const firstStep = lastCardId(c.conversation);
      expect(firstStep).to.not.equal(welcome);

      // Clicked again where the update did not land: answered, and the form is not started over.
      await c.say('cancel');
      const posted = env.app.connector.activities(c.conversation).length;
      await clickOn(welcome, { verb: Verbs.commandRun, command: 'status', welcome: true });
      const replies = env.app.connector.activities(c.conversation).slice(posted);
      expect(replies.map((a) => a.text)).to.deep.equal([t('en', 'bot:cardAction.retired')]);
    });
  });
});
