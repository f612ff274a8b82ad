import { ActivityHandler, ConversationState, MemoryStorage } from 'botbuilder';
import type { BotFactory } from '../../../app.js';

/**
 * A stand-in bot for server tests, so they test the server and not the product's bot:
 * replies `echo: <text>`, throws on `boom`, counts `count` in conversation state, and on
 * `slow` waits until `release()` is called.
 */
export function echoBot() {
  const turns: string[] = [];
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const counter = conversationState.createProperty<number>('counter');

  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const text = context.activity.text ?? '';
    turns.push(text);
    if (text === 'count') {
      const n = ((await counter.get(context)) ?? 0) + 1;
      await counter.set(context, n);
      await conversationState.saveChanges(context);
      await context.sendActivity(`count: ${n}`);
      return next();
    }
    if (text === 'boom') {
      await counter.set(context, 100);
      throw new Error('echo bot exploded on purpose');
    }
    if (text === 'slow') {
      started();
      await gate;
    }
    await context.sendActivity(`echo: ${text}`);
    await next();
  });
  const factory: BotFactory = async () => ({ bot });
  return { factory, turns, slowStarted, release: () => release() };
}
