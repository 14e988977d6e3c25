import type { S3Deps } from '../context.js';
import { bucketOwnerOf } from './canonical-id.js';
import { defaultAcl, type StoredAcl } from './model.js';

/** The bucket's ACL: its 'acl' document, else the default (the owner's full control). NoSuchBucket. */
export async function bucketAcl(deps: S3Deps, bucket: string): Promise<StoredAcl> {
  const doc = await deps.metadata.getBucketConfig(bucket, 'acl');
  return doc === undefined ? defaultAcl(await bucketOwnerOf(deps, bucket)) : (JSON.parse(doc) as StoredAcl);
}

/** An object version's ACL (its own, else the default one: `bucketOwner`'s full control). */
export function objectAcl(version: { acl?: StoredAcl }, bucketOwner: string): StoredAcl {
  return version.acl ?? defaultAcl(bucketOwner);
}

/** Stores a bucket ACL; the default one is stored as none. */
export async function setBucketAcl(deps: S3Deps, bucket: string, acl: StoredAcl | undefined): Promise<void> {
  await deps.metadata.setBucketConfig(bucket, 'acl', acl === undefined ? undefined : JSON.stringify(acl));
}
