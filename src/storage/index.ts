/**
 * Storage: the ports (types.ts) and the embedded implementation (SQLite metadata + file blobs).
 * Contract suites live in ./contract and are imported by tests directly, not from here.
 */

export { FsBlobStore } from './blob/fs-blob-store.js';
export { type EmbeddedStorage, openEmbeddedStorage, startupRecovery, storagePaths } from './embedded.js';
export { SqliteIamStore } from './iam/sqlite-iam-store.js';
export * from './iam/types.js';
export { compareUtf8, successor } from './metadata/keys.js';
export { latestVersion, type Migration, migrate, migrations, type OpenOptions } from './metadata/schema.js';
export { SqliteMetadataStore } from './metadata/sqlite-metadata-store.js';
export * from './types.js';
