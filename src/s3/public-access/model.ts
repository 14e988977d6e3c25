import type { MetadataStore } from '../../storage/index.js';

/**
 * A bucket's S3 Block Public Access settings, as PutPublicAccessBlock sets them. Stored as the
 * bucket configuration document 'public-access-block', exactly
 * `{"BlockPublicAcls":bool,"IgnorePublicAcls":bool,"BlockPublicPolicy":bool,"RestrictPublicBuckets":bool}`.
 */
export interface PublicAccessBlock {
  /** PutBucketAcl, PutObjectAcl and PUTs with a public ACL fail (enforced by the ACL code). */
  readonly BlockPublicAcls: boolean;
  /** Public ACLs are ignored when access is decided (enforced by the ACL code). */
  readonly IgnorePublicAcls: boolean;
  /** PutBucketPolicy refuses a public policy (AccessDenied). */
  readonly BlockPublicPolicy: boolean;
  /** While the bucket policy is public, it grants only to the bucket owner's account. */
  readonly RestrictPublicBuckets: boolean;
}

export const PUBLIC_ACCESS_BLOCK_FIELDS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

/** The stored document, its fields always in the same order. */
export function serializePublicAccessBlock(b: PublicAccessBlock): string {
  return JSON.stringify({
    BlockPublicAcls: b.BlockPublicAcls,
    IgnorePublicAcls: b.IgnorePublicAcls,
    BlockPublicPolicy: b.BlockPublicPolicy,
    RestrictPublicBuckets: b.RestrictPublicBuckets,
  });
}

/** The settings a stored document holds; a field that is missing or not `true` reads as false. */
export function deserializePublicAccessBlock(doc: string): PublicAccessBlock {
  const raw = JSON.parse(doc) as Record<string, unknown>;
  return {
    BlockPublicAcls: raw['BlockPublicAcls'] === true,
    IgnorePublicAcls: raw['IgnorePublicAcls'] === true,
    BlockPublicPolicy: raw['BlockPublicPolicy'] === true,
    RestrictPublicBuckets: raw['RestrictPublicBuckets'] === true,
  };
}

/**
 * A bucket's public access block, or undefined when it has none (for the ACL code:
 * BlockPublicAcls, IgnorePublicAcls).
 * @example if ((await readPublicAccessBlock(deps.metadata, bucket))?.BlockPublicAcls) refuse();
 */
export async function readPublicAccessBlock(
  metadata: Pick<MetadataStore, 'getBucketConfig'>,
  bucket: string,
): Promise<PublicAccessBlock | undefined> {
  const doc = await metadata.getBucketConfig(bucket, 'public-access-block');
  return doc === undefined ? undefined : deserializePublicAccessBlock(doc);
}
