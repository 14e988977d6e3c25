import type { CredentialLookup } from '../auth/index.js';
import type { Principal, SessionPrincipal } from '../core/index.js';
import type { OpenIdProviderConfig } from '../idp/index.js';
import type { Upstream } from './upstream.js';

/** What the console needs from the server it is part of (wired by cli/compose.ts). */
export interface ConsoleOptions {
  /** The server's own S3 listener: every call is relayed there, signed as the signed-in principal. */
  readonly upstream: Upstream;
  readonly region: string;
  /** The deployment's master key: the console's cookie and CSRF keys derive from it. */
  readonly masterKey: Buffer;
  /** How long a session lasts (TESSERA_CONSOLE_SESSION_DURATION, at most the STS maximum). */
  readonly sessionSeconds: number;
  /** TESSERA_STS_STRICT_ROLES: AssumeRole needs a RoleArn, so keys sign in with GetSessionToken. */
  readonly strictRoles: boolean;
  /** TESSERA_SERVER_URL: the public S3 address of presigned links. */
  readonly serverUrl?: string;
  /** The configured OpenID providers (docs/openid.md). */
  readonly openid: readonly OpenIdProviderConfig[];
  /** Whether LDAP is configured (docs/ldap.md). */
  readonly ldap: boolean;
  /** The credential lookup of the S3 listener (revocations included). */
  readonly lookup: CredentialLookup<Principal>;
  /** Revokes one session (sign-out): in this process at once, in the others with the change feed. */
  readonly revoke: (session: SessionPrincipal) => Promise<void>;
  /** Where the built page is (default: `<build>/console`, or TESSERA_CONSOLE_ASSETS). */
  readonly assets?: string;
  readonly log: (message: string, err?: unknown) => void;
}
