import type { Readable } from 'node:stream';

/** The blob store port and what it stores (re-exported by types.ts). */

/** One blob of an object's bytes, in order. */
export interface BlobSegment {
  blobId: string;
  size: number;
  /**
   * CRC-32 (zlib's, unsigned) of the blob's bytes, recorded when it was written: what a read of the
   * whole blob checks (docs/operations.md "Damaged data"). Absent for blobs written before it was
   * recorded, which are checked against their MD5 instead.
   */
  crc32?: number;
}

/** A blob opened for reading: holds the file open, so a concurrent delete cannot cut it short. */
export interface BlobHandle {
  readonly size: number;
  /** Streams bytes [start, end] (inclusive) of the blob. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

/** A blob file as listShard finds it. */
export interface BlobInfo {
  blobId: string;
  size: number;
  modifiedAt: number;
}

export interface BlobWriteResult {
  blobId: string;
  size: number;
}

/** The blob store port. Implementation: files under the data directory. */
export interface BlobStore {
  /**
   * Writes the stream to a new blob: temporary file, fsync, rename into place, fsync directory.
   * If the source errors, the temporary file is removed and the error is rethrown.
   */
  write(source: Readable | AsyncIterable<Uint8Array>): Promise<BlobWriteResult>;
  /** Opens a blob for reading; rejects with code 'ENOENT' if it is gone. */
  open(blobId: string): Promise<BlobHandle>;
  delete(blobIds: string[]): Promise<void>;
  /** Removes temporary files left by a crash, and blobs not in `referenced`. Returns how many. */
  collectGarbage(referenced: Set<string>): Promise<number>;
  /**
   * The blobs of one shard (blob ids starting with `shard`, two hex digits), with their size and
   * modification time (epoch ms), for tessera admin scan. Empty when the shard has none.
   */
  listShard(shard: string): Promise<BlobInfo[]>;
}
