/**
 * MinIO's identity management plugin (docs/plugins.md): a webhook that vouches for the opaque
 * tokens of AssumeRoleWithCustomToken. Returns verified claims, never credentials.
 */

export type { PluginFetch } from '../../core/index.js';
export {
  DEFAULT_IDENTITY_PLUGIN_TIMEOUT_MS,
  IdentityPlugin,
  type IdentityPluginConfig,
  identityPluginRoleArn,
  MAX_IDENTITY_PLUGIN_ANSWER,
  type PluginIdentity,
  sameRoleArn,
} from './client.js';
