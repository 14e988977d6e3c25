import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore } from './blob/fs-blob-store.js';
import { type MinFreeSpace, SpaceGuard } from './free-space.js';
import { SqliteIamStore } from './iam/sqlite-iam-store.js';
import type { OpenOptions } from './metadata/schema.js';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.js';
import { refuseIfMigrated } from './migrated-mark.js';
import type { Storage } from './open.js';

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
 * The embedded backend of a data directory, created if needed: SQLite metadata and IAM tables in
 * `<dataDir>/.tessera/meta.db` (one connection each), blobs under `<dataDir>/.tessera/blobs`.
 * Opened through openStorage({ kind: 'embedded', dataDir }).
 */
export async function openEmbeddedStorage(
  dataDir: string,
  options: OpenOptions = {},
  minFree?: MinFreeSpace,
): Promise<Storage> {
  const paths = storagePaths(dataDir);
  refuseIfMigrated(dataDir);
  await mkdir(paths.root, { recursive: true });
  const blobs = await FsBlobStore.open(paths.root);
  const metadata = new SqliteMetadataStore(paths.database, options);
  let iam: SqliteIamStore;
  try {
    iam = new SqliteIamStore(paths.database, options);
  } catch (e) {
    await metadata.close();
    throw e;
  }
  const space = new SpaceGuard({ dir: paths.root, ...(minFree === undefined ? {} : { minFree }) });
  return {
    metadata,
    blobs,
    iam,
    space,
    recover: async () => {
      const referenced = new Set<string>();
      for await (const blobId of metadata.referencedBlobIds()) referenced.add(blobId);
      const removed = await blobs.collectGarbage(referenced);
      // The reserve deletes may need on a full disk (docs/operations.md), when there is room.
      await space.keepReserve();
      return removed;
    },
    close: async () => {
      await Promise.all([iam.close(), metadata.close()]);
    },
  };
}
