import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConsoleSession } from './session-cookie.js';

/** The session's CSRF token: HMAC of its temporary access key, so it is worth nothing with another session. */
export function csrfToken(key: Buffer, session: ConsoleSession): string {
  return createHmac('sha256', key).update(`csrf\u0000${session.accessKey}`).digest('base64url');
}

/** Whether the request carries the session's token in X-CSRF-Token (compared in constant time). */
export function csrfValid(key: Buffer, session: ConsoleSession, req: IncomingMessage): boolean {
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent === '') return false;
  const want = Buffer.from(csrfToken(key, session));
  const got = Buffer.from(sent);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Methods that change nothing: the only ones allowed without a token. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * The Origin check (OWASP's "verify origin with standard headers"): a browser sends Origin on
 * every cross-origin request and on same-origin non-GET ones; when present it must be the console's.
 */
export function originAllowed(req: IncomingMessage, ownOrigin: string): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === ownOrigin;
}
