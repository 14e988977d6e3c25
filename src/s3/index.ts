export * from './access.js';
export * from './checksum-headers.js';
export * from './context.js';
export {
  type LifecycleAction,
  LifecycleScanner,
  type ScannerOptions,
  type ScanResult,
} from './lifecycle/scanner.js';
export * from './names.js';
export type { DamageKind, DamageReport, DamageSink } from './object-reader.js';
export type * from './operation.js';
export * from './ops/index.js';
export { type DigestThreads, startDigestThreads } from './parallel-digest/index.js';
export * from './router.js';
export * from './s3-access.js';
export {
  DEFAULT_ORPHAN_MIN_AGE_MS,
  type ScanFinding,
  type ScanPage,
  type ScanRequest,
  ScanService,
  type ScanServiceOptions,
} from './scan/scan-service.js';
