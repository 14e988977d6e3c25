import { commitObject } from '../../storage/index.js';
import { checksumResponseHeaders } from '../checksum-headers.js';
import { header, type S3Handler } from '../context.js';
import { ingestBody } from '../ingest.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { objectRecord } from '../object-record.js';
import { requireBucket } from './buckets.js';

export const putObject: S3Handler<'PutObject'> = async (deps, req) => {
  const meta = metadataFromRequest(req);
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  await requireBucket(deps, req.op.bucket);
  const body = await ingestBody(deps, req, { allowInline: true });
  const record = objectRecord(
    req.op,
    req.now,
    { size: body.size, etag: body.md5.toString('hex'), data: body.data, checksum: body.checksum },
    { ...meta, tags },
  );
  await commitObject(deps, record);
  const headers = { etag: quoteEtag(record.etag), ...checksumResponseHeaders(body.checksum) };
  return { status: 200, headers };
};
