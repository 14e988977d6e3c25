import { postObject } from '../handlers/post-object.js';
import type { BucketOperation, Spec } from '../operation.js';

/**
 * POST /bucket with a multipart/form-data body: a browser upload (S3's "POST Object"). The
 * request carries no Authorization header; its form proves who sent it, so the handler asks the
 * HTTP layer to authenticate the form and authorize s3:PutObject on the key (req.postForm)
 * once it has read the fields. The spec itself asks no check before the body is read.
 */
export interface PostObject extends BucketOperation<'PostObject'> {}

export const postObjectSpec: Spec<PostObject> = {
  name: 'PostObject',
  writes: true,
  routes: [{ method: 'POST', target: 'bucket' }],
  actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectRetention', 's3:PutObjectLegalHold'],
  checks: () => [],
  handle: postObject,
};
