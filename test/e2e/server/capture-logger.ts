import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../logging/logger.js';

/** The product logger (its redaction included) keeping every JSON line, to assert on what the server logs. */
export function captureLogger(): { logger: Logger; lines: Record<string, any>[]; raw: string[] } {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines, raw };
}
