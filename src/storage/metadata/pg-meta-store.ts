import type { LeaseStore } from '../lease-types.js';
import type {
  BucketConfigKind,
  BucketRecord,
  BucketVersioning,
  KmsKeyRecord,
  ListObjectsQuery,
  ListObjectsResult,
  ListPartsQuery,
  ListPartsResult,
  ListUploadsQuery,
  ListUploadsResult,
  ListVersionsQuery,
  ListVersionsResult,
  LockUpdate,
  MetadataStore,
  MultipartUploadRecord,
  ObjectDelete,
  ObjectRead,
  ObjectRecord,
  ObjectVersion,
  ObjectWrite,
  PartRecord,
  StoredAcl,
  StoredObject,
  Tag,
  WriteExpectation,
} from '../types.js';
import * as b from './pg-meta-buckets.js';
import { PgMetaDb, type PgMetaPoolOptions } from './pg-meta-db.js';
import { PgLeaseStore } from './pg-meta-leases.js';
import { listObjectsPg, listVersionsPg } from './pg-meta-listings.js';
import * as o from './pg-meta-objects.js';
import { migratePgMeta } from './pg-meta-schema.js';
import * as u from './pg-meta-uploads.js';

export type PgMetadataStoreOptions = PgMetaPoolOptions;

/**
 * The shared metadata store: buckets, object versions and multipart uploads in a PostgreSQL
 * database (docs/shared-mode.md), for several servers at once. The same meaning as the SQLite
 * store (the same contract suites); a bounded pool, named prepared statements, its own schema
 * migrations (pg-meta-schema.ts, applied by open() under an advisory lock). A write to a key
 * holds the key's lock (pg-meta-db.ts), so conditional writes and CompleteMultipartUpload are
 * atomic across servers; listings read one REPEATABLE READ snapshot.
 * @example const store = await PgMetadataStore.open({ url: 'postgres://tessera@db/tessera', poolSize: 10 });
 */
export class PgMetadataStore implements MetadataStore {
  readonly #d: PgMetaDb;
  /** Cluster leases for background work (meta_leases; docs/shared-mode.md). */
  readonly leases: LeaseStore;

  private constructor(options: PgMetadataStoreOptions) {
    this.#d = new PgMetaDb(options);
    this.leases = new PgLeaseStore(this.#d);
  }

  /** Connects and applies pending migrations; throws (and closes the pool) when either fails. */
  static async open(options: PgMetadataStoreOptions): Promise<PgMetadataStore> {
    const store = new PgMetadataStore(options);
    try {
      await migratePgMeta(store.#d.pool);
      return store;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  createBucket(bucket: BucketRecord): Promise<void> {
    return b.createBucket(this.#d, bucket);
  }
  getBucket(name: string): Promise<BucketRecord | undefined> {
    return b.getBucket(this.#d, name);
  }
  listBuckets(): Promise<BucketRecord[]> {
    return b.listBuckets(this.#d);
  }
  deleteBucket(name: string): Promise<void> {
    return b.deleteBucket(this.#d, name);
  }
  getBucketTags(name: string): Promise<Tag[] | undefined> {
    return b.getBucketTags(this.#d, name);
  }
  setBucketTags(name: string, tags: Tag[] | undefined): Promise<void> {
    return b.setBucketTags(this.#d, name, tags);
  }
  getBucketVersioning(name: string): Promise<BucketVersioning | undefined> {
    return b.getBucketVersioning(this.#d, name);
  }
  setBucketVersioning(name: string, status: BucketVersioning): Promise<void> {
    return b.setBucketVersioning(this.#d, name, status);
  }
  enableObjectLock(name: string): Promise<void> {
    return b.enableObjectLock(this.#d, name);
  }
  getBucketConfig(name: string, kind: BucketConfigKind): Promise<string | undefined> {
    return b.getBucketConfig(this.#d, name, kind);
  }
  setBucketConfig(name: string, kind: BucketConfigKind, document: string | undefined): Promise<void> {
    return b.setBucketConfig(this.#d, name, kind, document);
  }
  createKmsKey(key: KmsKeyRecord): Promise<boolean> {
    return b.createKmsKey(this.#d, key);
  }
  listKmsKeys(): Promise<KmsKeyRecord[]> {
    return b.listKmsKeys(this.#d);
  }

  getObject(bucket: string, key: string, versionId?: string): Promise<StoredObject | undefined> {
    return o.getObject(this.#d, bucket, key, versionId);
  }
  lookupObject(bucket: string, key: string, versionId?: string): Promise<ObjectVersion | undefined> {
    return o.lookupObject(this.#d, bucket, key, versionId);
  }
  readObject(bucket: string, key: string, versionId?: string): Promise<ObjectRead | undefined> {
    return o.readObject(this.#d, bucket, key, versionId);
  }
  async putObject(record: ObjectRecord): Promise<string[]> {
    return (await this.putObjectVersioned(record)).released;
  }
  putObjectVersioned(record: ObjectRecord, expect?: WriteExpectation): Promise<ObjectWrite> {
    return o.keyWrite(this.#d, record.bucket, record.key, async (t, held) => {
      await o.expectCurrent(t, record.bucket, record.key, expect);
      return o.commitObject(t, held, record);
    });
  }
  async deleteObject(bucket: string, key: string, versionId?: string): Promise<string[]> {
    return (await this.deleteObjectVersioned(bucket, key, versionId)).released;
  }
  deleteObjectVersioned(
    bucket: string,
    key: string,
    versionId?: string,
    now?: number,
    expect?: WriteExpectation,
  ): Promise<ObjectDelete> {
    return o.keyWrite(this.#d, bucket, key, async (t, held) => {
      await o.expectCurrent(t, bucket, key, expect);
      return o.removeObject(t, held, bucket, key, versionId, now, expect?.removable);
    });
  }
  setObjectTags(bucket: string, key: string, tags: Tag[], versionId?: string): Promise<void> {
    return o.setObjectTags(this.#d, bucket, key, tags, versionId);
  }
  setObjectAcl(
    bucket: string,
    key: string,
    versionId: string | undefined,
    acl: StoredAcl | undefined,
  ): Promise<void> {
    return o.setObjectAcl(this.#d, bucket, key, versionId, acl);
  }
  updateObjectLock(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: LockUpdate,
  ): Promise<StoredObject> {
    return o.updateObjectLock(this.#d, bucket, key, versionId, update);
  }
  listObjects(query: ListObjectsQuery): Promise<ListObjectsResult> {
    return this.#d.read((s) => listObjectsPg(s, query));
  }
  listObjectVersions(bucket: string, query: ListVersionsQuery): Promise<ListVersionsResult> {
    return this.#d.read((s) => listVersionsPg(s, bucket, query));
  }

  createUpload(upload: MultipartUploadRecord): Promise<void> {
    return u.createUpload(this.#d, upload);
  }
  getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord | undefined> {
    return u.getUpload(this.#d, bucket, key, uploadId);
  }
  putPart(part: PartRecord): Promise<string | undefined> {
    return u.putPart(this.#d, part);
  }
  listParts(query: ListPartsQuery): Promise<ListPartsResult> {
    return u.listParts(this.#d, query);
  }
  getParts(uploadId: string): Promise<PartRecord[]> {
    return u.getParts(this.#d, uploadId);
  }
  async completeUpload(uploadId: string, record: ObjectRecord): Promise<string[]> {
    return (await this.completeUploadVersioned(uploadId, record)).released;
  }
  completeUploadVersioned(
    uploadId: string,
    record: ObjectRecord,
    expect?: WriteExpectation,
  ): Promise<ObjectWrite> {
    return u.completeUpload(this.#d, uploadId, record, expect);
  }
  abortUpload(bucket: string, key: string, uploadId: string): Promise<string[]> {
    return u.abortUpload(this.#d, bucket, key, uploadId);
  }
  listUploads(query: ListUploadsQuery): Promise<ListUploadsResult> {
    return u.listUploads(this.#d, query);
  }

  referencedBlobIds(): AsyncIterable<string> {
    return o.referencedBlobIds(this.#d);
  }
  unreferencedBlobIds(blobIds: readonly string[]): Promise<string[]> {
    return o.unreferenced(this.#d, blobIds);
  }
  markDamaged(bucket: string, key: string, versionId: string, damage: string): Promise<boolean> {
    return o.markDamaged(this.#d, bucket, key, versionId, damage);
  }

  async close(): Promise<void> {
    await this.#d.close();
  }
}
