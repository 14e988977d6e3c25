/**
 * MinIO's access management plugin / OPA (docs/plugins.md): every authorization question sent
 * in MinIO's input format, the plugin's boolean result deciding; failures deny.
 */

export type { PluginFetch } from '../../core/index.js';
export {
  DEFAULT_POLICY_PLUGIN_CACHE_ENTRIES,
  DEFAULT_POLICY_PLUGIN_CACHE_TTL_MS,
  DEFAULT_POLICY_PLUGIN_TIMEOUT_MS,
  MAX_POLICY_PLUGIN_ANSWER,
  PolicyPlugin,
  type PolicyPluginConfig,
  type PolicyPluginStats,
  type PolicyVerdict,
  verdictOf,
} from './client.js';
export { minioConditions, type PolicyPluginInput, pluginInput, s3Target } from './input.js';
