import type { Document } from 'bson';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Catalog } from '../engine/catalog.js';
import type { CursorRegistry } from '../engine/cursors.js';

/** Server-wide facts some commands report (serverStatus, hello). */
export interface ServerFacts {
  startedAt: Date;
  host: string;
  port: number;
  currentConnections(): number;
  totalConnections(): number;
}

/** What a command handler sees: its database, the engine and the connection it came on. */
export interface CommandContext {
  db: string;
  catalog: Catalog;
  cursors: CursorRegistry;
  server: ServerFacts;
  connectionId: number;
  logger: Logger;
}

/** A command: takes the request document, returns the reply (without `ok`, added by dispatch). */
export type CommandHandler = (cmd: Document, ctx: CommandContext) => Document | Promise<Document>;

/** Name of the collection a command addresses (its first field's value). */
export function collectionName(cmd: Document): string {
  const v = cmd[Object.keys(cmd)[0]];
  if (typeof v !== 'string' || v.length === 0) {
    throw Errors.invalidNamespace(`collection name has invalid type ${typeof v}`);
  }
  return v;
}
