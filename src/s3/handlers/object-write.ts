import { commitObjectVersioned } from '../../storage/index.js';
import { objectAclOfWrite } from '../acl/requests.js';
import { checksumResponseHeaders } from '../checksum-headers.js';
import { checkOnArrival, writeCondition } from '../conditional-write.js';
import { header, type S3Handler } from '../context.js';
import { ingestBody } from '../ingest.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { newObjectLock } from '../object-lock/requests.js';
import { objectRecord } from '../object-record.js';
import { encryptedEtag, sseResponseHeaders, writeEncryption } from '../sse/index.js';
import { writtenVersionHeader } from '../version-id.js';
import { requireBucket } from './buckets.js';

export const putObject: S3Handler<'PutObject'> = async (deps, req) => {
  const meta = metadataFromRequest(req);
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  const condition = writeCondition(req);
  const bucket = await requireBucket(deps, req.op.bucket);
  // Object Lock: the headers' retention and legal hold, else the bucket's default retention.
  const lock = await newObjectLock(deps, req, bucket, { requireDigest: true });
  // The ACL headers' (docs/acl.md); nothing is read without them.
  const acl = await objectAclOfWrite(deps, req, req.op.bucket);
  await checkOnArrival(deps, req.op.bucket, req.op.key, condition);
  // Server-side encryption (docs/encryption.md): the request's headers, else the bucket default.
  const sse = await writeEncryption(deps, req, req.op);
  const body = await ingestBody(deps, req, { allowInline: true, sealWith: sse?.dataKey });
  const etag = encryptedEtag(sse?.record, sse?.dataKey, body.md5);
  const record = objectRecord(
    req.op,
    req.now,
    { size: body.size, etag, data: body.data, checksum: body.checksum },
    { ...meta, tags },
  );
  if (sse !== undefined) record.sse = sse.record;
  if (lock !== undefined) record.lock = lock;
  if (acl !== undefined) record.acl = acl;
  // commitObject discards the record's own blobs when the commit (or its condition) fails.
  const { versionId } = await commitObjectVersioned(deps, record, condition);
  const headers = {
    etag: quoteEtag(record.etag),
    ...checksumResponseHeaders(body.checksum),
    ...writtenVersionHeader(bucket.versioning, versionId),
    ...sseResponseHeaders(sse?.record, sse?.customerKeyMd5),
  };
  return { status: 200, headers };
};
