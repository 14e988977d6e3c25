/**
 * Identity providers (rank 2): each verifies what a caller presents and returns the verified
 * identity and the claims it maps to — never credentials.
 *
 * - `WebIdentityVerifier`, `VerifiedIdentity`: the port STS verifies web identity tokens with.
 * - `parseOpenIdConfig(env) → OpenIdProviderConfig[]`, `createOpenIdVerifier(providers)`: OpenID
 *   Connect providers (docs/openid.md).
 * - `parseLdapConfig(env) → LdapDirectoryConfig[]`, `createLdapDirectories(configs)`: LDAP /
 *   Active Directory, the `LdapDirectories` port (docs/ldap.md).
 */
export {
  createLdapDirectories,
  DEFAULT_LDAP_POOL_SIZE,
  DEFAULT_LDAP_TIMEOUT_MS,
  type LdapAttributes,
  type LdapCheckStep,
  type LdapDirectories,
  type LdapDirectoriesOptions,
  type LdapDirectoryConfig,
  type LdapLogin,
  type LdapUserState,
  parseLdapConfig,
} from './ldap/index.js';
export {
  createOpenIdVerifier,
  DEFAULT_ALGORITHMS,
  DEFAULT_LEEWAY_SECONDS,
  type FetchFn,
  MAX_ID_TOKEN_BYTES,
  type OpenIdProviderConfig,
  type OpenIdVerifier,
  type OpenIdVerifierOptions,
  parseOpenIdConfig,
  roleArnFor,
} from './openid/index.js';
export type { VerifiedIdentity, WebIdentityVerifier } from './types.js';
