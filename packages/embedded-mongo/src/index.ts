/**
 * The embedded MongoDB-wire-compatible server: what a host (the bot, its tests and benchmarks)
 * may use. Everything else under src/ is internal.
 */
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './start.js';
export { runServerCli, mainServerCli, type ServerCliOptions } from './cli.js';
export { moduleLogger, type Logger } from './logger.js';
