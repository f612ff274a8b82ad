import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { catalogCommands } from './catalog.commands.js';
import type { CommandContext, CommandHandler } from './command-context.js';
import { collMod } from './coll-mod.command.js';
import { explain } from './explain.command.js';
import { findAndModify } from './find-and-modify.command.js';
import { handshakeCommands } from './handshake.commands.js';
import { indexCommands } from './index.commands.js';
import { readCommands } from './read.commands.js';
import { asCommandError } from './write-errors.js';
import { writeCommands } from './write.commands.js';

const STANDALONE_TXN = 'Transaction numbers are only allowed on a replica set member or mongos';

const transactionCommands: Record<string, CommandHandler> = {
  commitTransaction: () => {
    throw Errors.illegalOperation(STANDALONE_TXN);
  },
  abortTransaction: () => {
    throw Errors.illegalOperation(STANDALONE_TXN);
  },
};

/**
 * A failed write waits for the journal like a successful one: its error (a duplicate key, $inc
 * on a string) may describe a document another write put in memory but has not yet made durable.
 */
function durableErrors(handler: CommandHandler): CommandHandler {
  return async (cmd, ctx) => {
    try {
      return await handler(cmd, ctx);
    } catch (err) {
      await ctx.catalog.commit([]);
      throw err;
    }
  };
}

/** Commands that change data: their replies, errors included, wait for the journal. */
const MUTATING: Record<string, CommandHandler> = {
  ...pick(catalogCommands, ['create', 'drop', 'dropDatabase', 'renameCollection']),
  ...pick(indexCommands, ['createIndexes', 'dropIndexes', 'deleteIndexes']),
  ...writeCommands,
  findAndModify,
  findandmodify: findAndModify,
  collMod,
};

const COMMANDS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...catalogCommands,
  ...indexCommands,
  ...readCommands,
  ...transactionCommands,
  explain,
  ...Object.fromEntries(
    Object.entries(MUTATING).map(([name, handler]) => [name, durableErrors(handler)])
  ),
};

function pick(
  handlers: Record<string, CommandHandler>,
  names: string[]
): Record<string, CommandHandler> {
  return Object.fromEntries(
    names.map((name) => {
      if (!handlers[name]) throw new Error(`No command handler named ${name}`);
      return [name, handlers[name]];
    })
  );
}

/** Commands a view refuses (166): writes, and everything about indexes or storage. */
const VIEW_REFUSED = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'createIndexes',
  'listIndexes',
  'dropIndexes',
  'deleteIndexes',
  'collStats',
  'collstats',
]);

/** Names of every command this server implements. */
export const commandNames = (): string[] => Object.keys(COMMANDS);

/** Runs one command and returns its reply document, `ok: 1` on success or MongoDB's error shape. */
export async function dispatchCommand(cmd: Document, ctx: CommandContext): Promise<Document> {
  const name = Object.keys(cmd)[0] ?? '';
  try {
    const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name)
      ? COMMANDS[name]
      : undefined;
    if (!handler) throw Errors.commandNotFound(name);
    // A standalone refuses sessions' transaction numbers outright, as mongod does.
    if (
      cmd.txnNumber !== undefined ||
      cmd.startTransaction !== undefined ||
      cmd.autocommit !== undefined
    ) {
      throw Errors.illegalOperation(STANDALONE_TXN);
    }
    if (VIEW_REFUSED.has(name) && typeof cmd[name] === 'string') {
      const target = ctx.catalog.get(ctx.db, cmd[name] as string);
      if (target?.isView) throw Errors.commandNotSupportedOnView(target.ns);
    }
    const reply = await handler(cmd, ctx);
    return { ...reply, ok: 1 };
  } catch (err) {
    const e = asCommandError(err);
    if (e.code === 1)
      ctx.logger.error({ err, command: name }, 'embedded command failed unexpectedly');
    return { ok: 0, errmsg: e.message, code: e.code, codeName: e.codeName, ...e.extra };
  }
}
