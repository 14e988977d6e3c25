import { TesseraError } from '../../core/index.js';
import type { BucketConfigKind, BucketRecord, BucketVersioning, KmsKeyRecord, Tag } from '../types.js';
import type { OpenOptions } from './schema.js';
import { bucketTags, toBucket, toJson } from './sqlite-rows.js';
import { SqliteBase } from './sqlite-store-base.js';

export function noSuchBucket(name: string): TesseraError {
  return new TesseraError('NoSuchBucket', undefined, { BucketName: name });
}

/** The bucket half of the SQLite metadata store: buckets, their tags, versioning and configuration. */
export class SqliteBuckets extends SqliteBase {
  constructor(file: string, options: OpenOptions = {}) {
    super(file, options);
  }

  async createBucket(bucket: BucketRecord): Promise<void> {
    await this.write(() => {
      const { changes } = this.s.insertBucket.run(
        bucket.name,
        bucket.account,
        bucket.region,
        bucket.createdAt,
        bucket.versioning ?? null,
        bucket.objectLock ? 1 : 0,
      );
      if (changes === 1) return;
      const existing = this.s.getBucket.get(bucket.name);
      // AWS: the same owner gets BucketAlreadyOwnedByYou, anyone else BucketAlreadyExists.
      const code = existing?.account === bucket.account ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists';
      throw new TesseraError(code, undefined, { BucketName: bucket.name });
    });
  }

  async getBucket(name: string): Promise<BucketRecord | undefined> {
    const row = this.guard(() => this.s.getBucket.get(name));
    return row === undefined ? undefined : toBucket(row);
  }

  async listBuckets(): Promise<BucketRecord[]> {
    return this.guard(() => this.s.listBuckets.all()).map(toBucket);
  }

  async deleteBucket(name: string): Promise<void> {
    await this.write(() => {
      if (this.s.getBucket.get(name) === undefined) throw noSuchBucket(name);
      if (
        this.s.bucketHasObjects.get(name) !== undefined ||
        this.s.bucketHasUploads.get(name) !== undefined
      ) {
        throw new TesseraError('BucketNotEmpty', undefined, { BucketName: name });
      }
      this.s.deleteBucketConfigs.run(name);
      this.s.deleteBucket.run(name);
    });
  }

  async getBucketTags(name: string): Promise<Tag[] | undefined> {
    const row = this.guard(() => this.s.getBucket.get(name));
    if (row === undefined) throw noSuchBucket(name);
    return bucketTags(row);
  }

  async setBucketTags(name: string, tags: Tag[] | undefined): Promise<void> {
    const { changes } = await this.write(() =>
      this.s.setBucketTags.run(tags === undefined ? null : toJson(tags), name),
    );
    if (changes === 0) throw noSuchBucket(name);
  }

  async getBucketVersioning(name: string): Promise<BucketVersioning | undefined> {
    const state = this.guard(() => this.s.bucketVersioning.get(name));
    if (state === undefined) throw noSuchBucket(name);
    return state === null ? undefined : (state as BucketVersioning);
  }

  async setBucketVersioning(name: string, status: BucketVersioning): Promise<void> {
    const { changes } = await this.write(() => this.s.setBucketVersioning.run(status, name));
    if (changes === 0) throw noSuchBucket(name);
  }

  async enableObjectLock(name: string): Promise<void> {
    const { changes } = await this.write(() => this.s.enableObjectLock.run(name));
    if (changes === 0) throw noSuchBucket(name);
  }

  async getBucketConfig(name: string, kind: BucketConfigKind): Promise<string | undefined> {
    return this.read(() => {
      if (this.s.getBucket.get(name) === undefined) throw noSuchBucket(name);
      return this.s.getBucketConfig.get(name, kind);
    });
  }

  async setBucketConfig(name: string, kind: BucketConfigKind, document: string | undefined): Promise<void> {
    await this.write(() => {
      if (this.s.getBucket.get(name) === undefined) throw noSuchBucket(name);
      if (document === undefined) this.s.deleteBucketConfig.run(name, kind);
      else this.s.putBucketConfig.run({ bucket: name, kind, document, at: Date.now() });
    });
  }

  async createKmsKey(key: KmsKeyRecord): Promise<boolean> {
    const { changes } = await this.write(() => this.s.insertKmsKey.run(key.name, key.createdAt));
    return changes === 1;
  }

  async listKmsKeys(): Promise<KmsKeyRecord[]> {
    return this.read(() => this.s.listKmsKeys.all().map((r) => ({ name: r.name, createdAt: r.created_at })));
  }
}
