import { TesseraError } from '../core/index.js';
import type { ObjectRecord, WriteExpectation } from '../storage/index.js';
import { header, type S3Deps, type S3Request } from './context.js';
import { etagMatches } from './preconditions.js';

/**
 * Conditional writes (PutObject, CompleteMultipartUpload) and deletes (DeleteObject), as S3:
 * `If-None-Match: *` writes only when the key has no current object (412 PreconditionFailed);
 * `If-Match: <etag>` (or `*`) writes only when the current object's ETag matches (412), and a key
 * without a current object is 404 NoSuchKey.
 *
 * The condition is evaluated twice: when the request arrives (before its body is read: 412/404),
 * and again by the metadata store inside the commit's transaction (the condition is the commit's
 * WriteExpectation, a compare-and-set; the store discards the writer's own blobs on failure): a condition that held at first and no longer holds at the commit means a conflicting
 * write happened during the request: 409 ConditionalRequestConflict, as S3 answers.
 */
export type WriteCondition = WriteExpectation;

/** The write condition a request carries, if any. `If-None-Match` takes only `*`. */
export function writeCondition(req: S3Request): WriteCondition | undefined {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new TesseraError('NotImplemented', undefined, { Header: 'If-None-Match' });
  }
  return {
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(ifNoneMatch !== undefined ? { ifNoneMatch: true as const } : {}),
  };
}

/** Throws NoSuchKey or PreconditionFailed when `condition` does not hold for `current`. */
export function checkWriteCondition(
  condition: WriteCondition,
  current: ObjectRecord | undefined,
  key: string,
): void {
  if (condition.ifMatch !== undefined) {
    if (!current) throw new TesseraError('NoSuchKey', undefined, { Key: key });
    if (!etagMatches(condition.ifMatch, current.etag))
      throw new TesseraError('PreconditionFailed', undefined, { Condition: 'If-Match' });
  }
  if (condition.ifNoneMatch && current) {
    throw new TesseraError('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
}

/** The first evaluation, when the request arrives. */
export async function checkOnArrival(
  deps: S3Deps,
  bucket: string,
  key: string,
  condition: WriteCondition | undefined,
): Promise<void> {
  if (condition) checkWriteCondition(condition, await deps.metadata.getObject(bucket, key), key);
}
