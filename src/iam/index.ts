/**
 * The identity directory (docs/architecture.md): users, groups, managed and inline
 * policies, service accounts and bucket policies, persisted through the storage IamStore port.
 *
 * - `IamService.open({ store, masterKey, root, defaultAccountId })` → the service;
 *   `startChangeFeed()` keeps its caches coherent with every other process.
 * - `iam.lookupCredential` is auth's CredentialLookup; `iam.policySetsFor(principal, bucket)`
 *   gives policy.authorize its PrincipalPolicySets; `principalContext(principal, accountId)` the
 *   principal's condition keys.
 * - Entity operations, each taking the account first ('' = default): `iam.users`, `iam.groups`,
 *   `iam.policies`, `iam.serviceAccounts`, `iam.bucketPolicies`; errors are TesseraError with
 *   AWS IAM codes.
 * - `loadMasterKey(dataDir, env)` reads TESSERA_KMS_SECRET_KEY / MINIO_KMS_SECRET_KEY or the key file.
 * - `new PolicyPlugin(config)`: MinIO's access management plugin / OPA, the Authorizer's
 *   `policyPlugin` (docs/plugins.md).
 */
export {
  AccountDirectory,
  type CreatedAccount,
  type IamAccount,
  validateAccountName,
} from './accounts.js';
export { IamArns } from './arn.js';
export {
  type AccessCheck,
  AccessDeniedError,
  Authorizer,
  type AuthorizerOptions,
} from './authorizer.js';
export { BucketAccounts } from './bucket-accounts.js';
export { BucketPolicyDirectory } from './bucket-policies.js';
export type { CacheLimits, IamCredential } from './cache.js';
/** For import tools and benchmarks that write IAM rows directly: the secret encryption and its row binding. */
export { secretContext } from './context.js';
export { FEED_RETENTION_MS } from './feed.js';
export { GroupDirectory, type IamGroup } from './groups.js';
export { isLdapIdentity, ldapDirectoryOf } from './ldap-cache.js';
export {
  LdapIdentityDirectory,
  type LdapPolicyEntities,
  type LdapProof,
  type LdapSyncOutcome,
  MAX_TOKEN_GROUPS_CHARS,
} from './ldap-identities.js';
export { Lru } from './lru.js';
export { loadMasterKey, type MasterKey, parseMasterKey } from './master-key.js';
export {
  validateAccessKey,
  validateGroupName,
  validatePolicyName,
  validateSecretKey,
  validateTags,
  validateUserName,
} from './names.js';
export {
  type CreateOidcProviderInput,
  type IamOidcProvider,
  normalizeProviderUrl,
  OIDC_PROVIDER_LIMITS,
  OidcProviderDirectory,
} from './oidc-providers.js';
export { type IamPolicy, PolicyDirectory } from './policies.js';
export {
  DEFAULT_POLICY_PLUGIN_CACHE_ENTRIES,
  DEFAULT_POLICY_PLUGIN_CACHE_TTL_MS,
  DEFAULT_POLICY_PLUGIN_TIMEOUT_MS,
  PolicyPlugin,
  type PolicyPluginConfig,
  type PolicyPluginInput,
  type PolicyPluginStats,
  type PolicyVerdict,
  pluginInput,
} from './policy-plugin/index.js';
export { authzPrincipal, principalContext } from './principal-context.js';
export {
  type CreateRoleInput,
  type IamRole,
  ROLE_SESSION_LIMITS,
  RoleDirectory,
  validateTrustPolicy,
} from './roles.js';
export { SecretBox } from './secret-box.js';
export { IamService, type IamServiceOptions } from './service.js';
export {
  type CreateServiceAccountInput,
  type IamServiceAccount,
  ServiceAccountDirectory,
  type ServiceAccountParent,
  type ServiceAccountUpdate,
} from './service-accounts.js';
export {
  type OpenedSession,
  type SessionClaims,
  type SessionOpener,
  type SessionRoleClaim,
  sessionCredential,
  sessionParentOf,
} from './sessions.js';
export { type IamTarget, type ResolvedTarget, resolveTarget } from './targets.js';
export { type CreateUserInput, type IamUser, UserDirectory } from './users.js';
