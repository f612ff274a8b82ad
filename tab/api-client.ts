import type { Person } from './api-types.js';
import type { TabLanguage } from './i18n.js';

/** An API refusal: the contract's `{ error: { code, message } }` (or problem+json's title). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** problem+json's per-field refusals (`body.name`), shown beside the field typed. */
    readonly fields: readonly { readonly field: string; readonly message: string }[] = []
  ) {
    super(message);
  }
}

/** Calls /api/v1 with the signed-in person's bearer token and the tab's language. */
export class ApiClient {
  /**
   * `token`: the bearer token, or in Teams a function asked before every call: TeamsJS hands
   * out its cached SSO token and a fresh one once that expires (a tab stays open for hours).
   */
  constructor(
    private readonly token: string | (() => Promise<string>),
    private readonly language: TabLanguage,
    private readonly base = '/api/v1'
  ) {}

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.call<T>('GET', path + queryString(query));
  }

  /** A resource with its `ETag`, to send back as `If-Match` so a stale tab changes nothing. */
  async getTagged<T>(path: string): Promise<{ body: T; etag: string | null }> {
    const res = await this.send('GET', path);
    return { body: (await res.json()) as T, etag: res.headers.get('ETag') };
  }

  post<T>(path: string, body: unknown = {}, etag?: string | null): Promise<T> {
    return this.call<T>('POST', path, body, etag);
  }

  put<T>(path: string, body: unknown, etag?: string | null): Promise<T> {
    return this.call<T>('PUT', path, body, etag);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /** A CSV export as a file the browser saves: fetched with the token, never put in a URL. */
  async download(path: string, query: Record<string, string | number | undefined>) {
    const res = await fetch(this.base + path + queryString(query), {
      headers: await this.headers(),
    });
    if (!res.ok) throw await apiError(res);
    return res.blob();
  }

  private async headers(): Promise<Record<string, string>> {
    const token = typeof this.token === 'string' ? this.token : await this.token();
    return { Authorization: `Bearer ${token}`, 'Accept-Language': this.language };
  }

  private async call<T>(method: string, path: string, body?: unknown, etag?: string | null) {
    const res = await this.send(method, path, body, etag);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  private async send(method: string, path: string, body?: unknown, etag?: string | null) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(await this.headers()),
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(etag ? { 'If-Match': etag } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw await apiError(res);
    return res;
  }
}

export function queryString(query?: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function apiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
    code?: string;
    title?: string;
    detail?: string;
    fields?: { field: string; message: string }[];
  };
  const code = body.error?.code ?? body.code ?? `http_${res.status}`;
  const message = body.error?.message ?? body.title ?? body.detail ?? res.statusText;
  return new ApiError(res.status, code, message, Array.isArray(body.fields) ? body.fields : []);
}

/** Open mode's people to sign in as (404 with an app id: sign-in is Teams SSO only). */
export async function devPersonas(base = '/api/v1'): Promise<Person[] | null> {
  const res = await fetch(`${base}/dev/personas`, { headers: { Accept: 'application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw await apiError(res);
  return ((await res.json()) as { personas: Person[] }).personas;
}

/** Open mode: a token for one of the personas. */
export async function devSignIn(aadObjectId: string, base = '/api/v1'): Promise<string> {
  const res = await fetch(`${base}/dev/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ aadObjectId }),
  });
  if (!res.ok) throw await apiError(res);
  return ((await res.json()) as { token: string }).token;
}
