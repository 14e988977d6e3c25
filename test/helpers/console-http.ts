import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A console answer: status, headers (Set-Cookie as a list) and the body as text. */
export interface ConsoleAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  setCookies: string[];
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

/** A browser's cookie jar, by hand: what Set-Cookie stores, sent back as Cookie. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(setCookies: readonly string[]): void {
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  copy(): CookieJar {
    const j = new CookieJar();
    for (const [k, v] of this.cookies) j.cookies.set(k, v);
    return j;
  }
}

export interface ConsoleRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  jar?: CookieJar;
  /** The CA that signed the console's certificate (https). */
  ca?: string;
}

/** One request to the console (node:http(s), so that Origin and Cookie are sent exactly as given). */
export function consoleRequest(url: string, r: ConsoleRequest = {}): Promise<ConsoleAnswer> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...r.headers };
  const cookie = r.jar?.header();
  if (cookie) headers.cookie = cookie;
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  return new Promise((resolve, reject) => {
    const options = { method: r.method ?? 'GET', headers, ...(r.ca === undefined ? {} : { ca: r.ca }) };
    const done = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const setCookies = res.headers['set-cookie'] ?? [];
        r.jar?.store(setCookies);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookies,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
      res.on('error', reject);
    };
    const req = u.protocol === 'https:' ? httpsRequest(u, options, done) : httpRequest(u, options, done);
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Signs in with keys; returns the jar and the session's CSRF token. */
export async function consoleLogin(
  consoleUrl: string,
  accessKey: string,
  secretKey: string,
  ca?: string,
): Promise<{ jar: CookieJar; csrf: string; session: Record<string, unknown> }> {
  const jar = new CookieJar();
  const res = await consoleRequest(`${consoleUrl}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey, secretKey }),
    jar,
    ...(ca === undefined ? {} : { ca }),
  });
  if (res.status !== 200) throw new Error(`login ${res.status}: ${res.text}`);
  const session = res.json();
  return { jar, csrf: session.csrfToken as string, session };
}
