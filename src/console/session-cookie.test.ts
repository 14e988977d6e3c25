import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { csrfToken, csrfValid } from './csrf.js';
import { consoleKeys } from './keys.js';
import { type ConsoleSession, clearSessionCookies, readSession, sessionCookies } from './session-cookie.js';

const keys = consoleKeys(randomBytes(32));

function session(tokenLength: number): ConsoleSession {
  return {
    accessKey: 'ASIAEXAMPLE000000001',
    secretKey: 'secret-0123456789',
    sessionToken: 'x'.repeat(tokenLength),
    expiresAt: Date.now() + 3600_000,
    via: 'keys',
  };
}

/** The request a browser sends back with the cookies `setCookies` stored. */
function requestWith(setCookies: string[], headers: Record<string, string> = {}): IncomingMessage {
  const cookie = setCookies
    .map((c) => c.split(';')[0]!)
    .filter((p) => !p.endsWith('='))
    .join('; ');
  return { headers: { cookie, ...headers } } as unknown as IncomingMessage;
}

describe('session cookie', () => {
  it('opens what it sealed; a short session is one cookie', () => {
    const s = session(400);
    const set = sessionCookies(keys.session, s, false);
    expect(set).toHaveLength(1);
    expect(readSession(keys.session, requestWith(set), false)).toEqual(s);
  });

  it('a long session token goes over numbered cookies, each under 4 KB, and reads back', () => {
    const s = session(9000);
    const set = sessionCookies(keys.session, s, true);
    expect(set.length).toBeGreaterThan(2);
    expect(set[0]!.startsWith('__Host-tessera_console=')).toBe(true);
    expect(set[1]!.startsWith('__Host-tessera_console_1=')).toBe(true);
    for (const c of set) expect(c.length).toBeLessThan(4000);
    expect(readSession(keys.session, requestWith(set), true)).toEqual(s);
    // A shorter session later deletes the chunks the browser still holds.
    const shorter = sessionCookies(keys.session, session(100), true, requestWith(set));
    expect(shorter.filter((c) => c.includes('Max-Age=0'))).toHaveLength(set.length - 1);
    expect(clearSessionCookies(true, requestWith(set))).toHaveLength(set.length);
  });

  it('refuses a tampered, truncated, foreign-key or expired cookie', () => {
    const set = sessionCookies(keys.session, session(100), false);
    const value = set[0]!.split(';')[0]!.split('=')[1]!;
    const flip = (v: string, i: number) => v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
    for (const bad of [flip(value, 5), flip(value, value.length - 3), value.slice(0, -4), 'abc'])
      expect(readSession(keys.session, requestWith([`tessera_console=${bad}`]), false)).toBeUndefined();
    const other = consoleKeys(randomBytes(32));
    expect(readSession(other.session, requestWith(set), false)).toBeUndefined();
    const expired = sessionCookies(keys.session, { ...session(10), expiresAt: Date.now() - 1 }, false);
    expect(readSession(keys.session, requestWith(expired), false)).toBeUndefined();
  });

  it("binds the CSRF token to the session: another session's token fails", () => {
    const a = session(10);
    const b = { ...session(10), accessKey: 'ASIAEXAMPLE000000002' };
    const req = (token: string) => requestWith([], { 'x-csrf-token': token });
    expect(csrfValid(keys.csrf, a, req(csrfToken(keys.csrf, a)))).toBe(true);
    expect(csrfValid(keys.csrf, a, req(csrfToken(keys.csrf, b)))).toBe(false);
    expect(csrfValid(keys.csrf, a, req(''))).toBe(false);
  });
});
