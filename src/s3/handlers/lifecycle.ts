import { TesseraError } from '../../core/index.js';
import { emptyResponse, header, type S3Handler, xmlResponse } from '../context.js';
import { deserializeLifecycle, serializeLifecycle } from '../lifecycle/model.js';
import { parseLifecycle, parseTransitionMinimum } from '../lifecycle/parse.js';
import { renderLifecycle } from '../lifecycle/render.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { MAX_XML_BODY, parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/** Sent by Put and Get: the default minimum object size a transition applies to. */
const MINIMUM_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';

/**
 * PutBucketLifecycleConfiguration: replaces the bucket's configuration. As AWS, the body must
 * carry Content-MD5 or an x-amz-checksum-* value ("Content-MD5 … is required for all requests
 * to upload Lifecycle configurations"), and is checked rule by rule (lifecycle/parse.ts).
 */
export const putBucketLifecycleConfiguration: S3Handler<'PutBucketLifecycleConfiguration'> = async (
  deps,
  req,
) => {
  const minimum = parseTransitionMinimum(header(req, MINIMUM_SIZE_HEADER));
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  requireDigest(body);
  const config = parseLifecycle(parseXmlBody(body, 'LifecycleConfiguration'), minimum);
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketConfig(req.op.bucket, 'lifecycle', serializeLifecycle(config));
  return emptyResponse(200, { [MINIMUM_SIZE_HEADER]: config.transitionMinimumSize });
};

export const getBucketLifecycleConfiguration: S3Handler<'GetBucketLifecycleConfiguration'> = async (
  deps,
  req,
) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  const doc = await deps.metadata.getBucketConfig(bucket, 'lifecycle');
  if (doc === undefined)
    throw new TesseraError('NoSuchLifecycleConfiguration', undefined, { BucketName: bucket });
  const config = deserializeLifecycle(doc);
  return xmlResponse(renderLifecycle(config), 200, { [MINIMUM_SIZE_HEADER]: config.transitionMinimumSize });
};

/** DeleteBucketLifecycle: 204 whether or not the bucket had a configuration, as AWS. */
export const deleteBucketLifecycle: S3Handler<'DeleteBucketLifecycle'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketConfig(req.op.bucket, 'lifecycle', undefined);
  return emptyResponse(204);
};
