import { timingSafeEqual } from 'node:crypto';
import type { SessionPrincipal } from '../core/index.js';
import type { ConsoleCall, SignedInCall } from './call.js';
import { csrfToken } from './csrf.js';
import type { ConsoleKeys } from './keys.js';
import type { ConsoleOptions } from './options.js';
import { type ConsoleSession, readSession } from './session-cookie.js';

/** A sign-in choice the page offers. */
export type Provider =
  | { kind: 'openid'; id: string; displayName: string }
  | { kind: 'ldap'; displayName: string };

/** The configured OpenID providers and LDAP, for the sign-in page. */
export function providers(o: ConsoleOptions): Provider[] {
  const out: Provider[] = o.openid.map((p) => ({
    kind: 'openid',
    id: p.name,
    displayName: p.displayName ?? (p.name === 'default' ? 'OpenID' : p.name),
  }));
  if (o.ldap) out.push({ kind: 'ldap', displayName: 'LDAP' });
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The call's session: the cookie opens (sealed with this deployment's key, not expired) and the
 * server still accepts its credentials (not revoked, the parent neither disabled nor deleted).
 */
export async function signedIn(
  o: ConsoleOptions,
  keys: ConsoleKeys,
  call: ConsoleCall,
): Promise<SignedInCall | undefined> {
  const session = readSession(keys.session, call.req, call.secure);
  if (session === undefined) return undefined;
  const principal = await resolve(o, session);
  return principal === undefined ? undefined : { ...call, session, principal };
}

/** The session as the server resolves its credentials, or undefined when they no longer work. */
export async function resolve(o: ConsoleOptions, s: ConsoleSession): Promise<SessionPrincipal | undefined> {
  try {
    const c = await o.lookup(s.accessKey, s.sessionToken);
    if (c === undefined || c.principal.kind !== 'session' || !sameSecret(c.secretKey, s.secretKey))
      return undefined;
    return c.principal;
  } catch {
    // Revoked (AccessDenied), or the parent is gone (InvalidToken).
    return undefined;
  }
}

/** `principal.type` of `/session`: who signed in. */
function principalType(call: SignedInCall): string {
  const parent = call.principal.parent;
  if (parent.kind === 'federated') return call.session.via === 'ldap' ? 'ldap' : 'openid';
  return parent.kind;
}

/** The long-term access key the session derives from (root, a user, an access key), else the temporary one. */
function accessKeyOf(call: SignedInCall): string {
  const parent = call.principal.parent;
  return parent.kind === 'root' || parent.kind === 'user' || parent.kind === 'serviceAccount'
    ? parent.accessKey
    : call.principal.accessKey;
}

/** The body of `GET /api/v1/session` (and of the sign-in calls). */
export function sessionBody(o: ConsoleOptions, keys: ConsoleKeys, call: SignedInCall | undefined): unknown {
  if (call === undefined) return { signedIn: false, providers: providers(o) };
  const p = call.principal;
  return {
    signedIn: true,
    providers: providers(o),
    csrfToken: csrfToken(keys.csrf, call.session),
    principal: {
      arn: p.arn,
      name: p.name,
      type: principalType(call),
      account: p.account,
      accessKey: accessKeyOf(call),
    },
    expiration: new Date(Math.min(call.session.expiresAt, p.expiresAt)).toISOString(),
  };
}
