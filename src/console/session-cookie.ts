import type { IncomingMessage } from 'node:http';
import { readCookies, setCookie } from './cookies.js';
import { seal, unseal } from './seal.js';

/** How the session was signed in. */
export type SignInKind = 'keys' | 'ldap' | 'openid';

/** What the session cookie holds: the STS credentials of the signed-in principal. */
export interface ConsoleSession {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken: string;
  /** When the credentials expire (epoch ms). */
  readonly expiresAt: number;
  readonly via: SignInKind;
}

/** Browsers keep ~4 KB per cookie (name and attributes included): longer values go over numbered cookies. */
const CHUNK = 3800;
/** Most chunks (a session token is at most a few KB; MAX_TOKEN_LENGTH bounds it). */
const MAX_CHUNKS = 8;
const PURPOSE = 'tessera-console-session';

/** `__Host-tessera_console` over TLS (bound to this origin, Secure, Path=/), `tessera_console` otherwise. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-tessera_console' : 'tessera_console';
}

function chunkName(base: string, i: number): string {
  return i === 0 ? base : `${base}_${i}`;
}

function isSession(v: unknown): v is ConsoleSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.accessKey === 'string' &&
    typeof s.secretKey === 'string' &&
    typeof s.sessionToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    (s.via === 'keys' || s.via === 'ldap' || s.via === 'openid')
  );
}

/**
 * The Set-Cookie values that store `session` (sealed, split when long), deleting the chunks of
 * an earlier, longer session that `req` still carries.
 */
export function sessionCookies(
  key: Buffer,
  session: ConsoleSession,
  secure: boolean,
  req?: IncomingMessage,
  now = Date.now(),
): string[] {
  const sealed = seal(key, PURPOSE, session);
  const base = sessionCookieName(secure);
  const maxAge = (session.expiresAt - now) / 1000;
  const held = req === undefined ? new Map<string, string>() : readCookies(req);
  const out: string[] = [];
  const count = Math.ceil(sealed.length / CHUNK);
  if (count > MAX_CHUNKS) throw new Error('the session is too long for the cookie');
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const name = chunkName(base, i);
    const part = sealed.slice(i * CHUNK, (i + 1) * CHUNK);
    if (i < count) out.push(setCookie(name, part, { secure, maxAge, sameSite: 'Strict' }));
    else if (held.has(name)) out.push(setCookie(name, '', { secure, maxAge: 0, sameSite: 'Strict' }));
  }
  return out;
}

/** The Set-Cookie values that delete the session cookie and the chunks `req` carries. */
export function clearSessionCookies(secure: boolean, req: IncomingMessage): string[] {
  const base = sessionCookieName(secure);
  const held = readCookies(req);
  return Array.from({ length: MAX_CHUNKS }, (_, i) => chunkName(base, i))
    .filter((name, i) => i === 0 || held.has(name))
    .map((name) => setCookie(name, '', { secure, maxAge: 0, sameSite: 'Strict' }));
}

/** The request's session, or undefined (no cookie, tampered, sealed under another key, or expired). */
export function readSession(
  key: Buffer,
  req: IncomingMessage,
  secure: boolean,
  now = Date.now(),
): ConsoleSession | undefined {
  const cookies = readCookies(req);
  const base = sessionCookieName(secure);
  let sealed = '';
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(chunkName(base, i));
    if (part === undefined || part === '') break;
    sealed += part;
  }
  if (sealed === '') return undefined;
  const v = unseal(key, PURPOSE, sealed);
  if (!isSession(v) || v.expiresAt <= now) return undefined;
  return v;
}
