import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { personas, type Persona } from '../helpers/personas.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { visibleText } from './bot-harness.js';

// The real app with the product modules, as `npm start` builds it: commands typed in the
// enrollment form reach their features instead of being taken as (wrong) answers.
describe('bot with the product modules: commands typed during enrollment', function () {
  this.timeout(30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app?.stop());

  /** Sends text and returns what the bot sent in reply during that turn. */
  async function say(p: Persona, text: string): Promise<string> {
    const conversationId = app.teams.conversationId(p);
    const before = app.connector.activities(conversationId).length;
    const res = await app.post(app.teams.message(p, text));
    expect(res.status).to.be.lessThan(300);
    return visibleText(
      app.connector.activities(conversationId).slice(before) as Partial<Activity>[]
    );
  }

  it('runs status typed at the partner type question, then takes the answer', async () => {
    const anna: Persona = { ...personas.reseller, aadObjectId: randomUUID() };
    expect(await say(anna, 'enroll')).to.include('How will your organization work');
    const status = await say(anna, 'status');
    expect(status)
      .to.include('Enrollment status')
      .and.include('You have an enrollment in progress');
    expect(status).to.not.include('Please fill in the card');
    // The form still waits at the same question.
    const next = await say(anna, 'reseller');
    expect(next).to.not.include('How will your organization work');
    expect(next).to.not.include("didn't understand");
  });
});
