import { TesseraError } from '../../core/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import {
  bucketEncryption,
  bucketKeyName,
  parseBucketEncryption,
  renderBucketEncryption,
} from '../sse/index.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { MAX_XML_BODY } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/**
 * PutBucketEncryption: the bucket's default encryption (docs/encryption.md). As AWS, the body
 * must carry Content-MD5 or an x-amz-checksum-* value; an aws:kms default must name a key that
 * exists (the KMS's default key when it names none).
 */
export const putBucketEncryption: S3Handler<'PutBucketEncryption'> = async (deps, req) => {
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  requireDigest(body);
  const config = parseBucketEncryption(body);
  await requireBucket(deps, req.op.bucket);
  if (deps.sse === undefined)
    throw new TesseraError('NotImplemented', 'Server-side encryption is not configured on this server.');
  const name = bucketKeyName(config);
  if (name !== undefined && !(await deps.sse.kms.exists(name)))
    throw new TesseraError('InvalidArgument', `Invalid keyId: the KMS key "${name}" does not exist.`);
  await deps.metadata.setBucketConfig(req.op.bucket, 'encryption', JSON.stringify(config));
  return emptyResponse(200);
};

/** GetBucketEncryption: ServerSideEncryptionConfigurationNotFoundError when the bucket has none. */
export const getBucketEncryption: S3Handler<'GetBucketEncryption'> = async (deps, req) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  const config = await bucketEncryption(deps, bucket);
  if (config === undefined)
    throw new TesseraError('ServerSideEncryptionConfigurationNotFoundError', undefined, {
      BucketName: bucket,
    });
  return xmlResponse(renderBucketEncryption(config));
};

/** DeleteBucketEncryption: 204 whether or not the bucket had a configuration. */
export const deleteBucketEncryption: S3Handler<'DeleteBucketEncryption'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketConfig(req.op.bucket, 'encryption', undefined);
  return emptyResponse(204);
};
