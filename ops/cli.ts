import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { ConfigError } from '../config/config.js';
import { redactUri } from '../models/connection.js';
import { copy, CopyRefused } from './copy.js';
import { dump } from './dump.js';
import { DumpFormatError } from './format.js';
import { restore } from './restore.js';
import { openSource, uriDatabase } from './source.js';

/** The subcommands of `npm run db --`; anything else starts the embedded server alone. */
export const OPS_COMMANDS = ['dump', 'restore', 'copy'] as const;

const USAGE = `usage:
  npm run db -- dump --out DIR [--uri URI] [--gzip]
  npm run db -- restore DIR [--uri URI] [--drop]
  npm run db -- copy --to MONGODB_URI [--uri URI] [--drop | --force] [--checkpoint FILE]
Without --uri: MONGODB_URI, else the bot's embedded database (DATA_DIR/db; the running bot's
socket when it is up, so it keeps running), or --dbpath DIR.`;

const say = (line: string): void => void process.stderr.write(line + '\n');

/** Runs one subcommand; resolves with the exit code (2: bad usage or input, 1: failure). */
export async function runOps(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        uri: { type: 'string' },
        dbpath: { type: 'string' },
        to: { type: 'string' },
        gzip: { type: 'boolean' },
        archive: { type: 'string' },
        drop: { type: 'boolean' },
        force: { type: 'boolean' },
        checkpoint: { type: 'string' },
      },
    });
  } catch (err) {
    say(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.archive !== undefined) {
    // A mongodump archive interleaves namespaces with a versioned header whose fields we could
    // only imitate; a folder (optionally --gzip) is the faithful format, so archives are refused.
    say(
      '--archive is not supported: dump to a folder (--out DIR, optionally --gzip); mongorestore reads it as is'
    );
    return 2;
  }
  try {
    if (command === 'dump') {
      if (!values.out || positionals.length > 0) return usage();
      const source = await openSource({ uri: values.uri, dbpath: values.dbpath });
      try {
        say(`dumping ${source.where} to ${path.resolve(values.out)}`);
        const result = await dump(source.client, values.out, { gzip: values.gzip, progress: say });
        say(`done: ${result.collections.length} collections (consistency: ${result.consistency})`);
      } finally {
        await source.close();
      }
      return 0;
    }
    if (command === 'restore') {
      if (positionals.length !== 1 || values.gzip !== undefined) {
        if (values.gzip !== undefined)
          say('restore reads .gz files by their names: no --gzip needed');
        return usage();
      }
      const target = await openSource({ uri: values.uri, dbpath: values.dbpath });
      try {
        say(`restoring ${path.resolve(positionals[0])} into ${target.where}`);
        const { documents } = await restore(target.client, positionals[0], {
          drop: values.drop,
          progress: say,
        });
        say(`done: ${documents} documents`);
      } finally {
        await target.close();
      }
      return 0;
    }
    if (command === 'copy') {
      if (!values.to || positionals.length > 0) return usage();
      if (values.drop && values.force) {
        say('--drop and --force exclude each other');
        return 2;
      }
      const toDb = uriDatabase(values.to);
      if (!toDb) {
        say(
          `${redactUri(values.to)} names no database, so the bot would use "test": ` +
            'add one, e.g. mongodb+srv://host/partner-connect'
        );
        return 2;
      }
      const source = await openSource({ uri: values.uri, dbpath: values.dbpath });
      const target = new MongoClient(values.to);
      try {
        if (source.live)
          say(
            'warning: the bot is running; writes made during the copy may be missed: stop it first'
          );
        await target.connect();
        say(`copying ${source.where} (${source.botDb}) to ${redactUri(values.to)}`);
        const { documents } = await copy(source.client, target, {
          fromDb: source.botDb,
          toDb,
          force: values.force,
          drop: values.drop,
          checkpointFile: values.checkpoint ?? 'db-copy.checkpoint.json',
          progress: say,
        });
        say(`done: ${documents} documents; now set MONGODB_URI and start the bot`);
      } finally {
        await target.close();
        await source.close();
      }
      return 0;
    }
    return usage();
  } catch (err) {
    if (err instanceof DumpFormatError || err instanceof CopyRefused) {
      say(err.message);
      return 2;
    }
    if (err instanceof ConfigError) {
      say(`${err.message}\n(or pass --uri or --dbpath)`);
      return 2;
    }
    say(`failed: ${(err as Error).message}`);
    return 1;
  }
}

function usage(): number {
  say(USAGE);
  return 2;
}
