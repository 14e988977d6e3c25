import { Readable } from 'node:stream';
import { createChecksum, TesseraError } from '../core/index.js';
import {
  type ChecksumAlgorithm,
  isDeleteMarker,
  type ObjectRecord,
  type StoredObject,
} from '../storage/index.js';
import { header, type S3Deps, type S3Request } from './context.js';
import { type Stored, storeStream } from './ingest.js';
import { assertBucketName, assertObjectKey } from './names.js';
import { missingBlob, openObject } from './object-reader.js';
import { checkPreconditions } from './preconditions.js';
import { decryptedStream } from './sse/reader.js';
import { NULL_VERSION, parseVersionId } from './version-id.js';

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/**
 * Parses x-amz-copy-source: "/bucket/key" or "bucket/key", URL-encoded, optionally followed by
 * "?versionId=…" (checked as the versionId query parameter is: malformed → InvalidArgument).
 */
export function parseCopySource(value: string): CopySource {
  let path = value;
  let versionId: string | undefined;
  const q = path.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(path.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    path = path.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new TesseraError('InvalidArgument', 'Invalid copy source encoding.');
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new TesseraError(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey.',
    );
  }
  const source: CopySource = { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
  assertBucketName(source.bucket);
  assertObjectKey(source.key);
  if (versionId !== undefined) source.versionId = parseVersionId(versionId);
  return source;
}

/**
 * Looks the copy source up (its current version, or the one named) and applies
 * x-amz-copy-source-if-* (failures are PreconditionFailed). A current delete marker is NoSuchKey;
 * a delete marker named by version id is InvalidRequest, as in AWS.
 */
export async function resolveCopySource(
  deps: S3Deps,
  req: S3Request,
): Promise<{ source: CopySource; obj: StoredObject }> {
  const source = parseCopySource(header(req, 'x-amz-copy-source')!);
  const found = await deps.metadata.lookupObject(source.bucket, source.key, source.versionId);
  if (found === undefined || (isDeleteMarker(found) && source.versionId === undefined)) {
    if (!(await deps.metadata.getBucket(source.bucket))) {
      throw new TesseraError('NoSuchBucket', undefined, { BucketName: source.bucket });
    }
    if (found === undefined && source.versionId !== undefined)
      throw new TesseraError('NoSuchVersion', undefined, { Key: source.key, VersionId: source.versionId });
    throw new TesseraError('NoSuchKey', undefined, { Key: source.key });
  }
  if (isDeleteMarker(found)) {
    throw new TesseraError(
      'InvalidRequest',
      'The source of a copy request may not specifically refer to a delete marker by version id.',
    );
  }
  checkPreconditions(
    {
      ifMatch: header(req, 'x-amz-copy-source-if-match'),
      ifNoneMatch: header(req, 'x-amz-copy-source-if-none-match'),
      ifModifiedSince: header(req, 'x-amz-copy-source-if-modified-since'),
      ifUnmodifiedSince: header(req, 'x-amz-copy-source-if-unmodified-since'),
    },
    found,
    true,
  );
  return { source, obj: found };
}

/**
 * "x-amz-copy-source-version-id: Version ID of the source object that was copied": when one was
 * named, or the source has an id of its own.
 */
export function copySourceVersionHeader(source: CopySource, obj: StoredObject): Record<string, string> {
  return source.versionId !== undefined || obj.versionId !== NULL_VERSION
    ? { 'x-amz-copy-source-version-id': obj.versionId }
    : {};
}

/**
 * Copies bytes [start, end] of an object into new storage, computing MD5 and, when asked, a
 * checksum. Reading holds the source's blobs open, so a concurrent overwrite of the source
 * cannot tear the copy.
 */
export async function copyData(
  deps: S3Deps,
  obj: ObjectRecord,
  range: { start: number; end: number },
  opts: {
    allowInline: boolean;
    algorithm?: ChecksumAlgorithm | undefined;
    /** The source's data key, when it is encrypted (sse/keys.ts readKey). */
    sourceKey?: Buffer | undefined;
    /** The target's data key, when it is to be encrypted. */
    sealWith?: Buffer | undefined;
  },
): Promise<Stored & { checksum?: string }> {
  const size = range.end - range.start + 1;
  const hasher = opts.algorithm ? createChecksum(opts.algorithm) : undefined;
  let opened: Awaited<ReturnType<typeof openObject>>;
  try {
    opened = await openObject(deps.blobs, obj, deps.reportDamage);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missingBlob(obj, deps.reportDamage);
    throw e;
  }
  try {
    const source =
      size === 0
        ? Readable.from([])
        : opts.sourceKey === undefined
          ? opened.stream(range.start, range.end)
          : await decryptedStream(obj, opened, opts.sourceKey, range.start, range.end, deps.reportDamage);
    const stored = await storeStream(deps, source, {
      inlineSize: opts.allowInline ? size : undefined,
      maxSize: size,
      hasher,
      sealWith: opts.sealWith,
    });
    return hasher ? { ...stored, checksum: hasher.digest().toString('base64') } : stored;
  } finally {
    await opened.close();
  }
}
