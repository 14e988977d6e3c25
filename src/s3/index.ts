export * from './access.js';
export { authorizeWithAcls } from './acl/authorize.js';
export * from './checksum-headers.js';
export * from './context.js';
export {
  actualRequestHeaders,
  corsTarget,
  deserializeCors,
  type PreflightBucket,
  preflightHeaders,
} from './cors/index.js';
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
export type { PostFormAuthority } from './post-object/authority.js';
export { publicBucketRestrictions, readPublicAccessBlock } from './public-access/index.js';
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
export { BuiltinKms, type KmsKeyInfo } from './sse/index.js';
