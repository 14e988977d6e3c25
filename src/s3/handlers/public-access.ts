import { TesseraError } from '../../core/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import {
  parsePublicAccessBlock,
  publicBucketRestrictions,
  readPublicAccessBlock,
  renderPublicAccessBlock,
  serializePublicAccessBlock,
} from '../public-access/index.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { MAX_XML_BODY, parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/**
 * PutPublicAccessBlock: replaces the bucket's settings. As AWS, the body must carry Content-MD5
 * or an x-amz-checksum-* value ("The Content-MD5 or x-amz-checksum-* header is required").
 */
export const putPublicAccessBlock: S3Handler<'PutPublicAccessBlock'> = async (deps, req) => {
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  requireDigest(body);
  const block = parsePublicAccessBlock(parseXmlBody(body, 'PublicAccessBlockConfiguration'));
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  await deps.metadata.setBucketConfig(bucket, 'public-access-block', serializePublicAccessBlock(block));
  publicBucketRestrictions(deps).forget(bucket);
  return emptyResponse(200);
};

/** GetPublicAccessBlock: NoSuchPublicAccessBlockConfiguration when the bucket has none. */
export const getPublicAccessBlock: S3Handler<'GetPublicAccessBlock'> = async (deps, req) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  const block = await readPublicAccessBlock(deps.metadata, bucket);
  if (block === undefined)
    throw new TesseraError('NoSuchPublicAccessBlockConfiguration', undefined, { BucketName: bucket });
  return xmlResponse(renderPublicAccessBlock(block));
};

/** DeletePublicAccessBlock: 204 whether or not the bucket had settings, as AWS. */
export const deletePublicAccessBlock: S3Handler<'DeletePublicAccessBlock'> = async (deps, req) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  await deps.metadata.setBucketConfig(bucket, 'public-access-block', undefined);
  publicBucketRestrictions(deps).forget(bucket);
  return emptyResponse(204);
};
