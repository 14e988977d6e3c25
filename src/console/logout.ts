import type { ConsoleCall } from './call.js';
import type { ConsoleKeys } from './keys.js';
import type { ConsoleOptions } from './options.js';
import { signedIn } from './session.js';
import { clearSessionCookies } from './session-cookie.js';

/**
 * `POST /api/v1/logout`: revokes the session's STS credentials (docs/sts.md "Revocation": this
 * process at once, the others with the change feed), so the cookie is worthless even if it was
 * copied, then deletes the cookie. 204 whether or not a session was there.
 */
export async function logout(o: ConsoleOptions, keys: ConsoleKeys, call: ConsoleCall): Promise<void> {
  const current = await signedIn(o, keys, call);
  if (current !== undefined) await o.revoke(current.principal);
  call.res.statusCode = 204;
  call.res.setHeader('Set-Cookie', clearSessionCookies(call.secure, call.req));
  call.res.end();
}
