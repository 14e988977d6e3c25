import { isTesseraError, TesseraError } from '../../core/index.js';
import { isDeleteMarker, type ObjectRecord, type StoredObject } from '../../storage/index.js';
import { checksumResponseHeaders } from '../checksum-headers.js';
import { header, type S3Deps, type S3Handler, type S3Request, type S3Response } from '../context.js';
import { applyResponseOverrides, objectResponseHeaders } from '../object-headers.js';
import { visibleLockHeaders } from '../object-lock/requests.js';
import { missingBlob, type OpenedObject, openObject, quarantined } from '../object-reader.js';
import type { GetObject, HeadObject } from '../ops/objects.js';
import { checkPreconditions } from '../preconditions.js';
import { type ByteRange, parseRange } from '../range.js';
import { decryptedInline, decryptedStream, readKey, sseResponseHeaders } from '../sse/index.js';
import { NULL_VERSION } from '../version-id.js';

/**
 * Looks a version up (the current one without `versionId`), failing as S3 does: NoSuchBucket,
 * then NoSuchKey, or NoSuchVersion for a version id the key does not have. A delete marker as
 * the current version is 404 NoSuchKey, named by its id 405 MethodNotAllowed; both answers carry
 * x-amz-delete-marker: true and the marker's x-amz-version-id. `method`: the request's, for the
 * 405 document.
 */
export async function requireObject(
  deps: S3Deps,
  bucket: string,
  key: string,
  versionId?: string,
  method = 'GET',
): Promise<StoredObject> {
  return (await requireObjectRead(deps, bucket, key, versionId, method)).object;
}

/** requireObject, with whether the bucket has a versioning state (one read of the store). */
export async function requireObjectRead(
  deps: S3Deps,
  bucket: string,
  key: string,
  versionId?: string,
  method = 'GET',
): Promise<{ object: StoredObject; versioned: boolean }> {
  const read = await deps.metadata.readObject(bucket, key, versionId);
  if (read === undefined) throw new TesseraError('NoSuchBucket', undefined, { BucketName: bucket });
  const found = read.version;
  if (found !== undefined && !isDeleteMarker(found))
    return { object: found, versioned: read.versioning !== undefined };
  if (found === undefined) {
    if (versionId !== undefined)
      throw new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    throw new TesseraError('NoSuchKey', undefined, { Key: key });
  }
  const headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': found.versionId };
  if (versionId === undefined) throw new TesseraError('NoSuchKey', undefined, { Key: key }, headers);
  throw new TesseraError(
    'MethodNotAllowed',
    undefined,
    { Method: method, ResourceType: 'DeleteMarker' },
    { ...headers, 'last-modified': new Date(found.lastModified).toUTCString(), allow: 'DELETE' },
  );
}

/**
 * x-amz-version-id of a version a request read or changed: sent when the request named it, when
 * the version has an id of its own, and for the 'null' version once its bucket has a versioning
 * state (AWS: objects of a never-versioned bucket have no version id to show).
 */
export async function versionHeaderOf(
  deps: S3Deps,
  obj: StoredObject,
  named: boolean,
  versioned?: boolean,
): Promise<Record<string, string>> {
  const shown =
    named ||
    obj.versionId !== NULL_VERSION ||
    (versioned ?? (await deps.metadata.getBucket(obj.bucket))?.versioning !== undefined);
  return shown ? { 'x-amz-version-id': obj.versionId } : {};
}

/** The byte range a partNumber query selects, and how many parts the object has. */
function partRange(obj: ObjectRecord, partNumber: number): { range: ByteRange; count: number } {
  const parts = obj.parts ?? [{ partNumber: 1, size: obj.size, etag: obj.etag }];
  if (partNumber < 1 || partNumber > parts.length) throw new TesseraError('InvalidPartNumber');
  let start = 0;
  for (let i = 0; i < partNumber - 1; i++) start += parts[i]!.size;
  return { range: { start, end: start + parts[partNumber - 1]!.size - 1 }, count: parts.length };
}

async function readObject(
  deps: S3Deps,
  req: S3Request<GetObject | HeadObject>,
  withBody: boolean,
  attempt = 0,
): Promise<S3Response> {
  const { bucket, key, versionId, partNumber } = req.op;
  const { object: obj, versioned } = await requireObjectRead(
    deps,
    bucket,
    key,
    versionId,
    withBody ? 'GET' : 'HEAD',
  );
  // Quarantined by tessera admin scan: a clean 500, never its bytes nor a 304 (docs/operations.md).
  if (obj.damage !== undefined) throw quarantined(obj);
  // SSE-C objects need their key even for HEAD (docs/encryption.md); others unseal theirs.
  const sseKey = await readKey(deps, req, obj);
  try {
    checkPreconditions(
      {
        ifMatch: header(req, 'if-match'),
        ifNoneMatch: header(req, 'if-none-match'),
        ifModifiedSince: header(req, 'if-modified-since'),
        ifUnmodifiedSince: header(req, 'if-unmodified-since'),
      },
      obj,
    );
  } catch (e) {
    if (!isTesseraError(e, 'NotModified')) throw e;
    return {
      status: 304,
      headers: {
        etag: `"${obj.etag}"`,
        'last-modified': new Date(obj.lastModified).toUTCString(),
        ...(await versionHeaderOf(deps, obj, versionId !== undefined, versioned)),
      },
    };
  }
  const headers: Record<string, string | number> = {
    ...objectResponseHeaders(obj),
    ...sseResponseHeaders(obj.sse, sseKey?.customerKeyMd5),
  };
  if (versionId !== undefined || versioned || obj.versionId !== NULL_VERSION)
    headers['x-amz-version-id'] = obj.versionId;
  if (obj.lock !== undefined) Object.assign(headers, await visibleLockHeaders(req, bucket, key, obj.lock));
  applyResponseOverrides(req, headers);

  let range: ByteRange | undefined;
  if (partNumber !== undefined) {
    const selected = partRange(obj, partNumber);
    if (obj.parts) {
      range = selected.range;
      headers['x-amz-mp-parts-count'] = selected.count;
    }
  } else {
    range = parseRange(header(req, 'range'), obj.size);
  }
  if (!range && header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumResponseHeaders(obj.checksum));
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? obj.size - 1;
  headers['content-length'] = end - start + 1;
  const status = range ? 206 : 200;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${obj.size}`;
  if (!withBody || obj.size === 0)
    return { status, headers, body: withBody ? Buffer.alloc(0) : undefined } as S3Response;

  // Small objects live inline: answer with the bytes themselves, no stream.
  if (obj.data.kind === 'inline') {
    const bytes =
      sseKey === undefined
        ? obj.data.bytes.subarray(start, end + 1)
        : await decryptedInline(obj, sseKey.dataKey, start, end, deps.reportDamage);
    return { status, headers, body: bytes };
  }
  let opened: OpenedObject;
  try {
    opened = await openObject(deps.blobs, obj, deps.reportDamage);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // A concurrent overwrite deleted the blobs between lookup and open: read the new object.
    if (attempt < 3) return readObject(deps, req, withBody, attempt + 1);
    throw missingBlob(obj, deps.reportDamage);
  }
  if (sseKey === undefined)
    return { status, headers, body: opened.stream(start, end), cleanup: () => opened.close() };
  try {
    const body = await decryptedStream(obj, opened, sseKey.dataKey, start, end, deps.reportDamage);
    return { status, headers, body, cleanup: () => opened.close() };
  } catch (e) {
    await opened.close();
    throw e;
  }
}

export const getObject: S3Handler<'GetObject'> = (deps, req) => readObject(deps, req, true);
export const headObject: S3Handler<'HeadObject'> = (deps, req) => readObject(deps, req, false);
