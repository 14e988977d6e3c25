import { TesseraError } from '../../core/index.js';
import type {
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
import { listUploads, type UploadSource } from './list-uploads.js';
import { type ObjectReads, prepareObjectReads, toObjectRead } from './object-reads.js';
import { ReadMemo, readKey } from './read-memo.js';
import type { OpenOptions } from './schema.js';
import { noSuchBucket, SqliteBuckets } from './sqlite-buckets.js';
import { listObjectsWith, listVersionsWith } from './sqlite-listings.js';
import {
  aclJson,
  lockJson,
  partParams,
  toJson,
  toObject,
  toPart,
  toUpload,
  toVersion,
  uploadParams,
} from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';

/** An ETag without its quotes (and a weak validator's W/ prefix). */
function unquote(etag: string): string {
  const e = etag.startsWith('W/') ? etag.slice(2) : etag;
  return e.length >= 2 && e.startsWith('"') && e.endsWith('"') ? e.slice(1, -1) : e;
}

/**
 * The embedded metadata store: one SQLite database file shared by every worker process.
 * @example const store = new SqliteMetadataStore(join(dataDir, '.tessera', 'meta.db'));
 */
export class SqliteMetadataStore extends SqliteBuckets implements MetadataStore {
  readonly #memo: ReadMemo;

  constructor(file: string, options: OpenOptions = {}) {
    super(file, options);
    this.#memo = new ReadMemo(this.db, options.readMemo);
  }

  async lookupObject(bucket: string, key: string, versionId?: string): Promise<ObjectVersion | undefined> {
    const row = this.guard(() =>
      versionId === undefined
        ? this.s.getCurrent.get(bucket, key)
        : this.s.getVersionOrMarker.get(bucket, key, versionId),
    );
    return row === undefined ? undefined : toVersion(row);
  }

  #reads: ObjectReads | undefined;

  /** Served from the read memo while the database is unchanged (read-memo.ts). */
  async readObject(bucket: string, key: string, versionId?: string): Promise<ObjectRead | undefined> {
    return this.guard(() =>
      this.#memo.read(readKey(bucket, key, versionId), () => {
        const reads = (this.#reads ??= prepareObjectReads(this.db));
        const row =
          versionId === undefined
            ? reads.current.get(key, bucket)
            : reads.version.get(key, versionId, bucket);
        return toObjectRead(row as Parameters<typeof toObjectRead>[0]);
      }),
    );
  }

  async getObject(bucket: string, key: string, versionId?: string): Promise<StoredObject | undefined> {
    const row = this.guard(() =>
      versionId === undefined
        ? this.s.getObject.get(bucket, key)
        : this.s.getObjectVersion.get(bucket, key, versionId),
    );
    return row === undefined ? undefined : toObject(row);
  }

  async putObject(record: ObjectRecord): Promise<string[]> {
    return this.write(() => this.commitObject(record).released);
  }

  async putObjectVersioned(record: ObjectRecord, expect?: WriteExpectation): Promise<ObjectWrite> {
    return this.write(() => {
      this.#expect(record.bucket, record.key, expect);
      return this.commitObject(record);
    });
  }

  /** Checks a compare-and-set expectation on the current object; call inside the write transaction. */
  #expect(bucket: string, key: string, expect: WriteExpectation | undefined): void {
    if (expect === undefined) return;
    const row = this.s.getObject.get(bucket, key);
    const current = row === undefined ? undefined : toObject(row);
    if (expect.ifMatch !== undefined) {
      if (current === undefined) throw new TesseraError('NoSuchKey', undefined, { Key: key });
      const want = expect.ifMatch.trim();
      if (want !== '*' && unquote(want) !== unquote(current.etag)) {
        throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
      }
    }
    if (expect.ifNoneMatch && current !== undefined) {
      throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
    }
  }

  async deleteObject(bucket: string, key: string, versionId?: string): Promise<string[]> {
    return this.write(() => this.removeObject(bucket, key, versionId).released);
  }

  async deleteObjectVersioned(
    bucket: string,
    key: string,
    versionId?: string,
    now?: number,
    expect?: WriteExpectation,
  ): Promise<ObjectDelete> {
    return this.write(() => {
      this.#expect(bucket, key, expect);
      return this.removeObject(bucket, key, versionId, now, expect?.removable);
    });
  }

  async setObjectTags(bucket: string, key: string, tags: Tag[], versionId?: string): Promise<void> {
    await this.write(() => {
      const json = toJson(tags);
      const { changes } =
        versionId === undefined
          ? this.s.setObjectTags.run(json, bucket, key)
          : this.s.setObjectVersionTags.run(json, bucket, key, versionId);
      if (changes === 1) return;
      if (this.s.getBucket.get(bucket) === undefined) throw noSuchBucket(bucket);
      if (versionId !== undefined) {
        throw new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
      }
      throw new TesseraError('NoSuchKey', undefined, { Key: key });
    });
  }

  async setObjectAcl(
    bucket: string,
    key: string,
    versionId: string | undefined,
    acl: StoredAcl | undefined,
  ): Promise<void> {
    await this.write(() => {
      const ref =
        versionId === undefined
          ? this.s.objectRefs.get(bucket, key)
          : this.s.objectVersionRefs.get(bucket, key, versionId);
      if (ref === undefined) {
        if (this.s.getBucket.get(bucket) === undefined) throw noSuchBucket(bucket);
        if (versionId !== undefined)
          throw new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
        throw new TesseraError('NoSuchKey', undefined, { Key: key });
      }
      if (ref.delete_marker === 1) throw new TesseraError('MethodNotAllowed');
      this.s.setObjectAcl.run(aclJson(acl), ref.id);
    });
  }

  async updateObjectLock(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: LockUpdate,
  ): Promise<StoredObject> {
    return this.write(() => {
      const row =
        versionId === undefined
          ? this.s.getCurrent.get(bucket, key)
          : this.s.getVersionOrMarker.get(bucket, key, versionId);
      if (row === undefined) {
        if (this.s.getBucket.get(bucket) === undefined) throw noSuchBucket(bucket);
        if (versionId !== undefined)
          throw new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
        throw new TesseraError('NoSuchKey', undefined, { Key: key });
      }
      if (row.delete_marker === 1) throw new TesseraError('MethodNotAllowed');
      const version = toObject(row);
      const next = update(version.lock ?? {});
      const json = lockJson(next);
      const ref = this.s.objectVersionRefs.get(bucket, key, version.versionId)!;
      this.s.setObjectLock.run(json, ref.id);
      const updated: StoredObject = { ...version };
      if (json === null) delete updated.lock;
      else updated.lock = JSON.parse(json);
      return updated;
    });
  }

  async listObjects(q: ListObjectsQuery): Promise<ListObjectsResult> {
    return this.read(() => listObjectsWith(this.s, q));
  }

  async listObjectVersions(bucket: string, q: ListVersionsQuery): Promise<ListVersionsResult> {
    return this.read(() => listVersionsWith(this.s, bucket, q));
  }

  async createUpload(upload: MultipartUploadRecord): Promise<void> {
    const { changes } = await this.write(() => this.s.insertUpload.run(uploadParams(upload)));
    if (changes === 0) throw noSuchBucket(upload.bucket);
  }

  async getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord | undefined> {
    const row = this.guard(() => this.s.getUpload.get(uploadId));
    return row === undefined || row.bucket !== bucket || row.key !== key ? undefined : toUpload(row);
  }

  async putPart(part: PartRecord): Promise<string | undefined> {
    return this.write(() => {
      const old = this.s.partBlob.get(part.uploadId, part.partNumber);
      if (this.s.upsertPart.run(partParams(part)).changes === 0) throw noSuchUpload(part.uploadId);
      if (old === undefined || old === part.blobId) return undefined;
      return this.unreferenced([old])[0];
    });
  }

  async listParts(q: ListPartsQuery): Promise<ListPartsResult> {
    return this.read(() => {
      if (this.s.getUpload.get(q.uploadId) === undefined) throw noSuchUpload(q.uploadId);
      if (q.maxParts <= 0) return { parts: [], isTruncated: false };
      const rows = this.s.partsAfter.all(q.uploadId, q.partNumberMarker, q.maxParts + 1);
      const parts = rows.slice(0, q.maxParts).map(toPart);
      const result: ListPartsResult = { parts, isTruncated: rows.length > q.maxParts };
      if (result.isTruncated) result.nextPartNumberMarker = parts[parts.length - 1]!.partNumber;
      return result;
    });
  }

  async getParts(uploadId: string): Promise<PartRecord[]> {
    return this.guard(() => this.s.parts.all(uploadId)).map(toPart);
  }

  async completeUpload(uploadId: string, record: ObjectRecord): Promise<string[]> {
    return (await this.completeUploadVersioned(uploadId, record)).released;
  }

  async completeUploadVersioned(
    uploadId: string,
    record: ObjectRecord,
    expect?: WriteExpectation,
  ): Promise<ObjectWrite> {
    return this.write(() => {
      this.#expect(record.bucket, record.key, expect);
      const upload = this.s.getUpload.get(uploadId);
      if (upload === undefined || upload.bucket !== record.bucket || upload.key !== record.key) {
        throw noSuchUpload(uploadId);
      }
      const partBlobs = this.s.partBlobs.all(uploadId);
      this.s.deleteParts.run(uploadId);
      this.s.deleteUpload.run(uploadId);
      const { versionId, released } = this.commitObject(record);
      // Part blobs the new object's segments do not reference are garbage now.
      return { versionId, released: [...new Set([...released, ...this.unreferenced(partBlobs)])] };
    });
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<string[]> {
    return this.write(() => {
      const upload = this.s.getUpload.get(uploadId);
      if (upload === undefined || upload.bucket !== bucket || upload.key !== key)
        throw noSuchUpload(uploadId);
      const partBlobs = this.s.partBlobs.all(uploadId);
      this.s.deleteParts.run(uploadId);
      this.s.deleteUpload.run(uploadId);
      return this.unreferenced(partBlobs);
    });
  }

  async listUploads(q: ListUploadsQuery): Promise<ListUploadsResult> {
    return this.read(() => listUploads(uploadSource(this.s, q.bucket), q));
  }
}

/** One bucket's uploads as listUploads reads them. */
function uploadSource(s: Statements, bucket: string): UploadSource {
  return {
    upload(uploadId) {
      const row = s.getUpload.get(uploadId);
      return row === undefined ? undefined : toUpload(row);
    },
    uploadsOfKey(key, after, limit) {
      const rows =
        'initiatedAt' in after
          ? s.uploadsOfKeyAfter.all(bucket, key, after.initiatedAt, after.uploadId, limit)
          : s.uploadsOfKeyAfterId.all(bucket, key, after.uploadId, limit);
      return rows.map(toUpload);
    },
    *scan(lower, upper, limit) {
      const rows =
        upper === undefined
          ? s.uploadsFrom.iterate(bucket, lower, limit)
          : s.uploadsBetween.iterate(bucket, lower, upper, limit);
      for (const row of rows) yield toUpload(row);
    },
  };
}

function noSuchUpload(uploadId: string): TesseraError {
  return new TesseraError('NoSuchUpload', undefined, { UploadId: uploadId });
}
