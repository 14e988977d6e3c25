import type { DataLocation, ObjectChecksum, ObjectRecord, PartInfo, Tag } from '../storage/index.js';

/** What an object's bytes are: where they live, their size and ETag, checksum and parts. */
export interface ObjectContent {
  size: number;
  /** No quotes: hex MD5, or `hex-N` for multipart objects. */
  etag: string;
  data: DataLocation;
  checksum?: ObjectChecksum | undefined;
  parts?: PartInfo[] | undefined;
}

/** What an object is written with: from the request, the copy source or the multipart upload. */
export interface ObjectDescription {
  contentType?: string | undefined;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
  tags: Tag[];
}

/**
 * The record of a new object (PutObject, CopyObject, CompleteMultipartUpload), last modified at
 * the request's time.
 * @example objectRecord(op, req.now, { size, etag, data }, { ...metadataFromRequest(req), tags })
 */
export function objectRecord(
  at: { bucket: string; key: string },
  lastModified: number,
  content: ObjectContent,
  description: ObjectDescription,
): ObjectRecord {
  const record: ObjectRecord = {
    bucket: at.bucket,
    key: at.key,
    size: content.size,
    etag: content.etag,
    lastModified,
    headers: description.headers,
    userMetadata: description.userMetadata,
    tags: description.tags,
    data: content.data,
  };
  if (description.contentType !== undefined) record.contentType = description.contentType;
  if (content.checksum !== undefined) record.checksum = content.checksum;
  if (content.parts !== undefined) record.parts = content.parts;
  return record;
}
