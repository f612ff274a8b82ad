import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/config.js';
import { hasKey, languageOf, t, type Language } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';

/** One mail to send: the template (`mail:<templateKey>.subject|text|html`) and its values. */
export interface MailMessage {
  readonly to: string;
  readonly templateKey: string;
  readonly language: Language;
  readonly values: Record<string, unknown>;
}

/** Sends templated mail (verification codes, invitations, notification fallbacks). */
export interface MailService {
  send(msg: MailMessage): Promise<void>;
}

/** `alice@contoso.com` -> `a***@contoso.com`: enough to tell mails apart in logs, not to use. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

const EMAIL = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+/g;

/** Every address in a text masked (`a***@contoso.com`). */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (address) => maskEmail(address));
}

/**
 * nodemailer's errors name the recipient in full (`message`, `response`, `rejected`,
 * `rejectedErrors`, `envelope`): whoever logs a failed send would write the contact's address.
 * The error passed on keeps what an operator needs (SMTP code, command, response) with every
 * address masked.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
    readonly command: string | undefined,
    readonly response: string | undefined
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

function redactedMailError(err: unknown, templateKey: string): MailSendError {
  const e = (err ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? maskEmails(v) : undefined);
  return new MailSendError(
    `mail ${templateKey} not sent: ${maskEmails(String(e.message ?? err))}`,
    str(e.code),
    typeof e.responseCode === 'number' ? e.responseCode : undefined,
    str(e.command),
    str(e.response)
  );
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );

/** Renders a template in a language; `html` falls back to the text in paragraphs. */
export function renderMail(
  templateKey: string,
  language: Language,
  values: Record<string, unknown>
) {
  const base = `mail:${templateKey}`;
  if (!hasKey(language, `${base}.subject`) && !hasKey('en', `${base}.subject`)) {
    throw new Error(`unknown mail template ${templateKey}`);
  }
  const subject = t(language, `${base}.subject`, values);
  const text = t(language, `${base}.text`, values);
  const safe = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : v])
  );
  const html = hasKey(language, `${base}.html`)
    ? t(language, `${base}.html`, safe)
    : text
        .split(/\n{2,}/)
        .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
        .join('\n');
  return { subject, text, html };
}

/**
 * Mail through nodemailer: SMTP when `SMTP_URL` is set, otherwise each message is written as an
 * `.eml` file under `DATA_DIR/mail` (open it in any mail client) so development needs no server.
 */
export class NodemailerMailService implements MailService {
  private readonly transport: Transporter;
  private readonly log: Logger;
  private readonly mailDir?: string;

  constructor(
    private readonly config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>,
    logger: Logger
  ) {
    this.log = logger.child({ module: 'mail' });
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport(config.smtpUrl);
    } else {
      this.mailDir = path.join(config.dataDir, 'mail');
      this.transport = nodemailer.createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'unix',
      });
    }
  }

  async send(msg: MailMessage): Promise<void> {
    const language = languageOf(msg.language);
    const { subject, text, html } = renderMail(msg.templateKey, language, msg.values);
    let info: unknown;
    try {
      info = await this.transport.sendMail({
        from: this.config.mailFrom,
        to: msg.to,
        subject,
        text,
        html,
      });
    } catch (err) {
      throw redactedMailError(err, msg.templateKey);
    }
    let file: string | undefined;
    if (this.mailDir) {
      // Owner-only: the mails hold codes and addresses.
      await fs.mkdir(this.mailDir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing folder's mode alone: one an older version made 0755 is tightened.
      await fs.chmod(this.mailDir, 0o700).catch((err: Error) => {
        this.log.warn({ err: err.message }, 'could not make the mail folder owner-only');
      });
      file = path.join(
        this.mailDir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`
      );
      await fs.writeFile(file, (info as { message: Buffer }).message, { mode: 0o600 });
    }
    this.log.info(
      {
        to: maskEmail(msg.to),
        template: msg.templateKey,
        language,
        ...(file ? { file: path.basename(file) } : {}),
      },
      'mail sent'
    );
  }

  /** Closes SMTP connections (no-op for files). */
  close(): void {
    this.transport.close();
  }
}
