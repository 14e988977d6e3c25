/**
 * S3 Block Public Access at the bucket level (docs/public-access.md): the configuration document,
 * what "public" means for a bucket policy, and the RestrictPublicBuckets restriction.
 */
export { blockedPublicPolicy } from './block-policy.js';
export { isPublicPolicy, isPublicStatement } from './is-public.js';
export {
  deserializePublicAccessBlock,
  type PublicAccessBlock,
  readPublicAccessBlock,
  serializePublicAccessBlock,
} from './model.js';
export { parsePublicAccessBlock } from './parse.js';
export { renderPublicAccessBlock } from './render.js';
export {
  PublicBucketRestrictions,
  publicBucketRestrictions,
  type RestrictionSources,
} from './restrictions.js';
