import type { ObjectRecord } from '../../storage/index.js';
import { checksumHeaderName } from '../checksum-headers.js';
import { header, type S3Deps, type S3Handler } from '../context.js';
import { ingestBody } from '../ingest.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { requireBucket } from './buckets.js';

/**
 * Commits an object record and then removes the blobs it replaced. The commit is the moment the
 * new object becomes visible; blobs are deleted only after it, so a crash leaves garbage, never loss.
 * If the commit fails, the record's own (never visible) blobs are deleted before the error rises.
 */
export async function commitObject(deps: S3Deps, record: ObjectRecord): Promise<void> {
  let released: string[];
  try {
    released = await deps.metadata.putObject(record);
  } catch (e) {
    if (record.data.kind === 'blobs') await deps.blobs.delete(record.data.segments.map((s) => s.blobId));
    throw e;
  }
  if (released.length > 0) await deps.blobs.delete(released);
}

export const putObject: S3Handler = async (deps, req) => {
  const { bucket, key } = req.op as { bucket: string; key: string };
  const meta = metadataFromRequest(req);
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  await requireBucket(deps, bucket);
  const body = await ingestBody(deps, req, { allowInline: true });
  const record: ObjectRecord = {
    bucket,
    key,
    size: body.size,
    etag: body.md5.toString('hex'),
    lastModified: Date.now(),
    headers: meta.headers,
    userMetadata: meta.userMetadata,
    tags,
    data: body.data,
  };
  if (meta.contentType !== undefined) record.contentType = meta.contentType;
  if (body.checksum) record.checksum = body.checksum;
  await commitObject(deps, record);
  const headers: Record<string, string> = { etag: quoteEtag(record.etag) };
  if (body.checksum) {
    headers[checksumHeaderName(body.checksum.algorithm)] = body.checksum.value;
    headers['x-amz-checksum-type'] = body.checksum.type;
  }
  return { status: 200, headers };
};
