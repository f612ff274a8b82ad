import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { productModules, type ProductModules } from '../app-modules.js';
import { OPERATOR_ENV } from './personas.js';
import { startTestApp, type TestApp } from './test-app.js';

/** A mail the SMTP sink received. */
export interface CaughtMail {
  readonly to: string[];
  readonly data: string;
}

/**
 * A local SMTP server that keeps every message (the test's mailbox). `hold()` keeps the next
 * messages unanswered until its release (a slow server); `refuse(code)` answers each with that
 * SMTP code (4xx: try later, 5xx: never) and counts them in `refused`, until `refuse()`.
 */
export async function startSmtpSink() {
  const mails: CaughtMail[] = [];
  let held: Promise<void> | undefined;
  let releaseHeld = () => {};
  let refusing: number | undefined;
  const state = { refused: 0, waiting: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        const answer = async () => {
          if (held) {
            state.waiting++;
            await held;
            state.waiting--;
          }
          if (refusing !== undefined) {
            state.refused++;
            const err = Object.assign(new Error('mailbox unavailable'), {
              responseCode: refusing,
            });
            return callback(err);
          }
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        };
        void answer();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    /** Messages answered with an error so far. */
    get refused() {
      return state.refused;
    },
    /** Messages received and held unanswered now. */
    get waiting() {
      return state.waiting;
    },
    /** Leaves messages unanswered until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      releaseHeld = () => {
        held = undefined;
        release();
      };
      return releaseHeld;
    },
    refuse(code?: number) {
      refusing = code;
    },
    close: () => {
      releaseHeld();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until the check passes (a proactive message, a mail), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 8000
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** The mail's text as a person reads it: quoted-printable and base64 parts decoded. */
export function mailText(mail: CaughtMail): string {
  const unfolded = mail.data.replace(/=\r?\n/g, '');
  const base64Blocks = unfolded.match(/(?:^[A-Za-z0-9+/=]{16,}\r?\n)+/gm) ?? [];
  return [
    unfolded,
    ...base64Blocks.map((b) => Buffer.from(b.replace(/\s+/g, ''), 'base64').toString('utf8')),
  ].join('\n');
}

/** The 6-digit code in a verification mail. */
export function codeIn(mail: CaughtMail): string {
  // Standing alone (after a space, ">" or ":"), so header ids and MIME boundaries never match.
  const body = mailText(mail).replace(/^(Message-ID|Date|X-[\w-]+):.*$/gim, '');
  const m = /(?:^|[\s>:*])(\d{6})(?=[\s<.,]|$)/m.exec(body);
  if (!m) throw new Error('no code in mail');
  return m[1];
}

/** Delivery worker settings that keep end-to-end tests fast: quick polls, few short retries. */
export const FAST_WORKER = {
  retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 },
  pollMs: 50,
  sweepEveryMs: 200,
};

/** The real app with the product modules wired as index.ts wires them, plus the sink. */
export async function startEnrollmentApp(env: Record<string, string> = {}) {
  const smtp = await startSmtpSink();
  let app: TestApp<ProductModules>;
  try {
    app = await startTestApp(
      { ...OPERATOR_ENV, SMTP_URL: smtp.url, ...env },
      { modules: (ctx) => productModules(ctx, { worker: FAST_WORKER }) }
    );
  } catch (err) {
    await smtp.close();
    throw err;
  }
  return {
    app,
    smtp,
    get enrollment() {
      return app.app.modules.enrollment;
    },
    async stop() {
      await app.stop();
      await smtp.close();
    },
  };
}
