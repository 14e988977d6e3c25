import type { ListUploadsQuery, ListUploadsResult, MultipartUploadRecord } from '../types.js';
import { commonPrefixOf } from './keys.js';
import {
  type AsyncRangeScan,
  type RangeScan,
  type WalkEntry,
  type WalkQuery,
  type WalkResult,
  walkListing,
  walkListingAsync,
} from './list.js';

/**
 * ListMultipartUploads over any metadata driver. Uploads sort by key, then by initiation time;
 * common prefixes as for objects. "If upload-id-marker is specified, any multipart uploads for a
 * key equal to the key-marker might also be included, provided those multipart uploads have
 * upload IDs lexicographically greater than the specified upload-id-marker" — here: the uploads
 * of that key that follow the marker upload in (initiated, upload id) order (or, if the marker
 * upload is gone, those with a greater upload id). Without a key-marker the upload-id-marker is
 * ignored.
 */

/** Where, among one key's uploads, the page starts (exclusive). */
export type UploadPosition = { initiatedAt: number; uploadId: string } | { uploadId: string };

/** What the listing reads from one bucket's uploads, synchronously (better-sqlite3). */
export interface UploadSource {
  /** The upload with this id in any bucket (to place upload-id-marker), or undefined. */
  upload(uploadId: string): MultipartUploadRecord | undefined;
  /** Uploads of `key` after `after` in (initiated, upload id) order, or with a greater upload id; at most `limit`. */
  uploadsOfKey(key: string, after: UploadPosition, limit: number): MultipartUploadRecord[];
  /** The bucket's uploads by key range, in (key, initiated, upload id) order. */
  scan: RangeScan<MultipartUploadRecord>;
}

/** The same reads for an asynchronous driver (node-postgres). */
export interface AsyncUploadSource {
  upload(uploadId: string): Promise<MultipartUploadRecord | undefined>;
  uploadsOfKey(key: string, after: UploadPosition, limit: number): Promise<MultipartUploadRecord[]>;
  scan: AsyncRangeScan<MultipartUploadRecord>;
}

/** ListMultipartUploads for a synchronous driver (see the rules above). */
export function listUploads(source: UploadSource, q: ListUploadsQuery): ListUploadsResult {
  if (q.maxUploads <= 0) return { uploads: [], commonPrefixes: [], isTruncated: false };
  const first = markerApplies(q)
    ? source.uploadsOfKey(q.keyMarker, position(q, source.upload(q.uploadIdMarker)), q.maxUploads + 1)
    : [];
  if (first.length > q.maxUploads) return firstOnly(first, q.maxUploads);
  return combine(q, first, walkListing(source.scan, rest(q, first)));
}

/** ListMultipartUploads for an asynchronous driver: the same rules, the same result. */
export async function listUploadsAsync(
  source: AsyncUploadSource,
  q: ListUploadsQuery,
): Promise<ListUploadsResult> {
  if (q.maxUploads <= 0) return { uploads: [], commonPrefixes: [], isTruncated: false };
  const first = markerApplies(q)
    ? await source.uploadsOfKey(
        q.keyMarker,
        position(q, await source.upload(q.uploadIdMarker)),
        q.maxUploads + 1,
      )
    : [];
  if (first.length > q.maxUploads) return firstOnly(first, q.maxUploads);
  return combine(q, first, await walkListingAsync(source.scan, rest(q, first)));
}

/** Whether the page starts with uploads of key-marker itself (both markers set, key not rolled up). */
function markerApplies(q: ListUploadsQuery): boolean {
  if (q.keyMarker === '' || q.uploadIdMarker === '') return false;
  if (!q.keyMarker.startsWith(q.prefix)) return false;
  return commonPrefixOf(q.keyMarker, q.prefix, q.delimiter) === undefined;
}

function position(q: ListUploadsQuery, marker: MultipartUploadRecord | undefined): UploadPosition {
  return marker !== undefined && marker.bucket === q.bucket && marker.key === q.keyMarker
    ? { initiatedAt: marker.initiatedAt, uploadId: marker.uploadId }
    : { uploadId: q.uploadIdMarker };
}

/** The walk after key-marker; when the marker key's uploads fill the page, one entry only to learn "truncated". */
function rest(q: ListUploadsQuery, first: MultipartUploadRecord[]): WalkQuery {
  const max = Math.max(q.maxUploads - first.length, 1);
  return { prefix: q.prefix, delimiter: q.delimiter, after: q.keyMarker, max };
}

function firstOnly(first: MultipartUploadRecord[], max: number): ListUploadsResult {
  return finish(first.slice(0, max), [], true, { kind: 'row', row: first[max - 1]! });
}

function combine(
  q: ListUploadsQuery,
  first: MultipartUploadRecord[],
  walk: WalkResult<MultipartUploadRecord>,
): ListUploadsResult {
  const lastFirst = first[first.length - 1];
  const lastOfFirst: WalkEntry<MultipartUploadRecord> | undefined =
    lastFirst === undefined ? undefined : { kind: 'row', row: lastFirst };
  if (first.length === q.maxUploads) {
    return finish(first, [], walk.rows.length + walk.prefixes.length > 0, lastOfFirst);
  }
  return finish([...first, ...walk.rows], walk.prefixes, walk.truncated, walk.last ?? lastOfFirst);
}

function finish(
  uploads: MultipartUploadRecord[],
  commonPrefixes: string[],
  isTruncated: boolean,
  last: WalkEntry<MultipartUploadRecord> | undefined,
): ListUploadsResult {
  const result: ListUploadsResult = { uploads, commonPrefixes, isTruncated };
  if (isTruncated && last !== undefined) {
    if (last.kind === 'row') {
      result.nextKeyMarker = last.row.key;
      result.nextUploadIdMarker = last.row.uploadId;
    } else {
      result.nextKeyMarker = last.prefix;
    }
  }
  return result;
}
