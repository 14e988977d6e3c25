/**
 * OpenID Connect providers: settings from the environment and a WebIdentityVerifier for them.
 */
export {
  DEFAULT_ALGORITHMS,
  DEFAULT_LEEWAY_SECONDS,
  type OpenIdProviderConfig,
  parseOpenIdConfig,
  roleArnFor,
} from './config.js';
export type { FetchFn } from './discovery.js';
export {
  createOpenIdVerifier,
  MAX_ID_TOKEN_BYTES,
  type OpenIdVerifier,
  type OpenIdVerifierOptions,
} from './verifier.js';
