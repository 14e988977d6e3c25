import type { ObjectAclStore, StoredAcl } from './acl-types.js';
import type { BlobSegment } from './blob-types.js';
import type { BucketConfigKind, LockUpdate, ObjectLock, RemovalGuard } from './lock-types.js';
import type {
  ListPartsQuery,
  ListPartsResult,
  ListUploadsQuery,
  ListUploadsResult,
  MultipartUploadRecord,
  PartRecord,
} from './multipart-types.js';

export type * from './acl-types.js';
export type * from './blob-types.js';
export type * from './lock-types.js';
export type * from './multipart-types.js';

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
  /** S3 bucket versioning; absent while it was never configured (every object is the 'null' version). */
  versioning?: BucketVersioning;
  /** Object Lock is enabled (at creation or later); S3 never lets it be turned off. */
  objectLock?: true;
}

/** A bucket's versioning status once configured; S3 never lets a bucket go back to "never configured". */
export type BucketVersioning = 'Enabled' | 'Suspended';

/** Where an object's bytes are. Multipart objects reference their part blobs without copying. */
export type DataLocation = { kind: 'inline'; bytes: Buffer } | { kind: 'blobs'; segments: BlobSegment[] };

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
  /** Object Lock retention and legal hold, when the version has any. */
  lock?: ObjectLock;
  /** The version's ACL; absent: the default (its owner has FULL_CONTROL). */
  acl?: StoredAcl;
  /** Quarantined by `tessera admin scan --quarantine`: what was found wrong (reads refuse it). */
  damage?: string;
  /** Server-side encryption (docs/encryption.md): how the stored bytes are sealed; absent: plain. */
  sse?: ObjectEncryption;
  data: DataLocation;
}

/**
 * How an object's (or an upload's) bytes are encrypted (docs/encryption.md). Never a plain key:
 * `sealedKey` is the per-object data key sealed by a key-encryption key (a KMS key, or for SSE-C
 * one derived from the customer's key, which is never stored).
 */
export interface ObjectEncryption {
  algorithm: 'AES256' | 'aws:kms' | 'SSE-C';
  /** The KMS key that sealed the data key (SSE-S3 and SSE-KMS). */
  keyId?: string;
  /** SSE-KMS encryption context: base64 of its JSON, as the client sent it. */
  context?: string;
  /** base64url: the sealed data key. */
  sealedKey: string;
}

/** An object version as the store returns it: its version id is always known. */
export type StoredObject = ObjectRecord & { versionId: string };

/**
 * A delete marker: a version that says "deleted" (versioning-enabled or suspended buckets). As the
 * current version, S3 answers GET/HEAD of the key with 404 NoSuchKey and `x-amz-delete-marker:
 * true`; named by its version id, with 405 MethodNotAllowed.
 */
export interface DeleteMarkerRecord {
  bucket: string;
  key: string;
  versionId: string;
  lastModified: number;
  deleteMarker: true;
}

/** One version of a key: an object version or a delete marker (tell them apart with isDeleteMarker). */
export type ObjectVersion = StoredObject | DeleteMarkerRecord;

/** What readObject found: the version (undefined: none), and its bucket's versioning state. */
export interface ObjectRead {
  readonly version: ObjectVersion | undefined;
  readonly versioning: BucketVersioning | undefined;
}

export function isDeleteMarker(v: ObjectVersion): v is DeleteMarkerRecord {
  return 'deleteMarker' in v && v.deleteMarker === true;
}

/**
 * A compare-and-set condition on a key's current object, checked inside the commit's own
 * transaction (so two writers, in any processes, cannot both pass it): `ifNoneMatch` — no current
 * object; `ifMatch` — a current object whose ETag is this one (quotes ignored), or any with `*`.
 * A failed expectation is NoSuchKey (ifMatch, no current object) or ConditionalRequestConflict.
 */
export interface WriteExpectation {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: true;
  /** Deletes: asked before a version is removed for good (Object Lock). */
  readonly removable?: RemovalGuard;
}

/** What a versioning-aware write committed (PutObject, CopyObject, CompleteMultipartUpload). */
export interface ObjectWrite {
  /** The version written: 'null' unless the bucket has versioning Enabled (then a fresh id). */
  versionId: string;
  /** Blob ids nothing references any more (a replaced 'null' version): delete after the commit. */
  released: string[];
}

/** What a versioning-aware delete did, as S3 answers it. */
export interface ObjectDelete {
  /**
   * x-amz-version-id: the delete marker created, or the version named. Undefined when the bucket
   * was never versioned and no version was named (S3 then sends neither header).
   */
  versionId?: string;
  /** x-amz-delete-marker: a delete marker was created, or the version removed was one. */
  deleteMarker: boolean;
  released: string[];
}

/** One row of ListObjectVersions: a version or a delete marker. */
export interface VersionSummary {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  /** 0 and '' for delete markers. */
  size: number;
  etag: string;
  lastModified: number;
}

export interface ListVersionsQuery {
  prefix: string;
  delimiter: string;
  /** '' = from the start; alone: versions of keys > keyMarker. */
  keyMarker: string;
  /**
   * With keyMarker: resume after this version of keyMarker (the versions of keyMarker older
   * than it come first). A version id that keyMarker does not have resumes at the next key.
   */
  versionIdMarker: string;
  maxKeys: number;
}

export interface ListVersionsResult {
  /** Key ascending (UTF-8 bytes), then newest version first. */
  versions: VersionSummary[];
  /** Sorted, distinct; each counts toward maxKeys like a version. */
  commonPrefixes: string[];
  isTruncated: boolean;
  /** When truncated: the last key or common prefix returned. */
  nextKeyMarker?: string;
  /** When truncated after a version (not after a common prefix): its version id. */
  nextVersionIdMarker?: string;
}

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

/** A named key of the built-in KMS (docs/encryption.md): its key material is derived, never stored. */
export interface KmsKeyRecord {
  name: string;
  createdAt: number;
}

/** The metadata store port. Implementations: SQLite (embedded); PostgreSQL later. */
export interface MetadataStore extends ObjectAclStore {
  createBucket(bucket: BucketRecord): Promise<void>; // BucketAlreadyOwnedByYou if it exists
  getBucket(name: string): Promise<BucketRecord | undefined>;
  listBuckets(): Promise<BucketRecord[]>;
  deleteBucket(name: string): Promise<void>; // NoSuchBucket, BucketNotEmpty (objects or uploads)
  getBucketTags(name: string): Promise<Tag[] | undefined>; // undefined = no tag set
  setBucketTags(name: string, tags: Tag[] | undefined): Promise<void>;
  /** undefined = never configured. NoSuchBucket. (Also on BucketRecord.versioning.) */
  getBucketVersioning(name: string): Promise<BucketVersioning | undefined>;
  /** NoSuchBucket. Existing versions are kept as they are (S3). */
  setBucketVersioning(name: string, status: BucketVersioning): Promise<void>;
  /** Turns Object Lock on for a bucket (for good). NoSuchBucket. */
  enableObjectLock(name: string): Promise<void>;
  /** A bucket's configuration document of a kind; undefined when it has none. NoSuchBucket. */
  getBucketConfig(name: string, kind: BucketConfigKind): Promise<string | undefined>;
  /** Sets (or with undefined removes) a configuration document. NoSuchBucket. */
  setBucketConfig(name: string, kind: BucketConfigKind, document: string | undefined): Promise<void>;

  /**
   * One version of an object: `versionId`, or the current version when it is undefined.
   * undefined when there is none, or when it is a delete marker (see lookupObject).
   */
  getObject(bucket: string, key: string, versionId?: string): Promise<StoredObject | undefined>;
  /**
   * As getObject, but a delete marker is returned as one (isDeleteMarker): S3 answers 404 with
   * x-amz-delete-marker for a current marker, 405 for a marker named by id.
   */
  lookupObject(bucket: string, key: string, versionId?: string): Promise<ObjectVersion | undefined>;
  /**
   * lookupObject and the bucket's versioning state in one read (GetObject and HeadObject need
   * both); undefined when the bucket does not exist.
   */
  readObject(bucket: string, key: string, versionId?: string): Promise<ObjectRead | undefined>;
  /**
   * Commits an object as the current version of its key, by the bucket's versioning state
   * (putObjectVersioned; in a never-configured bucket: insert or replace the 'null' version, last
   * writer wins). Returns the blob ids that the replaced version referenced and that no longer
   * belong to anything: the caller deletes them after the commit (storage's commitObject does
   * both). A record's versionId, when given, must be the one the store assigns ('null' unless
   * the bucket is Enabled): InternalError otherwise.
   */
  putObject(record: ObjectRecord): Promise<string[]>;
  /**
   * putObject by the bucket's versioning state, reporting the version id assigned:
   * never configured → the 'null' version, replaced (as putObject always did);
   * Enabled → a new version (fresh 32-character id) becomes current, nothing is released;
   * Suspended → a new 'null' version becomes current, replacing any older 'null' version (whose
   * blobs are released), other versions stay. In an Enabled bucket leave record.versionId out.
   */
  putObjectVersioned(record: ObjectRecord, expect?: WriteExpectation): Promise<ObjectWrite>;
  /**
   * deleteObjectVersioned, returning only the now-unreferenced blob ids (empty if nothing was
   * removed). In a never-configured bucket: removes one version (`versionId`, or the current one).
   */
  deleteObject(bucket: string, key: string, versionId?: string): Promise<string[]>;
  /**
   * DeleteObject as S3 does it. With `versionId`: that version (object or delete marker) is
   * removed for good (if current, the next newest becomes current). Without: never configured →
   * the current version is removed; Enabled → a delete marker (fresh id) becomes current;
   * Suspended → a 'null' delete marker becomes current, replacing any 'null' version. A delete
   * marker is written even when the key has no version (S3 does). `now` = marker LastModified.
   */
  deleteObjectVersioned(
    bucket: string,
    key: string,
    versionId?: string,
    now?: number,
    expect?: WriteExpectation,
  ): Promise<ObjectDelete>;
  /**
   * Replaces a version's tags (the current one when `versionId` is undefined). NoSuchBucket;
   * NoSuchKey, or NoSuchVersion when a version was named (also when it is a delete marker: S3
   * answers 405 there, see lookupObject).
   */
  setObjectTags(bucket: string, key: string, tags: Tag[], versionId?: string): Promise<void>;
  /**
   * Changes a version's Object Lock state (the current version when `versionId` is undefined)
   * with `update`, inside one transaction, and returns the version. NoSuchBucket; NoSuchKey, or
   * NoSuchVersion when a version was named; a delete marker is MethodNotAllowed.
   */
  updateObjectLock(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: LockUpdate,
  ): Promise<StoredObject>;
  /** Keys whose current version is a delete marker are not listed. */
  listObjects(query: ListObjectsQuery): Promise<ListObjectsResult>;
  /** ListObjectVersions: every version and delete marker, S3's order and paging. */
  listObjectVersions(bucket: string, query: ListVersionsQuery): Promise<ListVersionsResult>;

  createUpload(upload: MultipartUploadRecord): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord | undefined>;
  /** Records a part (replacing one with the same number); returns the replaced part's blob id, if any. */
  putPart(part: PartRecord): Promise<string | undefined>;
  listParts(query: ListPartsQuery): Promise<ListPartsResult>;
  /** All parts of an upload, ascending by part number. */
  getParts(uploadId: string): Promise<PartRecord[]>;
  /**
   * Atomically turns an upload into an object (the current version of its key, as putObject,
   * versioning included):
   * the record's segments reference part blobs.
   * Removes the upload and its parts; returns blob ids no longer referenced (unused parts, the
   * replaced object's blobs). NoSuchUpload if the upload is gone.
   */
  completeUpload(uploadId: string, record: ObjectRecord): Promise<string[]>;
  /** completeUpload with putObjectVersioned's versioning rules, reporting the version id. */
  completeUploadVersioned(
    uploadId: string,
    record: ObjectRecord,
    expect?: WriteExpectation,
  ): Promise<ObjectWrite>;
  /** Removes an upload; returns its parts' blob ids. NoSuchUpload if missing. */
  abortUpload(bucket: string, key: string, uploadId: string): Promise<string[]>;
  listUploads(query: ListUploadsQuery): Promise<ListUploadsResult>;

  /** Every blob id referenced by an object or a part (for start-up garbage collection). */
  referencedBlobIds(): AsyncIterable<string>;
  /** Those of `blobIds` that no object version or part references (tessera admin scan's orphans). */
  unreferencedBlobIds(blobIds: readonly string[]): Promise<string[]>;
  /**
   * Quarantines one object version (not a delete marker): `damage` says what is wrong, and reads
   * refuse it until the key is overwritten or the version deleted. False when there is no such
   * version.
   */
  markDamaged(bucket: string, key: string, versionId: string, damage: string): Promise<boolean>;
  /** Records a KMS key name; false (and nothing changes) when it exists already. */
  createKmsKey(key: KmsKeyRecord): Promise<boolean>;
  /** Every KMS key name recorded, by name. */
  listKmsKeys(): Promise<KmsKeyRecord[]>;
  close(): Promise<void>;
}
