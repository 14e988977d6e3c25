import { TesseraError } from '../../core/index.js';
import type { WriteExpectation } from '../types.js';
import { bucketState } from './pg-meta-buckets.js';
import { locks, type PgMetaDb, type PgMetaTx, type TxLock } from './pg-meta-db.js';
import { keyBytes } from './pg-meta-rows.js';

/** The bucket state a key write read under its locks (undefined: no such bucket). */
export type HeldBucket = { account: string; versioning: string | null } | undefined;

/** What a write needs of a version row: its id, blobs, place among the versions and lock. */
export type RefRow = {
  id: number;
  segments: string | null;
  is_latest: number;
  delete_marker: number;
  object_lock: string | null;
};

const REF = 'SELECT id, segments, is_latest, delete_marker, object_lock FROM objects';
/** A key's current version ($1 bucket, $2 key bytes). */
export const CURRENT_REF = `${REF} WHERE bucket = $1 AND key = $2 AND is_latest = 1`;
/** One version of a key ($1 bucket, $2 key bytes, $3 version id). */
export const VERSION_REF = `${REF} WHERE bucket = $1 AND key = $2 AND version_id = $3`;

/** An ETag without its quotes (and a weak validator's W/ prefix). */
function unquote(etag: string): string {
  const e = etag.startsWith('W/') ? etag.slice(2) : etag;
  return e.length >= 2 && e.startsWith('"') && e.endsWith('"') ? e.slice(1, -1) : e;
}

/** NoSuchKey, or NoSuchVersion when a version was named. */
export function noSuchKey(key: string, versionId: string | undefined): TesseraError {
  return versionId === undefined
    ? new TesseraError('NoSuchKey', undefined, { Key: key })
    : new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
}

/**
 * Runs `fn` in a write transaction holding the bucket (shared) and the key (pg-meta-db.ts), and
 * any `more` locks after them: every check `fn` makes on the key's versions holds until the commit.
 */
export function keyWrite<T>(
  d: PgMetaDb,
  bucket: string,
  key: string,
  fn: (t: PgMetaTx, b: HeldBucket) => Promise<T>,
  more: readonly TxLock[] = [],
): Promise<T> {
  return d.write([locks.bucket(bucket), locks.key(bucket, key), ...more], async (t) =>
    fn(t, await bucketState(t, bucket)),
  );
}

/** Checks a compare-and-set expectation on the current object; call under the key's lock. */
export async function expectCurrent(
  t: PgMetaTx,
  bucket: string,
  key: string,
  expect: WriteExpectation | undefined,
): Promise<void> {
  if (expect === undefined || (expect.ifMatch === undefined && !expect.ifNoneMatch)) return;
  const row = await t.one<{ etag: string }>(
    'SELECT etag FROM objects WHERE bucket = $1 AND key = $2 AND is_latest = 1 AND delete_marker = 0',
    bucket,
    keyBytes(key),
  );
  if (expect.ifMatch !== undefined) {
    if (row === undefined) throw new TesseraError('NoSuchKey', undefined, { Key: key });
    const want = expect.ifMatch.trim();
    if (want !== '*' && unquote(want) !== unquote(row.etag)) {
      throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
    }
  }
  if (expect.ifNoneMatch && row !== undefined) {
    throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
  }
}
