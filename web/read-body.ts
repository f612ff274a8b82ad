import type { IncomingMessage } from 'node:http';

/** Largest /api/messages body accepted; Teams activities are far smaller (cards included). */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/** How long a body may take to arrive once the headers are in; Teams sends it at once. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Deepest nesting of objects and arrays accepted. A real activity nests far less: an Adaptive
 * Card's Action.Execute arrives as `value.action.data.<input>` (4 levels under the activity), and
 * a card echoed in `attachments[].content` nests containers, columns and items a dozen or two
 * deep. Thousands of levels are only an attack: parsing them is cheap, but every recursive walk
 * afterwards (the SDK's, ours) overflows the stack and answers 500.
 */
export const MAX_JSON_DEPTH = 64;

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly status: 400 | 408 | 413 | 415;
      readonly error: string;
      readonly message: string;
    };

/**
 * Reads and parses a JSON body, refusing it as soon as it passes `limit` bytes (by
 * Content-Length when declared, else while streaming) so an oversized body is never buffered.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_ACTIVITY_BYTES,
  timeoutMs = BODY_TIMEOUT_MS
): Promise<BodyResult> {
  const tooLarge = {
    ok: false,
    status: 413,
    error: 'payload_too_large',
    message: `The body exceeds ${limit} bytes.`,
  } as const;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return tooLarge;

  const read = await readRaw(req, limit, timeoutMs);
  if (read === 'tooLarge') return tooLarge;
  if (read === 'timeout') return slow(timeoutMs);
  if (read === 'error')
    return { ok: false, status: 400, error: 'bad_body', message: 'The body could not be read.' };
  const text = read.toString('utf8');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return {
      ok: false,
      status: 400,
      error: 'too_deep',
      message: `The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`,
    };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      status: 400,
      error: 'invalid_json',
      message: 'The body is not valid JSON.',
    };
  }
}

/**
 * Reads a text body (an uploaded CSV) under the same size and time limits as a JSON one,
 * decoded as UTF-8; a refusal is the same 413 / 408 / 400.
 */
export async function readTextBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs = BODY_TIMEOUT_MS
): Promise<{ readonly ok: true; readonly value: string } | Extract<BodyResult, { ok: false }>> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = {
    ok: false,
    status: 413,
    error: 'payload_too_large',
    message: `The body exceeds ${limit} bytes.`,
  } as const;
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  const read = await readRaw(req, limit, timeoutMs);
  if (read === 'tooLarge') return tooLarge;
  if (read === 'timeout') return slow(timeoutMs) as Extract<BodyResult, { ok: false }>;
  if (read === 'error')
    return { ok: false, status: 400, error: 'bad_body', message: 'The body could not be read.' };
  return { ok: true, value: read.toString('utf8') };
}

/** The body's media type is JSON: `application/json`, any parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The 415 answer for a body that is not declared as JSON. */
export const NOT_JSON = {
  ok: false,
  status: 415,
  error: 'unsupported_media_type',
  message: 'The body must be application/json.',
} as const satisfies BodyResult;

/**
 * True when `text` opens more than `max` objects or arrays inside one another. One pass over the
 * characters, brackets inside strings skipped; no parse. Malformed text is left to JSON.parse.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character (a quote among them)
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The raw body, unless it passes `limit` or does not arrive within `timeoutMs`: a client that
 * declares a body and then stalls must not hold the connection, however slowly it trickles. On
 * a refusal the rest is left unread (the caller answers with `Connection: close`).
 */
function readRaw(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number
): Promise<Buffer | 'tooLarge' | 'timeout' | 'error'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'tooLarge' | 'timeout' | 'error') => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (typeof result === 'string') req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish('tooLarge');
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = () => finish('error');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function slow(timeoutMs: number): BodyResult {
  return {
    ok: false,
    status: 408,
    error: 'request_timeout',
    message: `The body did not arrive within ${timeoutMs} ms.`,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why a parsed body is not an activity the adapter can run, or undefined when it is. The
 * Bot Framework protocol requires these fields; the SDK answers 500 when they are missing or of
 * the wrong type, which would blame the bot for a bad request.
 */
export function activityProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'the body is not a JSON object';
  const requiredStrings = ['type', 'channelId', 'serviceUrl'] as const;
  for (const field of requiredStrings) {
    if (typeof value[field] !== 'string' || value[field] === '')
      return `"${field}" must be a non-empty string`;
  }
  if (!isObject(value.conversation) || typeof value.conversation.id !== 'string') {
    return '"conversation.id" must be a string';
  }
  for (const field of ['from', 'recipient', 'channelData'] as const) {
    if (value[field] !== undefined && !isObject(value[field]))
      return `"${field}" must be an object`;
  }
  for (const field of ['id', 'text', 'locale', 'replyToId', 'name'] as const) {
    if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') {
      return `"${field}" must be a string`;
    }
  }
  return undefined;
}
