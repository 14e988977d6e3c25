/**
 * The web console's back end (rank 5; docs/console.md): the console listener serving the
 * single-page app (console/, built into `<build>/console`) and `/api/v1/…` — sign-in with keys,
 * LDAP or OpenID exchanged for STS credentials held in a sealed cookie, CSRF and Origin checks,
 * and relays that sign each call with the session's credentials to the server's own S3 listener.
 *
 * - `createConsoleListener(options, tls?) → { server, listen(host, port), close() }`.
 */

export { CONTENT_SECURITY_POLICY } from './headers.js';
export { type ConsoleListener, createConsoleListener } from './listener.js';
export type { ConsoleOptions } from './options.js';
export type { Upstream } from './upstream.js';
