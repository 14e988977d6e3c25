import type { IncomingMessage } from 'node:http';

/** The request's cookies by name (the first of a repeated name wins). */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export interface CookieFlags {
  /** Over TLS: Secure (and the __Host- prefix is allowed). */
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  readonly maxAge: number;
  /** Strict for the session; Lax for the OpenID login cookie, which must come back from the provider's redirect. */
  readonly sameSite: 'Strict' | 'Lax';
}

/** One Set-Cookie value: HttpOnly, Path=/, SameSite, Secure over TLS. */
export function setCookie(name: string, value: string, f: CookieFlags): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${f.sameSite}`,
    `Max-Age=${Math.max(0, Math.floor(f.maxAge))}`,
    ...(f.secure ? ['Secure'] : []),
  ].join('; ');
}
