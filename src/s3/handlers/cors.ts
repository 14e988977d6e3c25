import { TesseraError } from '../../core/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { deserializeCors, serializeCors } from '../cors/model.js';
import { parseCors } from '../cors/parse.js';
import { renderCors } from '../cors/render.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/** "The cors subresource is an XML document … The document is limited to 64 KB in size." */
export const MAX_CORS_BODY = 64 * 1024;

/**
 * PutBucketCors: replaces the bucket's configuration. As AWS (the operation's
 * `requestChecksumRequired`), the body must carry Content-MD5 or an x-amz-checksum-* value, and
 * is checked as S3 checks it (cors/parse.ts).
 */
export const putBucketCors: S3Handler<'PutBucketCors'> = async (deps, req) => {
  const body = await readVerifiedBody(req, MAX_CORS_BODY);
  requireDigest(body);
  const config = parseCors(parseXmlBody(body, 'CORSConfiguration'));
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketConfig(req.op.bucket, 'cors', serializeCors(config));
  return emptyResponse(200);
};

/** GetBucketCors: 404 NoSuchCORSConfiguration when the bucket has none. */
export const getBucketCors: S3Handler<'GetBucketCors'> = async (deps, req) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  const doc = await deps.metadata.getBucketConfig(bucket, 'cors');
  if (doc === undefined) throw new TesseraError('NoSuchCORSConfiguration', undefined, { BucketName: bucket });
  return xmlResponse(renderCors(deserializeCors(doc)));
};

/** DeleteBucketCors: 204 whether or not the bucket had a configuration, as AWS. */
export const deleteBucketCors: S3Handler<'DeleteBucketCors'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketConfig(req.op.bucket, 'cors', undefined);
  return emptyResponse(204);
};
