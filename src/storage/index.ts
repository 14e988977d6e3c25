/**
 * Storage: the ports (types.ts, iam/types.ts), openStorage (open.ts) that picks a backend from the
 * configuration, the write protocol (commit.ts), and the embedded implementation (SQLite metadata
 * + file blobs). Contract suites live in ./contract and are imported by tests directly, not from
 * here (nor shipped: tsconfig.build.json leaves them out).
 */

export { FsBlobStore } from './blob/fs-blob-store.js';
export {
  type CommittedDelete,
  type CommittedWrite,
  commitObject,
  commitObjectVersioned,
  commitPart,
  commitUpload,
  commitUploadVersioned,
  removeBucket,
  removeObject,
  removeObjectVersioned,
  removeUpload,
  type WriteStores,
} from './commit.js';
export { storagePaths } from './embedded.js';
export {
  DEFAULT_MIN_FREE,
  isDiskFull,
  type MinFreeSpace,
  SpaceGuard,
  storageFull,
} from './free-space.js';
export { canListenChanges, type IamChangeListener } from './iam/pg-iam-change-listener.js';
export { openPgIamStore } from './iam/pg-iam-open.js';
export type { PgIamStore, PgIamStoreOptions } from './iam/pg-iam-store.js';
export { SqliteIamStore } from './iam/sqlite-iam-store.js';
export * from './iam/types.js';
export { guardIamStore } from './iam-space.js';
export { LeaseKeeper, type LeaseKeeperOptions, processLeaseHolder } from './lease-keeper.js';
export type { LeaseStore } from './lease-types.js';
export { compareUtf8, successor } from './metadata/keys.js';
export { openPgMetadataStore } from './metadata/pg-meta-open.js';
export type { PgMetadataStore, PgMetadataStoreOptions } from './metadata/pg-meta-store.js';
export { DEFAULT_MEMO_ENTRIES } from './metadata/read-memo.js';
export { latestVersion, type Migration, migrate, migrations, type OpenOptions } from './metadata/schema.js';
export { SqliteMetadataStore } from './metadata/sqlite-metadata-store.js';
export { redactText, redactUrl } from './migrate/redact.js';
export { migrateToPostgres } from './migrate/run.js';
export {
  type MigrationOptions,
  type MigrationProgress,
  type MigrationReport,
  MigrationStopped,
  type TableReport,
} from './migrate/types.js';
export { openStorage, type Storage, type StorageConfig } from './open.js';
export * from './types.js';
