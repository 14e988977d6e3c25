import type { ListObjectsQuery, ListObjectsResult, ListVersionsQuery, ListVersionsResult } from '../types.js';
import { after, commonPrefixOf } from './keys.js';
import { type AsyncRangeScan, entryKey, walkListingAsync } from './list.js';
import type { PgMetaQueries } from './pg-meta-db.js';
import { keyBytes, type PgRow, withKey } from './pg-meta-rows.js';
import { type SummaryRow, toSummary, toVersionSummary, type VersionRow } from './sqlite-rows.js';

/**
 * ListObjects / ListObjectVersions over PostgreSQL (called inside the store's read snapshot),
 * with the rules of list.ts. Keys are BYTEA, so range bounds are bound as UTF-8 bytes and
 * compare as S3 does. With a delimiter the next key is probed first (one row): when it rolls up
 * into a common prefix the walker seeks past the group, so a roll-up reads one row per prefix.
 */

/** Range condition on `key`: >= $2, and < $3 when there is an upper bound. */
function range(upper: string | undefined, limitParam: number): string {
  return upper === undefined
    ? `key >= $2 ORDER BY key LIMIT $${limitParam}`
    : `key >= $2 AND key < $3 ORDER BY key LIMIT $${limitParam}`;
}

function bounds(lower: string, upper: string | undefined): Buffer[] {
  return upper === undefined ? [keyBytes(lower)] : [keyBytes(lower), keyBytes(upper)];
}

const CURRENT = 'WHERE bucket = $1 AND is_latest = 1 AND delete_marker = 0 AND';

export async function listObjectsPg(q: PgMetaQueries, l: ListObjectsQuery): Promise<ListObjectsResult> {
  const rows = async (lower: string, upper: string | undefined, limit: number) => {
    const sql = `SELECT key, size, etag, last_modified FROM objects ${CURRENT} ${range(upper, upper === undefined ? 3 : 4)}`;
    return (await q.all<PgRow<SummaryRow>>(sql, l.bucket, ...bounds(lower, upper), limit)).map(withKey);
  };
  const scan: AsyncRangeScan<SummaryRow> =
    l.delimiter === ''
      ? async function* (lower, upper, limit) {
          yield await rows(lower, upper, limit);
        }
      : async function* (lower, upper, limit) {
          // Pages of growing size: the walker stops at the first key that rolls up.
          let from = lower;
          for (let size = 1; limit > 0; size = Math.min(size * 10, 1000)) {
            const page = await rows(from, upper, Math.min(size, limit));
            if (page.length === 0) return;
            yield page;
            if (page.length < Math.min(size, limit)) return;
            limit -= page.length;
            from = after(page[page.length - 1]!.key);
          }
        };
  const walk = await walkListingAsync(scan, {
    prefix: l.prefix,
    delimiter: l.delimiter,
    after: l.after,
    max: l.maxKeys,
  });
  const result: ListObjectsResult = {
    objects: walk.rows.map(toSummary),
    commonPrefixes: walk.prefixes,
    isTruncated: walk.truncated,
  };
  if (walk.truncated && walk.last !== undefined) result.nextAfter = entryKey(walk.last);
  return result;
}

const VERSION_COLUMNS = 'key, version_id, is_latest, delete_marker, size, etag, last_modified';

/** ListObjectVersions of `bucket` (inside the store's read snapshot). */
export async function listVersionsPg(
  q: PgMetaQueries,
  bucket: string,
  l: ListVersionsQuery,
): Promise<ListVersionsResult> {
  const rows = async (lower: string, upper: string | undefined, limit: number) => {
    const where = upper === undefined ? 'key >= $2' : 'key >= $2 AND key < $3';
    const sql = `SELECT ${VERSION_COLUMNS} FROM objects WHERE bucket = $1 AND ${where}
      ORDER BY key, id DESC LIMIT $${upper === undefined ? 3 : 4}`;
    return (await q.all<PgRow<VersionRow>>(sql, bucket, ...bounds(lower, upper), limit)).map(withKey);
  };
  const firstKey = async (lower: string, upper: string | undefined) => {
    const where = upper === undefined ? 'key >= $2' : 'key >= $2 AND key < $3';
    const row = await q.one<{ key: Buffer }>(
      `SELECT key FROM objects WHERE bucket = $1 AND ${where} ORDER BY key LIMIT 1`,
      bucket,
      ...bounds(lower, upper),
    );
    return row?.key.toString('utf8');
  };
  // Resuming inside a key (key-marker + version-id-marker): its older versions come first,
  // then the keys after it. Only a key that does not roll up can have been the last entry.
  const resume =
    l.keyMarker !== '' &&
    l.versionIdMarker !== '' &&
    l.keyMarker.startsWith(l.prefix) &&
    commonPrefixOf(l.keyMarker, l.prefix, l.delimiter) === undefined
      ? await q.one<{ id: number }>(
          'SELECT id FROM objects WHERE bucket = $1 AND key = $2 AND version_id = $3',
          bucket,
          keyBytes(l.keyMarker),
          l.versionIdMarker,
        )
      : undefined;
  let first = resume !== undefined;
  const scan: AsyncRangeScan<VersionRow> = async function* (lower, upper, limit) {
    if (first) {
      first = false;
      const older = await q.all<PgRow<VersionRow>>(
        `SELECT ${VERSION_COLUMNS} FROM objects WHERE bucket = $1 AND key = $2 AND id < $3
         ORDER BY id DESC LIMIT $4`,
        bucket,
        keyBytes(l.keyMarker),
        resume!.id,
        limit,
      );
      yield older.map(withKey);
    }
    if (l.delimiter !== '') {
      const key = await firstKey(lower, upper);
      if (key === undefined) return;
      if (commonPrefixOf(key, l.prefix, l.delimiter) !== undefined) {
        yield [{ key } as VersionRow];
        return;
      }
    }
    yield await rows(lower, upper, limit);
  };
  const walk = await walkListingAsync(scan, {
    prefix: l.prefix,
    delimiter: l.delimiter,
    after: l.keyMarker,
    max: l.maxKeys,
  });
  const result: ListVersionsResult = {
    versions: walk.rows.map(toVersionSummary),
    commonPrefixes: walk.prefixes,
    isTruncated: walk.truncated,
  };
  if (walk.truncated && walk.last !== undefined) {
    result.nextKeyMarker = entryKey(walk.last);
    if (walk.last.kind === 'row') result.nextVersionIdMarker = walk.last.row.version_id;
  }
  return result;
}
