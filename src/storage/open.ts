import { CachedBlobStore } from './blob/cached-blob-store.js';
import { ReadCache } from './blob/read-cache.js';
import { openEmbeddedStorage } from './embedded.js';
import type { MinFreeSpace, SpaceGuard } from './free-space.js';
import type { IamStore } from './iam/types.js';
import type { LeaseStore } from './lease-types.js';
import { openSharedStorage, type SharedStorageOptions } from './metadata/pg-shared-storage.js';
import type { BlobStore, MetadataStore } from './types.js';

/**
 * Which storage backend to open: the embedded one (SQLite + files in the data directory), or
 * shared mode (docs/shared-mode.md: metadata and IAM in PostgreSQL, blobs in the data directory
 * on a filesystem every server mounts).
 */
export type StorageConfig = (EmbeddedConfig | ({ kind: 'postgres' } & SharedStorageOptions)) &
  ReadCacheConfig;

type ReadCacheConfig = {
  /**
   * TESSERA_READ_CACHE_SIZE: bytes of whole blobs this process keeps in memory for reads
   * (blob/read-cache.ts, docs/operations.md "Read cache"); 0 or absent: no cache.
   */
  readCacheSize?: number;
};

type EmbeddedConfig = {
  kind: 'embedded';
  /** The data directory: SQLite metadata in `<dataDir>/.tessera/meta.db`, blobs beside it. */
  dataDir: string;
  /** Milliseconds a writer waits for another process's lock before SlowDown (default 10 s). */
  busyTimeoutMs?: number;
  /** Writes are refused below this much free space (default 1 %, at most 1 GiB). */
  minFreeSpace?: MinFreeSpace;
  /** TESSERA_METADATA_CACHE_ENTRIES: object reads remembered while the database is unchanged (metadata/read-memo.ts). */
  metadataCacheEntries?: number;
};

/** An opened backend: the ports, start-up recovery, and one close for everything. */
export interface Storage {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly iam: IamStore;
  /** Free-space threshold and the reserve deletes may use on a full disk. */
  readonly space?: SpaceGuard;
  /**
   * Start-up recovery, run by the primary process before any worker starts: removes temporary
   * files left by a crash and blobs that no committed object or part references (written but
   * never committed, or freed by a commit whose deletes did not run). Returns how many.
   */
  recover(): Promise<number>;
  /**
   * Shared mode only (docs/shared-mode.md): cluster leases, so one server runs a background job.
   * Absent in embedded mode (one machine).
   */
  readonly leases?: LeaseStore;
  /**
   * Shared mode only: removes temporary files and unreferenced blobs last modified more than
   * `graceMs` ago (younger ones may be another server's upload in progress). Run under a lease.
   */
  collectOrphans?(graceMs: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the storage backend `config` names, creating it if needed. Every worker process opens
 * its own; they share the files (or the database server). With `readCacheSize`, the blob store
 * comes with a read cache of that many bytes (blob/cached-blob-store.ts).
 * @example const storage = await openStorage({ kind: 'embedded', dataDir: './data' });
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  return withReadCache(await openBackend(config), config.readCacheSize ?? 0);
}

/** `storage` with a read cache of `capacity` bytes beside its blob store (none at 0). */
function withReadCache(storage: Storage, capacity: number): Storage {
  if (capacity <= 0) return storage;
  return { ...storage, blobs: new CachedBlobStore(storage.blobs, new ReadCache({ capacity })) };
}

async function openBackend(config: StorageConfig): Promise<Storage> {
  switch (config.kind) {
    case 'embedded':
      return openEmbeddedStorage(
        config.dataDir,
        {
          ...(config.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: config.busyTimeoutMs }),
          ...(config.metadataCacheEntries === undefined
            ? {}
            : { readMemo: { entries: config.metadataCacheEntries } }),
        },
        config.minFreeSpace,
      );
    case 'postgres': {
      const { kind: _, readCacheSize: __, ...options } = config;
      return openSharedStorage(options);
    }
    default:
      return unknownKind(config);
  }
}

function unknownKind(config: never): never {
  throw new Error(`unknown storage kind ${String((config as { kind: unknown }).kind)}`);
}
