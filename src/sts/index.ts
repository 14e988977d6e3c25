/**
 * STS (rank 3): temporary credentials.
 *
 * - `createStsApi({ iam, authorizer, keys }) → StsApi`: the STS Query API (AssumeRole,
 *   GetSessionToken, GetCallerIdentity), answering AWS's XML.
 * - `StsKeyring.derive(masterKey, currentId, acceptedIds)`: the session-token keys.
 * - `sessionOpener(keys)`: the SessionOpener IAM resolves temporary credentials with.
 */
export { createStsApi, STS_NS, STS_VERSION, type StsApiOptions, stsApiActions } from './api.js';
export { StsKeyring, sessionSecret } from './keys.js';
export {
  DEFAULT_LDAP_SYNC_INTERVAL_MS,
  LdapSync,
  type LdapSyncChange,
  type LdapSyncOptions,
  type LdapSyncReport,
} from './ldap-sync.js';
export { IssuanceLimiter, type IssuanceLimits, limitKey } from './limits.js';
export { MAX_TOKEN_LENGTH, sealSession, sessionOpener } from './token.js';
export {
  DEFAULT_STS_LIMITS,
  MAX_CONFIGURABLE_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  type StsApi,
  type StsApiRequest,
  type StsApiResponse,
  type StsLimits,
} from './types.js';
export { UNSIGNED_STS_ACTIONS } from './web-identity.js';
