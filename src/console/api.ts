import { TesseraError } from '../core/index.js';
import { relayAdmin, relayMetrics } from './admin-relay.js';
import type { ConsoleCall, SignedInCall } from './call.js';
import { csrfValid, isSafeMethod, originAllowed } from './csrf.js';
import type { ConsoleKeys } from './keys.js';
import { loginWithKeys, loginWithLdap } from './login.js';
import { logout } from './logout.js';
import { finishOpenIdLogin, startOpenIdLogin } from './openid-login.js';
import type { ConsoleOptions } from './options.js';
import { servePolicyValidate } from './policy-validate.js';
import { presign } from './presign.js';
import { relayQuery, relayS3 } from './relay.js';
import { sendJson } from './respond.js';
import { sessionBody, signedIn } from './session.js';

/** Calls made before a session exists: no CSRF token yet (the Origin check still applies). */
const SIGN_IN = new Set(['/login', '/login/ldap']);

/** A path segment decoded ('' when it is not valid percent-encoding: no provider has that name). */
function decodedSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return '';
  }
}

type Handler = (call: SignedInCall) => Promise<void>;

/** The calls that need a session, by path (the relays take their path prefix). */
function route(o: ConsoleOptions, path: string): Handler | undefined {
  if (path === '/s3' || path.startsWith('/s3/')) return (call) => relayS3(o, call, path.slice(3));
  if (path === '/iam') return (call) => relayQuery(o, call, 'iam');
  if (path === '/sts') return (call) => relayQuery(o, call, 'sts');
  if (path.startsWith('/admin/')) return (call) => relayAdmin(o, call, path.slice(6));
  if (path === '/metrics') return (call) => relayMetrics(o, call);
  if (path === '/presign') return (call) => presign(o, call);
  if (path === '/policy/validate') return (call) => servePolicyValidate(call);
  return undefined;
}

/**
 * `/api/v1/…`: the Origin check on every call that is not GET/HEAD, the sign-in calls, then
 * the session (401 ConsoleNotSignedIn without one) and its CSRF token on every call that is not
 * GET/HEAD (403 ConsoleInvalidCsrfToken), then the call.
 */
export async function serveApi(o: ConsoleOptions, keys: ConsoleKeys, call: ConsoleCall): Promise<void> {
  const method = call.req.method ?? 'GET';
  const path = call.path;
  if (!isSafeMethod(method) && !originAllowed(call.req, call.origin))
    throw new TesseraError('ConsoleForbiddenOrigin');
  if (SIGN_IN.has(path)) {
    if (method !== 'POST') throw new TesseraError('MethodNotAllowed');
    return path === '/login' ? loginWithKeys(o, keys, call) : loginWithLdap(o, keys, call);
  }
  if (path.startsWith('/login/openid/')) {
    if (method !== 'GET') throw new TesseraError('MethodNotAllowed');
    const id = decodedSegment(path.slice('/login/openid/'.length));
    return id === 'callback' ? finishOpenIdLogin(o, keys, call) : startOpenIdLogin(o, keys, call, id);
  }
  if (path === '/logout') {
    if (method !== 'POST') throw new TesseraError('MethodNotAllowed');
    const current = await signedIn(o, keys, call);
    // Sign-out is a change: it needs the token of the session it ends (a stale cookie just goes).
    if (current !== undefined && !csrfValid(keys.csrf, current.session, call.req))
      throw new TesseraError('ConsoleInvalidCsrfToken');
    return logout(o, keys, call);
  }
  if (path === '/session') {
    if (!isSafeMethod(method)) throw new TesseraError('MethodNotAllowed');
    sendJson(call.res, 200, sessionBody(o, keys, await signedIn(o, keys, call)));
    return;
  }
  const handler = route(o, path);
  if (handler === undefined) throw new TesseraError('ConsoleNotFound');
  const current = await signedIn(o, keys, call);
  if (current === undefined) throw new TesseraError('ConsoleNotSignedIn');
  if (!isSafeMethod(method) && !csrfValid(keys.csrf, current.session, call.req))
    throw new TesseraError('ConsoleInvalidCsrfToken');
  await handler(current);
}
