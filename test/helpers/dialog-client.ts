import { expect } from 'chai';
import type { Activity, Middleware, TestAdapter } from 'botbuilder';
import { DialogTurnStatus, type Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import type { TurnScope } from '../../bot/feature.js';
import { setTurnScope } from '../../dialogs/turn-scope.js';
import { languageOf } from '../../i18n/i18n.js';
import { personas, type Persona } from './personas.js';

/** What the user does in one step: type text, or submit a card (`{ value: {...} }`). */
export type DialogInput = string | Partial<Activity>;

/**
 * What the bot should answer: text it must contain, a pattern, a check of the reply
 * (undefined when the bot said nothing), or null for "no reply".
 */
export type DialogExpectation =
  string | RegExp | null | ((reply: Partial<Activity> | undefined) => void);

/** One row of a case table: a conversation and how the dialog ends (core-bot style). */
export interface DialogCase {
  readonly name: string;
  readonly steps: readonly (readonly [DialogInput, DialogExpectation])[];
  /** Status after the last step; default: whatever it is. */
  readonly expectedStatus?: DialogTurnStatus;
  /** Checks the dialog's result after the last step (when it completed). */
  readonly expectedResult?: (result: unknown) => void;
  /** Who talks (default personas.reseller) and in which Teams locale (default their own). */
  readonly persona?: Persona;
  readonly locale?: string;
}

export interface DialogClientOptions {
  readonly persona?: Persona;
  readonly locale?: string;
  readonly dialogOptions?: unknown;
  readonly middlewares?: Middleware[];
}

/**
 * A DialogTestClient on the `msteams` channel whose turns carry a TurnScope for the persona,
 * as the bot sets it, so dialogs can call `turnScope(step.context)`.
 */
export function createDialogClient(
  dialog: Dialog,
  options: DialogClientOptions = {}
): DialogClient {
  const persona = options.persona ?? personas.reseller;
  const locale = options.locale ?? persona.locale;
  let client: DialogTestClient | undefined;
  const scopeMiddleware: Middleware = {
    async onTurn(turn, next) {
      const scope = {
        turn,
        actor: {
          tenantId: persona.tenantId,
          aadObjectId: persona.aadObjectId,
          name: persona.name,
          email: persona.email,
        },
        language: languageOf(locale),
        conversationType: 'personal',
        // The client builds its DialogContext after middleware runs; steps read it later.
        get dc() {
          return client!.dialogContext;
        },
      } as TurnScope;
      setTurnScope(scope);
      await next();
    },
  };
  client = new DialogTestClient('msteams', dialog, options.dialogOptions, [
    scopeMiddleware,
    ...(options.middlewares ?? []),
  ]);
  return new DialogClient(client, persona, locale);
}

/** Sends Teams-shaped activities for one persona and collects every reply of the turn. */
export class DialogClient {
  /** Activities the dialog updated in place during the last turn. */
  private readonly updates: Partial<Activity>[] = [];

  constructor(
    readonly client: DialogTestClient,
    readonly persona: Persona,
    readonly locale: string
  ) {
    // TestAdapter drops updates of activities it did not queue itself: record them instead.
    const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
    adapter.updateActivity = async (_context, update) => {
      this.updates.push(update);
    };
  }

  /** Sends one input; returns all replies of that turn (possibly none). */
  async send(input: DialogInput): Promise<Partial<Activity>[]> {
    const activity: Partial<Activity> = {
      type: 'message',
      locale: this.locale,
      from: {
        id: `29:${this.persona.aadObjectId}`,
        name: this.persona.name,
        aadObjectId: this.persona.aadObjectId,
      },
      channelData: { tenant: { id: this.persona.tenantId } },
      ...(typeof input === 'string' ? { text: input } : input),
    };
    const replies: Partial<Activity>[] = [];
    this.updates.length = 0;
    let reply = (await this.client.sendActivity(activity)) as Partial<Activity> | undefined;
    while (reply) {
      replies.push(reply);
      reply = this.client.getNextReply() as Partial<Activity> | undefined;
    }
    // Cards updated in place (a step asked again with its errors) are part of what they see.
    return [...replies, ...this.updates];
  }

  get status(): DialogTurnStatus | undefined {
    return this.client.dialogTurnResult?.status;
  }

  get result(): unknown {
    return this.client.dialogTurnResult?.result;
  }
}

/** Text a person would read in replies: message text and the strings of any card. */
export function replyText(reply: Partial<Activity> | undefined): string {
  if (!reply) return '';
  const parts: string[] = reply.text ? [reply.text] : [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (['text', 'title', 'label', 'value', 'placeholder'].includes(k) && typeof v === 'string')
          parts.push(v);
        else walk(v);
      }
    }
  };
  walk(reply.attachments?.map((a) => a.content));
  return parts.join('\n');
}

/** Runs one case-table row against a fresh dialog; fails with the step number on a mismatch. */
export async function runDialogCase(
  makeDialog: () => Dialog,
  testCase: DialogCase
): Promise<DialogClient> {
  const client = createDialogClient(makeDialog(), {
    persona: testCase.persona,
    locale: testCase.locale,
  });
  for (const [i, [input, expected]] of testCase.steps.entries()) {
    const replies = await client.send(input);
    const first = replies[0];
    const where = `step ${i + 1} (${typeof input === 'string' ? input : JSON.stringify(input.value)})`;
    if (expected === null) expect(replies, where).to.deep.equal([]);
    else if (typeof expected === 'string')
      expect(replies.map(replyText).join('\n'), where).to.include(expected);
    else if (expected instanceof RegExp)
      expect(replies.map(replyText).join('\n'), where).to.match(expected);
    else expected(first);
  }
  if (testCase.expectedStatus !== undefined)
    expect(client.status, 'dialog status').to.equal(testCase.expectedStatus);
  if (testCase.expectedResult) testCase.expectedResult(client.result);
  return client;
}

/** Registers one mocha `it` per case. */
export function itRunsDialogCases(makeDialog: () => Dialog, cases: readonly DialogCase[]): void {
  for (const testCase of cases)
    it(testCase.name, async () => void (await runDialogCase(makeDialog, testCase)));
}

export { DialogTurnStatus };
