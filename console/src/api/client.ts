import { ApiError, errorFromBody } from './errors.js';

/**
 * The console's calls to its back end (docs/console.md "Back end"): same origin, the session in
 * an HttpOnly cookie the page never sees, and the CSRF token (from GET /api/v1/session, held in
 * memory only — never in localStorage or sessionStorage) on every call that is not a GET or HEAD.
 */
let csrfToken: string | undefined;

/** Sent on `window` when a call finds the session gone (expired, revoked, signed out elsewhere). */
export const SIGNED_OUT_EVENT = 'tessera:signed-out';

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function currentCsrfToken(): string | undefined {
  return csrfToken;
}

export interface CallOptions {
  method?: string;
  query?: Record<string, string | undefined> | URLSearchParams;
  headers?: Record<string, string>;
  body?: BodyInit | null;
  signal?: AbortSignal;
}

function withQuery(path: string, query: CallOptions['query']): string {
  if (query === undefined) return path;
  const q = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams))
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.append(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${s}`;
}

/** One call; a non-2xx answer throws an ApiError with the API's code. */
export async function call(path: string, o: CallOptions = {}): Promise<Response> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { ...o.headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(withQuery(path, o.query), {
    method,
    headers,
    body: o.body ?? null,
    credentials: 'same-origin',
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (!res.ok) {
    const text = method === 'HEAD' ? '' : await res.text();
    const error = errorFromBody(res.status, res.headers.get('content-type') ?? '', text);
    if (
      res.status === 401 &&
      (error.code === 'ConsoleNotSignedIn' || method === 'HEAD') &&
      csrfToken !== undefined
    )
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw error;
  }
  return res;
}

export async function callJson<T>(path: string, o: CallOptions = {}): Promise<T> {
  const res = await call(path, o);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** POSTs a JSON body and reads a JSON answer. */
export async function postJson<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
  return callJson<T>(path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function parseXml(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.querySelector('parsererror'))
    throw new ApiError(502, 'MalformedXML', 'The server sent XML the console cannot read.');
  return doc;
}

/** The text of each direct child named `name` of `el` (XML answers of S3 and IAM). */
export function childText(el: Element | Document, name: string): string | undefined {
  const parent = el instanceof Document ? el.documentElement : el;
  for (const c of Array.from(parent.children)) if (c.localName === name) return c.textContent ?? '';
  return undefined;
}

/** Every descendant element named `name`. */
export function all(el: Element | Document, name: string): Element[] {
  return Array.from(el.getElementsByTagName(name));
}
