import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TesseraError } from '../core/index.js';
import type { OpenIdProviderConfig } from '../idp/index.js';
import type { ConsoleCall } from './call.js';
import { readCookies, setCookie } from './cookies.js';
import type { ConsoleKeys } from './keys.js';
import { providerEndpoints } from './openid-discovery.js';
import type { ConsoleOptions } from './options.js';
import { userAgent } from './relay-headers.js';
import { SignInRefused } from './respond.js';
import { seal, unseal } from './seal.js';
import { resolve } from './session.js';
import { type ConsoleSession, sessionCookies } from './session-cookie.js';
import { askSts } from './sts-client.js';

/** The login cookie lives as long as a user may take at the provider's login page. */
const LOGIN_SECONDS = 600;
const PURPOSE = 'tessera-console-openid-login';

/** What the login cookie carries between the redirect to the provider and its answer. */
interface PendingLogin {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
}

function loginCookieName(secure: boolean): string {
  return secure ? '__Host-tessera_console_login' : 'tessera_console_login';
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function providerOf(o: ConsoleOptions, id: string): OpenIdProviderConfig {
  const p = o.openid.find((c) => c.name === id);
  if (p === undefined)
    throw new TesseraError('ConsoleNotFound', `No OpenID provider ${id.slice(0, 64)} is configured.`);
  return p;
}

function redirect(call: ConsoleCall, to: string, cookies: string[]): void {
  call.res.statusCode = 302;
  call.res.setHeader('Location', to);
  call.res.setHeader('Set-Cookie', cookies);
  call.res.end();
}

/**
 * `GET /api/v1/login/openid/<id>`: to the provider's authorization endpoint (from its discovery
 * document) with the authorization code flow, PKCE (S256), state and nonce; the verifier, state
 * and nonce wait in a sealed, HttpOnly, SameSite=Lax cookie (it must come back with the
 * provider's redirect, a cross-site navigation) for ten minutes.
 */
export async function startOpenIdLogin(
  o: ConsoleOptions,
  keys: ConsoleKeys,
  call: ConsoleCall,
  id: string,
): Promise<void> {
  const p = providerOf(o, id);
  const endpoints = await providerEndpoints(p);
  const pending: PendingLogin = {
    provider: p.name,
    state: random(),
    nonce: random(),
    verifier: random(),
    redirectUri: p.redirectUri ?? `${call.origin}/api/v1/login/openid/callback`,
    expiresAt: Date.now() + LOGIN_SECONDS * 1000,
  };
  const scopes = new Set(['openid', ...(p.scopes.length > 0 ? p.scopes : ['profile', 'email'])]);
  const url = new URL(endpoints.authorization);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', pending.redirectUri);
  url.searchParams.set('scope', [...scopes].join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', createHash('sha256').update(pending.verifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  const cookie = setCookie(loginCookieName(call.secure), seal(keys.login, PURPOSE, pending), {
    secure: call.secure,
    maxAge: LOGIN_SECONDS,
    sameSite: 'Lax',
  });
  redirect(call, url.toString(), [cookie]);
}

function readPending(keys: ConsoleKeys, call: ConsoleCall): PendingLogin | undefined {
  const raw = readCookies(call.req).get(loginCookieName(call.secure));
  if (raw === undefined) return undefined;
  const v = unseal(keys.login, PURPOSE, raw) as PendingLogin | undefined;
  if (v === undefined || typeof v.state !== 'string' || v.expiresAt <= Date.now()) return undefined;
  return v;
}

/** The claims of a JWT, unverified (STS verifies the signature; here only the nonce is read). */
function claimsOf(jwt: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The authorization code for tokens at the provider's token endpoint (client secret by HTTP Basic, RFC 6749 §2.3.1). */
async function redeem(p: OpenIdProviderConfig, pending: PendingLogin, code: string): Promise<string> {
  const endpoints = await providerEndpoints(p);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
    client_id: p.clientId,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const basic = p.clientSecret !== undefined && endpoints.authMethods.includes('client_secret_basic');
  if (basic)
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.clientSecret!)}`).toString('base64')}`;
  else if (p.clientSecret !== undefined) form.set('client_secret', p.clientSecret);
  const res = await fetch(endpoints.token, {
    method: 'POST',
    headers,
    body: form.toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.id_token !== 'string')
    throw new SignInRefused(
      'IDPRejectedClaim',
      `The provider refused the authorization code (${String(body.error ?? res.status).slice(0, 64)}).`,
    );
  return body.id_token;
}

/**
 * `GET /api/v1/login/openid/callback?code&state`: checks the state (constant time) against the
 * login cookie, redeems the code with the PKCE verifier, checks the ID token's nonce, exchanges
 * the ID token with AssumeRoleWithWebIdentity and ends with a redirect to `/`, signed in — or to
 * `/#/signin?error=<code>`.
 */
export async function finishOpenIdLogin(
  o: ConsoleOptions,
  keys: ConsoleKeys,
  call: ConsoleCall,
): Promise<void> {
  const clearLogin = setCookie(loginCookieName(call.secure), '', {
    secure: call.secure,
    maxAge: 0,
    sameSite: 'Lax',
  });
  const fail = (code: string) => redirect(call, `/#/signin?error=${encodeURIComponent(code)}`, [clearLogin]);
  const q = new URLSearchParams(call.rawQuery);
  const pending = readPending(keys, call);
  const state = q.get('state') ?? '';
  if (pending === undefined || !same(state, pending.state)) return fail('InvalidState');
  const error = q.get('error');
  if (error !== null) return fail(/^[\w.-]{1,64}$/.test(error) ? error : 'AccessDenied');
  const code = q.get('code');
  if (code === null || code === '') return fail('InvalidRequest');
  try {
    const p = providerOf(o, pending.provider);
    const idToken = await redeem(p, pending, code);
    const nonce = claimsOf(idToken).nonce;
    if (typeof nonce !== 'string' || !same(nonce, pending.nonce)) return fail('InvalidNonce');
    const creds = await askSts(
      o,
      {
        Action: 'AssumeRoleWithWebIdentity',
        WebIdentityToken: idToken,
        DurationSeconds: String(o.sessionSeconds),
        RoleSessionName: 'tessera-console',
        ...(p.roleArn === undefined ? {} : { RoleArn: p.roleArn }),
      },
      userAgent(call.req),
    );
    const session: ConsoleSession = { ...creds, via: 'openid' };
    if ((await resolve(o, session)) === undefined) return fail('InternalError');
    redirect(call, '/', [...sessionCookies(keys.session, session, call.secure, call.req), clearLogin]);
  } catch (e) {
    if (e instanceof SignInRefused) return fail(e.code);
    if (e instanceof TesseraError) return fail(e.code);
    o.log('console: OpenID sign-in failed', e);
    return fail('InternalError');
  }
}
