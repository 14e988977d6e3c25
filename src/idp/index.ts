/**
 * Identity providers (rank 2): each verifies what a caller presents and returns the verified
 * identity and the claims it maps to — never credentials.
 *
 * - `WebIdentityVerifier`, `VerifiedIdentity`: the port STS verifies web identity tokens with.
 * - `parseOpenIdConfig(env) → OpenIdProviderConfig[]`, `createOpenIdVerifier(providers)`: OpenID
 *   Connect providers (docs/openid.md).
 * - `parseLdapConfig(env) → LdapDirectoryConfig[]`, `createLdapDirectories(configs)`: LDAP /
 *   Active Directory, the `LdapDirectories` port (docs/ldap.md).
 * - `parseCertificateIdentityConfig(env)`, `loadCertificateTools()`: X.509 client certificates
 *   (AssumeRoleWithCertificate) and certificate issuing (docs/tls.md).
 * - `new IdentityPlugin(config)`: MinIO's identity management plugin (docs/plugins.md).
 */
export {
  type CertificateIdentityConfig,
  type CertificateTools,
  type CertificateTrust,
  type CertificateVerifier,
  type CertificateVerifierOptions,
  type IssuedPem,
  type IssueOptions,
  loadCertificateTools,
  parseCertificateIdentityConfig,
  type VerifiedCertificate,
} from './certificate/index.js';
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
export {
  DEFAULT_IDENTITY_PLUGIN_TIMEOUT_MS,
  IdentityPlugin,
  type IdentityPluginConfig,
  identityPluginRoleArn,
  MAX_IDENTITY_PLUGIN_ANSWER,
  type PluginFetch,
  type PluginIdentity,
  sameRoleArn,
} from './plugin/index.js';
export type { VerifiedIdentity, WebIdentityVerifier } from './types.js';
