import type { MultipartUploadRecord, ObjectRecord, ObjectVersion, StoredObject } from '../types.js';
import {
  markerParams,
  type ObjectRow,
  objectParams,
  toObject,
  toUpload,
  toVersion,
  type UploadRow,
  uploadParams,
} from './sqlite-rows.js';

/**
 * Rows as PostgreSQL returns them, mapped onto the SQLite store's row shapes so that both stores
 * share one JSON encoding of every record field (sqlite-rows.ts): the only differences are the
 * keys, BYTEA here (UTF-8 bytes), and BIGINT/SMALLINT columns, parsed as numbers (pg-meta-db.ts).
 */
export type PgRow<R extends { key: string }> = Omit<R, 'key'> & { key: Buffer };

/** A key as stored and bound: its UTF-8 bytes (byte order is S3's order). */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

export function withKey<R extends { key: string }>(row: PgRow<R>): R {
  return { ...row, key: row.key.toString('utf8') } as unknown as R;
}

/** The object columns, in the order objectValues binds them ($n from `first`). */
export const OBJECT_COLUMNS = `bucket, key, version_id, size, etag, last_modified, content_type, headers,
  user_metadata, tags, checksum, parts, segments, inline_data, object_lock, damage, acl, sse`;
export const OBJECT_FIELDS = [
  'bucket',
  'key',
  'version_id',
  'size',
  'etag',
  'last_modified',
  'content_type',
  'headers',
  'user_metadata',
  'tags',
  'checksum',
  'parts',
  'segments',
  'inline_data',
  'object_lock',
  'damage',
  'acl',
  'sse',
] as const;

/** `$first, $first+1, …` for the object columns. */
export function objectPlaceholders(first: number): string {
  return OBJECT_FIELDS.map((_, i) => `$${first + i}`).join(', ');
}

function bind(params: Record<string, unknown>): unknown[] {
  return OBJECT_FIELDS.map((f) => (f === 'key' ? keyBytes(params.key as string) : params[f]));
}

/** The object columns' values for `record` as version `versionId`. */
export function objectValues(record: ObjectRecord, versionId: string): unknown[] {
  return bind(objectParams(record, versionId));
}

/** The object columns' values of a delete marker. */
export function markerValues(bucket: string, key: string, versionId: string, now: number): unknown[] {
  return bind(markerParams(bucket, key, versionId, now));
}

export type PgObjectRow = PgRow<ObjectRow>;
export type PgVersionRow = PgRow<ObjectRow & { delete_marker: number }>;

export function pgObject(row: PgObjectRow): StoredObject {
  return toObject(withKey(row));
}

export function pgVersion(row: PgVersionRow): ObjectVersion {
  return toVersion(withKey(row));
}

export const UPLOAD_COLUMNS = `upload_id, bucket, key, initiated_at, content_type, headers, user_metadata, tags,
  checksum_algorithm, checksum_type, object_lock, acl, sse`;
export const UPLOAD_FIELDS = [
  'upload_id',
  'bucket',
  'key',
  'initiated_at',
  'content_type',
  'headers',
  'user_metadata',
  'tags',
  'checksum_algorithm',
  'checksum_type',
  'object_lock',
  'acl',
  'sse',
] as const;

/** `$first, …` for the upload columns. */
export function uploadPlaceholders(first: number): string {
  return UPLOAD_FIELDS.map((_, i) => `$${first + i}`).join(', ');
}

export function uploadValues(upload: MultipartUploadRecord): unknown[] {
  const params = uploadParams(upload);
  return UPLOAD_FIELDS.map((f) => (f === 'key' ? keyBytes(params.key as string) : params[f]));
}

export type PgUploadRow = PgRow<UploadRow>;

export function pgUpload(row: PgUploadRow): MultipartUploadRecord {
  return toUpload(withKey(row));
}
