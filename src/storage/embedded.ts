import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore } from './blob/fs-blob-store.js';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.js';
import type { BlobStore, MetadataStore } from './types.js';

export interface EmbeddedStorage {
  metadata: MetadataStore;
  blobs: BlobStore;
}

/** Where the embedded storage keeps its files inside a data directory. */
export function storagePaths(dataDir: string): {
  root: string;
  database: string;
  blobs: string;
  tmp: string;
} {
  const root = join(dataDir, '.tessera');
  return { root, database: join(root, 'meta.db'), blobs: join(root, 'blobs'), tmp: join(root, 'tmp') };
}

/**
 * Opens the embedded storage of a data directory, creating it if needed: SQLite metadata in
 * `<dataDir>/.tessera/meta.db`, blobs under `<dataDir>/.tessera/blobs`. Every worker process
 * opens its own; they share the files.
 * @example const storage = await openEmbeddedStorage('./data');
 */
export async function openEmbeddedStorage(dataDir: string): Promise<EmbeddedStorage> {
  const paths = storagePaths(dataDir);
  await mkdir(paths.root, { recursive: true });
  const blobs = await FsBlobStore.open(paths.root);
  const metadata = new SqliteMetadataStore(paths.database);
  return { metadata, blobs };
}

/**
 * Start-up recovery, run by the primary process before any worker starts: removes temporary
 * files left by a crash and blobs that no committed object or part references (written but
 * never committed, or freed by a commit whose deletes did not run). Returns how many it removed.
 */
export async function startupRecovery(storage: EmbeddedStorage): Promise<number> {
  const referenced = new Set<string>();
  for await (const blobId of storage.metadata.referencedBlobIds()) referenced.add(blobId);
  return storage.blobs.collectGarbage(referenced);
}
