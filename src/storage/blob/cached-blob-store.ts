import type { Readable } from 'node:stream';
import type { BlobHandle, BlobInfo, BlobStore, BlobWriteResult } from '../types.js';
import type { ReadCache } from './read-cache.js';

/**
 * A blob store with a read cache beside it (read-cache.ts): `readCache` is what the object reader
 * uses for whole-blob reads (src/s3/object-reader.ts). Everything else goes to the store as it
 * is — `open` always opens the file, so `tessera admin scan` and every other direct reader see
 * the bytes on disk, never the cache — and deleted blobs leave the cache at once.
 * @example const blobs = new CachedBlobStore(await FsBlobStore.open(root), new ReadCache({ capacity: 64 << 20 }));
 */
export class CachedBlobStore implements BlobStore {
  readonly inner: BlobStore;
  readonly readCache: ReadCache;

  constructor(inner: BlobStore, readCache: ReadCache) {
    this.inner = inner;
    this.readCache = readCache;
  }

  write(source: Readable | AsyncIterable<Uint8Array>): Promise<BlobWriteResult> {
    return this.inner.write(source);
  }

  open(blobId: string): Promise<BlobHandle> {
    return this.inner.open(blobId);
  }

  delete(blobIds: string[]): Promise<void> {
    this.readCache.delete(blobIds);
    return this.inner.delete(blobIds);
  }

  collectGarbage(referenced: Set<string>): Promise<number> {
    return this.inner.collectGarbage(referenced);
  }

  listShard(shard: string): Promise<BlobInfo[]> {
    return this.inner.listShard(shard);
  }
}
