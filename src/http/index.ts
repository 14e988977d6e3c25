/**
 * The HTTP layer (rank 4): the server, the request pipeline, one front door per API (S3, the
 * IAM/STS Query API, MinIO admin, health, metrics), and the only place wire errors are rendered.
 * `createS3Server(options, timeouts)` → a node:http server (not yet listening).
 */

export type { Api, ApiName, Authenticated, WireError } from './apis/api.js';
export { createHealthApi, type HealthApiOptions, type HealthProbe } from './apis/health-api.js';
export {
  createMetricsApi,
  type MetricsApiOptions,
  type MetricsText,
  PROMETHEUS_CHECK,
} from './apis/metrics-api.js';
export type { AuditTargetCounts } from './audit-metrics.js';
export { DebugNote } from './client-gone.js';
export { fanOut, optionalFanOut } from './fan-out.js';
export { LATENCY_BUCKETS, RequestMetrics, type RequestMetricsOptions } from './metrics.js';
export type { PipelineOptions } from './pipeline.js';
export { type PolicyPluginCounts, policyPluginCounters } from './plugin-metrics.js';
export { renderIamError } from './render-iam-error.js';
export { TrustedProxies } from './request-context.js';
export type { EventSink, RequestEvent } from './request-event.js';
export { createS3Server } from './server.js';
export { type ConnectionTimeouts, DEFAULT_TIMEOUTS } from './timeouts.js';
export {
  loadTlsMaterial,
  type TlsMaterial,
  TlsReloader,
  type TlsReloaderOptions,
  type TlsSource,
} from './tls/index.js';
