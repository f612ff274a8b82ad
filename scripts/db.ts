import dotenv from 'dotenv';
import { mainServerCli } from '@partner-connect/embedded-mongo';
import { ConfigError, loadConfig } from '../config/config.js';
import { embeddedDataDir } from '../models/connection.js';
import { createLogger } from '../logging/logger.js';
import { OPS_COMMANDS, runOps } from '../ops/cli.js';

// `npm run db [-- --port 27017] [--dbpath DIR]`: the embedded server alone, by default on the
// bot's own folder (DATA_DIR/db, read as the bot reads it: .env, then the validated config), on
// its owner-only Unix socket; on TCP (127.0.0.1) only with --port, since it has no authentication.
// `npm run db -- dump|restore|copy ...`: ops/cli.ts (README "Backups and moving to MongoDB").
dotenv.config({ quiet: true });
const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
const sub = process.argv[2];
if ((OPS_COMMANDS as readonly string[]).includes(sub ?? '')) {
  runOps(process.argv.slice(2)).then((code) => process.exit(code));
} else
  mainServerCli({
    logger,
    defaultDbPath() {
      try {
        return embeddedDataDir(loadConfig());
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        logger.error({ problems: err.problems }, `${err.message}\n(or pass --dbpath explicitly)`);
        return undefined;
      }
    },
  });
