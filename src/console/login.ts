import { TesseraError } from '../core/index.js';
import type { ConsoleCall } from './call.js';
import { readJsonObject, stringField } from './json-body.js';
import type { ConsoleKeys } from './keys.js';
import type { ConsoleOptions } from './options.js';
import { userAgent } from './relay-headers.js';
import { sendJson } from './respond.js';
import { resolve, sessionBody } from './session.js';
import { type ConsoleSession, type SignInKind, sessionCookies } from './session-cookie.js';
import { askSts, type StsCredentials } from './sts-client.js';

/** Sets the session cookie for fresh credentials and answers like `/session`. */
export async function startSession(
  o: ConsoleOptions,
  keys: ConsoleKeys,
  call: ConsoleCall,
  creds: StsCredentials,
  via: SignInKind,
): Promise<string[]> {
  const session: ConsoleSession = { ...creds, via };
  const principal = await resolve(o, session);
  if (principal === undefined)
    throw new TesseraError('InternalError', 'The issued credentials do not resolve.');
  const cookies = sessionCookies(keys.session, session, call.secure, call.req);
  sendJson(call.res, 200, sessionBody(o, keys, { ...call, session, principal }), cookies);
  return cookies;
}

/**
 * `POST /api/v1/login {accessKey, secretKey}`: the keys are exchanged, server-side, for STS
 * credentials of the console's session length — AssumeRole without a RoleArn, as MinIO's
 * console does (the caller's own permissions; root, users and access keys alike), or
 * GetSessionToken when strict roles make a RoleArn mandatory. The secret key is used for this one
 * signature and kept nowhere.
 */
export async function loginWithKeys(o: ConsoleOptions, keys: ConsoleKeys, call: ConsoleCall): Promise<void> {
  const body = await readJsonObject(call.req);
  const accessKey = stringField(body, 'accessKey', 128);
  const secretKey = stringField(body, 'secretKey', 1024);
  const duration = String(o.sessionSeconds);
  const params = o.strictRoles
    ? { Action: 'GetSessionToken', DurationSeconds: duration }
    : { Action: 'AssumeRole', RoleSessionName: 'tessera-console', DurationSeconds: duration };
  const creds = await askSts(o, params, userAgent(call.req), { accessKey, secretKey });
  await startSession(o, keys, call, creds, 'keys');
}

/** `POST /api/v1/login/ldap {username, password}`: AssumeRoleWithLDAPIdentity. */
export async function loginWithLdap(o: ConsoleOptions, keys: ConsoleKeys, call: ConsoleCall): Promise<void> {
  if (!o.ldap) throw new TesseraError('ConsoleNotFound', 'LDAP is not configured.');
  const body = await readJsonObject(call.req);
  const params = {
    Action: 'AssumeRoleWithLDAPIdentity',
    LDAPUsername: stringField(body, 'username', 1024),
    LDAPPassword: stringField(body, 'password', 1024),
    DurationSeconds: String(o.sessionSeconds),
  };
  const creds = await askSts(o, params, userAgent(call.req));
  await startSession(o, keys, call, creds, 'ldap');
}
