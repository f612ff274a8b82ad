import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { processRole } from './config/process-role.js';
import { createLogger } from './logging/logger.js';

// Composition root: .env -> config -> this process's part of `npm start` (server/): the
// supervisor, which runs the embedded database's process and the bot processes, each of which
// runs this file again: the database, or tracing -> app (db, adapter, bot, server) -> signals.
dotenv.config({ quiet: true });

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  createLogger('error').fatal({ problems: err.problems }, err.message);
  process.exit(1);
}

const role = processRole();
const logger = createLogger(config.logLevel, { proc: role.proc });
if (role.kind === 'primary') {
  const { runSupervisor } = await import('./server/supervisor.js');
  await runSupervisor({ config, logger, entry: process.argv[1]! }).catch((err: unknown) => {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  });
} else if (role.kind === 'db') {
  const { runDatabaseProcess } = await import('./server/database-process.js');
  await runDatabaseProcess(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'could not start the embedded database');
    process.exit(1);
  });
} else {
  const { runBotProcess } = await import('./server/bot-process.js');
  await runBotProcess({
    config,
    logger,
    ...(role.databaseUri ? { databaseUri: role.databaseUri } : {}),
  });
}
