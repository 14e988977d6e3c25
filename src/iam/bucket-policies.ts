import { TesseraError } from '../core/index.js';
import { parsePolicy } from '../policy/index.js';
import type { BucketPolicyRecord } from '../storage/index.js';
import type { DirectoryContext } from './context.js';

/**
 * Bucket (resource) policies. The S3 layer checks that the bucket exists and who owns it, and
 * deletes the policy with the bucket; this validates and stores the document.
 */
export class BucketPolicyDirectory {
  constructor(private readonly c: DirectoryContext) {}

  /** The stored policy, or undefined (GetBucketPolicy answers NoSuchBucketPolicy). */
  async get(bucket: string): Promise<BucketPolicyRecord | undefined> {
    return this.c.store.getBucketPolicy(bucket);
  }

  /**
   * Validates (resource grammar, 20 KiB, every Resource inside `bucket`; MalformedPolicy with the
   * reason) and stores the document as submitted.
   */
  async put(account: string, bucket: string, document: string): Promise<void> {
    parsePolicy(document, { kind: 'resource', bucket });
    await this.c.store.putBucketPolicy({ bucket, account, document, updatedAt: this.c.clock.now() });
    this.c.changed('bucketPolicy', account, bucket);
  }

  /** NoSuchBucketPolicy when there is none. */
  async delete(bucket: string): Promise<void> {
    const existing = await this.c.store.getBucketPolicy(bucket);
    if (existing === undefined || !(await this.c.store.deleteBucketPolicy(bucket))) {
      throw new TesseraError('NoSuchBucketPolicy', undefined, { BucketName: bucket });
    }
    this.c.changed('bucketPolicy', existing.account, bucket);
  }
}
