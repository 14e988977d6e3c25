import type { ListUploadsQuery, ListUploadsResult } from '../types.js';
import { commonPrefixOf } from './keys.js';
import { type RangeScan, type WalkEntry, walkListing } from './list.js';
import { toUpload, type UploadRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';

/**
 * ListMultipartUploads: uploads sorted by key, then by initiation time; common prefixes as for
 * objects. "If upload-id-marker is specified, any multipart uploads for a key equal to the
 * key-marker might also be included, provided those multipart uploads have upload IDs
 * lexicographically greater than the specified upload-id-marker" — here: the uploads of that key
 * that follow the marker upload in (initiated, upload id) order (or, if the marker upload is
 * gone, those with a greater upload id). Without a key-marker the upload-id-marker is ignored.
 */
export function listUploads(s: Statements, q: ListUploadsQuery): ListUploadsResult {
  const max = q.maxUploads;
  if (max <= 0) return { uploads: [], commonPrefixes: [], isTruncated: false };

  const first = uploadsOfMarkerKey(s, q, max + 1);
  if (first.length > max) {
    return finish(first.slice(0, max), [], true, { kind: 'row', row: first[max - 1]! });
  }

  const scan: RangeScan<UploadRow> = (lower, upper, limit) =>
    upper === undefined
      ? s.uploadsFrom.iterate(q.bucket, lower, limit)
      : s.uploadsBetween.iterate(q.bucket, lower, upper, limit);
  const rest = max - first.length;
  // When the marker key's uploads fill the page, walk one more entry only to learn "truncated".
  const walk = walkListing(scan, {
    prefix: q.prefix,
    delimiter: q.delimiter,
    after: q.keyMarker,
    max: Math.max(rest, 1),
  });
  if (rest === 0) {
    const more = walk.rows.length + walk.prefixes.length > 0;
    const last = first[first.length - 1];
    return finish(first, [], more, last === undefined ? undefined : { kind: 'row', row: last });
  }
  const lastFirst = first[first.length - 1];
  const last: WalkEntry<UploadRow> | undefined =
    walk.last ?? (lastFirst === undefined ? undefined : { kind: 'row', row: lastFirst });
  return finish([...first, ...walk.rows], walk.prefixes, walk.truncated, last);
}

/** The uploads of key-marker itself that follow upload-id-marker (empty unless both are set). */
function uploadsOfMarkerKey(s: Statements, q: ListUploadsQuery, limit: number): UploadRow[] {
  if (q.keyMarker === '' || q.uploadIdMarker === '') return [];
  if (!q.keyMarker.startsWith(q.prefix)) return [];
  if (commonPrefixOf(q.keyMarker, q.prefix, q.delimiter) !== undefined) return []; // rolled up
  const marker = s.getUpload.get(q.uploadIdMarker);
  if (marker !== undefined && marker.bucket === q.bucket && marker.key === q.keyMarker) {
    return s.uploadsOfKeyAfter.all(q.bucket, q.keyMarker, marker.initiated_at, marker.upload_id, limit);
  }
  return s.uploadsOfKeyAfterId.all(q.bucket, q.keyMarker, q.uploadIdMarker, limit);
}

function finish(
  rows: UploadRow[],
  commonPrefixes: string[],
  isTruncated: boolean,
  last: WalkEntry<UploadRow> | undefined,
): ListUploadsResult {
  const result: ListUploadsResult = { uploads: rows.map(toUpload), commonPrefixes, isTruncated };
  if (isTruncated && last !== undefined) {
    if (last.kind === 'row') {
      result.nextKeyMarker = last.row.key;
      result.nextUploadIdMarker = last.row.upload_id;
    } else {
      result.nextKeyMarker = last.prefix;
    }
  }
  return result;
}
