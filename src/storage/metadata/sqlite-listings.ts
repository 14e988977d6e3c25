import type { ListObjectsQuery, ListObjectsResult, ListVersionsQuery, ListVersionsResult } from '../types.js';
import { commonPrefixOf } from './keys.js';
import { entryKey, type RangeScan, walkListing } from './list.js';
import { type SummaryRow, toSummary, toVersionSummary, type VersionRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';

/**
 * ListObjects / ListObjectVersions over the SQLite statements (called inside the store's read
 * transaction). With a delimiter, the next key is probed from the index first: when it rolls up
 * into a common prefix the walker needs nothing but that key and seeks past the group, so a
 * roll-up reads one index entry per prefix.
 */
export function listObjectsWith(s: Statements, q: ListObjectsQuery): ListObjectsResult {
  // Without a delimiter every row read is returned: fetch the page at once.
  const scan: RangeScan<SummaryRow> =
    q.delimiter === ''
      ? (lower, upper, limit) =>
          upper === undefined
            ? s.objectsFrom.all(q.bucket, lower, limit)
            : s.objectsBetween.all(q.bucket, lower, upper, limit)
      : function* (lower, upper, limit) {
          const key =
            upper === undefined
              ? s.firstKeyFrom.get(q.bucket, lower)
              : s.firstKeyBetween.get(q.bucket, lower, upper);
          if (key === undefined) return;
          // The walker reads only the key of a row that rolls up.
          if (commonPrefixOf(key, q.prefix, q.delimiter) !== undefined) {
            yield { key } as SummaryRow;
            return;
          }
          yield* upper === undefined
            ? s.objectsFrom.iterate(q.bucket, lower, limit)
            : s.objectsBetween.iterate(q.bucket, lower, upper, limit);
        };
  const walk = walkListing(scan, {
    prefix: q.prefix,
    delimiter: q.delimiter,
    after: q.after,
    max: q.maxKeys,
  });
  const result: ListObjectsResult = {
    objects: walk.rows.map(toSummary),
    commonPrefixes: walk.prefixes,
    isTruncated: walk.truncated,
  };
  if (walk.truncated && walk.last !== undefined) result.nextAfter = entryKey(walk.last);
  return result;
}

/** ListObjectVersions of `bucket` (inside the store's read transaction). */
export function listVersionsWith(s: Statements, bucket: string, q: ListVersionsQuery): ListVersionsResult {
  // Every row read is returned unless a delimiter rolls it up: fetch the page at once (.all is
  // much cheaper per row than .iterate).
  const rows = (lower: string, upper: string | undefined, limit: number) =>
    upper === undefined
      ? s.versionsFrom.all(bucket, lower, limit)
      : s.versionsBetween.all(bucket, lower, upper, limit);
  // As listObjects: with a delimiter, probe the next key first so a roll-up reads one entry.
  const range: RangeScan<VersionRow> =
    q.delimiter === ''
      ? rows
      : function* (lower, upper, limit) {
          const key =
            upper === undefined
              ? s.firstVersionKeyFrom.get(bucket, lower)
              : s.firstVersionKeyBetween.get(bucket, lower, upper);
          if (key === undefined) return;
          if (commonPrefixOf(key, q.prefix, q.delimiter) !== undefined) {
            yield { key } as VersionRow;
            return;
          }
          yield* rows(lower, upper, limit);
        };
  // Resuming inside a key (key-marker + version-id-marker): its older versions come first,
  // then the keys after it. Only a key that does not roll up can have been the last entry.
  const resumeId =
    q.keyMarker !== '' &&
    q.versionIdMarker !== '' &&
    q.keyMarker.startsWith(q.prefix) &&
    commonPrefixOf(q.keyMarker, q.prefix, q.delimiter) === undefined
      ? s.versionRowId.get(bucket, q.keyMarker, q.versionIdMarker)
      : undefined;
  let first = resumeId !== undefined;
  const scan: RangeScan<VersionRow> = function* (lower, upper, limit) {
    if (first) {
      first = false;
      yield* s.versionsOfKeyBefore.iterate(bucket, q.keyMarker, resumeId!, limit);
    }
    yield* range(lower, upper, limit);
  };
  const walk = walkListing(scan, {
    prefix: q.prefix,
    delimiter: q.delimiter,
    after: q.keyMarker,
    max: q.maxKeys,
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
