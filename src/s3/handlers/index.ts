import { TesseraError } from '../../core/index.js';
import type { S3Handler } from '../context.js';
import type { OperationName } from '../operations.js';
import {
  deleteBucketPolicy,
  getBucketPolicy,
  getBucketPolicyStatus,
  putBucketPolicy,
} from './bucket-policy.js';
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  getBucketVersioning,
  headBucket,
  listBuckets,
} from './buckets.js';
import { listObjectsV1, listObjectsV2 } from './list-objects.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart, uploadPartCopy } from './multipart.js';
import { completeMultipartUpload } from './multipart-complete.js';
import { listMultipartUploads, listParts } from './multipart-list.js';
import { copyObject } from './object-copy.js';
import { deleteObject, deleteObjects } from './object-delete.js';
import { getObject, headObject } from './object-read.js';
import { putObject } from './object-write.js';
import {
  deleteBucketTagging,
  deleteObjectTagging,
  getBucketTagging,
  getObjectTagging,
  putBucketTagging,
  putObjectTagging,
} from './tagging.js';

const notImplemented: S3Handler = async () => {
  throw new TesseraError('NotImplemented');
};

/** Every routed operation's handler. */
export function s3Handlers(): Record<OperationName, S3Handler> {
  return {
    ListBuckets: listBuckets,
    PostService: notImplemented,
    CreateBucket: createBucket,
    HeadBucket: headBucket,
    DeleteBucket: deleteBucket,
    GetBucketLocation: getBucketLocation,
    GetBucketVersioning: getBucketVersioning,
    GetBucketTagging: getBucketTagging,
    PutBucketTagging: putBucketTagging,
    DeleteBucketTagging: deleteBucketTagging,
    GetBucketPolicy: getBucketPolicy,
    PutBucketPolicy: putBucketPolicy,
    DeleteBucketPolicy: deleteBucketPolicy,
    GetBucketPolicyStatus: getBucketPolicyStatus,
    ListObjects: listObjectsV1,
    ListObjectsV2: listObjectsV2,
    ListMultipartUploads: listMultipartUploads,
    DeleteObjects: deleteObjects,
    PutObject: putObject,
    CopyObject: copyObject,
    GetObject: getObject,
    HeadObject: headObject,
    DeleteObject: deleteObject,
    GetObjectTagging: getObjectTagging,
    PutObjectTagging: putObjectTagging,
    DeleteObjectTagging: deleteObjectTagging,
    CreateMultipartUpload: createMultipartUpload,
    UploadPart: uploadPart,
    UploadPartCopy: uploadPartCopy,
    CompleteMultipartUpload: completeMultipartUpload,
    AbortMultipartUpload: abortMultipartUpload,
    ListParts: listParts,
    NotImplemented: notImplemented,
  };
}
