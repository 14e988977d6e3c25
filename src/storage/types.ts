import type { Readable } from 'node:stream';

/**
 * The storage ports. The S3 layer speaks only to these interfaces; the embedded implementation is
 * SQLite (metadata) + files (blobs). Every method that changes state is atomic and durable when
 * its promise resolves.
 */

export interface Tag {
  key: string;
  value: string;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64 value; for COMPOSITE it is `base64-N`. */
  value: string;
  type: ChecksumType;
}

export interface BucketRecord {
  name: string;
  /** Owning account id (docs/architecture.md); '' is the default account. */
  account: string;
  region: string;
  createdAt: number;
}

/** Where an object's bytes are. Multipart objects reference their part blobs without copying. */
export type DataLocation = { kind: 'inline'; bytes: Buffer } | { kind: 'blobs'; segments: BlobSegment[] };

export interface BlobSegment {
  blobId: string;
  size: number;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  /** Hex MD5 of the part, no quotes. */
  etag: string;
  checksum?: ObjectChecksum;
}

/** The version id of an object written while its bucket has never had versioning enabled. */
export const NULL_VERSION_ID = 'null';

export interface ObjectRecord {
  bucket: string;
  key: string;
  /**
   * Which version of the key this is: the literal 'null' for an object written while versioning
   * was never enabled on its bucket (today: every object). Set on every record the store returns
   * (see StoredObject); on a record being written it may be left out, because the store assigns
   * it from the bucket's versioning state at commit.
   */
  versionId?: string;
  size: number;
  /** No quotes: hex MD5, or `hex-N` for multipart objects. */
  etag: string;
  lastModified: number;
  contentType?: string;
  /** Lower-case standard headers stored verbatim: cache-control, content-disposition, content-encoding, content-language, expires. */
  headers: Record<string, string>;
  /** User metadata: lower-case name without the `x-amz-meta-` prefix → value. */
  userMetadata: Record<string, string>;
  tags: Tag[];
  checksum?: ObjectChecksum;
  /** Present for objects made by CompleteMultipartUpload, in part order. */
  parts?: PartInfo[];
  data: DataLocation;
}

/** An object version as the store returns it: its version id is always known. */
export type StoredObject = ObjectRecord & { versionId: string };

/** An object as a listing returns it (no data, no tags). */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
}

export interface ListObjectsQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  /** Exclusive lower bound on keys (marker / start-after / decoded continuation token). */
  after: string;
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectSummary[];
  /** Sorted, distinct. Each counts toward maxKeys like an object. */
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, when truncated (next `after`). */
  nextAfter?: string;
}

export interface MultipartUploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiatedAt: number;
  contentType?: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
  tags: Tag[];
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
}

export interface PartRecord extends PartInfo {
  uploadId: string;
  lastModified: number;
  blobId: string;
}

export interface ListUploadsQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: MultipartUploadRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface ListPartsQuery {
  uploadId: string;
  partNumberMarker: number;
  maxParts: number;
}

export interface ListPartsResult {
  parts: PartRecord[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

/** The metadata store port. Implementations: SQLite (embedded); PostgreSQL later. */
export interface MetadataStore {
  createBucket(bucket: BucketRecord): Promise<void>; // BucketAlreadyOwnedByYou if it exists
  getBucket(name: string): Promise<BucketRecord | undefined>;
  listBuckets(): Promise<BucketRecord[]>;
  deleteBucket(name: string): Promise<void>; // NoSuchBucket, BucketNotEmpty (objects or uploads)
  getBucketTags(name: string): Promise<Tag[] | undefined>; // undefined = no tag set
  setBucketTags(name: string, tags: Tag[] | undefined): Promise<void>;

  /**
   * One version of an object: `versionId`, or the current version when it is undefined. Today
   * every object has exactly one version, 'null'; any other id finds nothing.
   */
  getObject(bucket: string, key: string, versionId?: string): Promise<StoredObject | undefined>;
  /**
   * Commits an object as the current version of its key (insert or replace: last writer wins;
   * in an unversioned bucket it replaces the 'null' version). Returns the blob ids that the
   * replaced version referenced and that no longer belong to anything: the caller deletes them
   * after the commit (storage's commitObject does both). A record's versionId, when given, must
   * be the one the store assigns ('null' today): InternalError otherwise.
   */
  putObject(record: ObjectRecord): Promise<string[]>;
  /**
   * Removes one version (`versionId`, or the current one when undefined); returns its
   * now-unreferenced blob ids (empty if it did not exist).
   */
  deleteObject(bucket: string, key: string, versionId?: string): Promise<string[]>;
  /**
   * Replaces a version's tags (the current one when `versionId` is undefined). NoSuchBucket;
   * NoSuchKey, or NoSuchVersion when a version was named.
   */
  setObjectTags(bucket: string, key: string, tags: Tag[], versionId?: string): Promise<void>;
  listObjects(query: ListObjectsQuery): Promise<ListObjectsResult>;

  createUpload(upload: MultipartUploadRecord): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord | undefined>;
  /** Records a part (replacing one with the same number); returns the replaced part's blob id, if any. */
  putPart(part: PartRecord): Promise<string | undefined>;
  listParts(query: ListPartsQuery): Promise<ListPartsResult>;
  /** All parts of an upload, ascending by part number. */
  getParts(uploadId: string): Promise<PartRecord[]>;
  /**
   * Atomically turns an upload into an object (the current version of its key, as putObject):
   * the record's segments reference part blobs.
   * Removes the upload and its parts; returns blob ids no longer referenced (unused parts, the
   * replaced object's blobs). NoSuchUpload if the upload is gone.
   */
  completeUpload(uploadId: string, record: ObjectRecord): Promise<string[]>;
  /** Removes an upload; returns its parts' blob ids. NoSuchUpload if missing. */
  abortUpload(bucket: string, key: string, uploadId: string): Promise<string[]>;
  listUploads(query: ListUploadsQuery): Promise<ListUploadsResult>;

  /** Every blob id referenced by an object or a part (for start-up garbage collection). */
  referencedBlobIds(): AsyncIterable<string>;
  close(): Promise<void>;
}

/** A blob opened for reading: holds the file open, so a concurrent delete cannot cut it short. */
export interface BlobHandle {
  readonly size: number;
  /** Streams bytes [start, end] (inclusive) of the blob. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
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
}
