import { TesseraError } from '../../core/index.js';
import { accountCheck } from '../access.js';
import { listBuckets } from '../handlers/buckets.js';
import type { OperationBase, Spec } from '../operation.js';

/** GET / — the buckets the caller may use. */
export interface ListBuckets extends OperationBase<'ListBuckets'> {}

/** POST / — the IAM and STS Query APIs; the pipeline hands it to them, S3 never serves it. */
export interface PostService extends OperationBase<'PostService'> {}

export const listBucketsSpec: Spec<ListBuckets> = {
  name: 'ListBuckets',
  routes: [{ method: 'GET', target: 'service' }],
  actions: ['s3:ListAllMyBuckets'],
  checks: () => accountCheck('s3:ListAllMyBuckets'),
  handle: listBuckets,
};

export const postServiceSpec: Spec<PostService> = {
  name: 'PostService',
  routes: [{ method: 'POST', target: 'service' }],
  actions: [],
  checks: () => [],
  handle: async () => {
    throw new TesseraError('NotImplemented');
  },
};

export const serviceOperations = [listBucketsSpec, postServiceSpec] as const;
