import type { BucketVersioning, ObjectRead, ObjectVersion, StoredObject } from '../types.js';
import type { PgMetaDb, PgMetaQueries } from './pg-meta-db.js';
import {
  keyBytes,
  OBJECT_COLUMNS,
  type PgObjectRow,
  type PgVersionRow,
  pgObject,
  pgVersion,
} from './pg-meta-rows.js';

/** Reading one object version: GetObject, HeadObject and the store's lookups (single statements). */

const CURRENT_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM objects
  WHERE bucket = $1 AND key = $2 AND is_latest = 1 AND delete_marker = 0`;
const VERSION_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM objects
  WHERE bucket = $1 AND key = $2 AND version_id = $3 AND delete_marker = 0`;
const CURRENT_VERSION = `SELECT id, ${OBJECT_COLUMNS}, delete_marker FROM objects
  WHERE bucket = $1 AND key = $2 AND is_latest = 1`;
const NAMED_VERSION = `SELECT id, ${OBJECT_COLUMNS}, delete_marker FROM objects
  WHERE bucket = $1 AND key = $2 AND version_id = $3`;

export async function getObject(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<StoredObject | undefined> {
  const row =
    versionId === undefined
      ? await d.one<PgObjectRow>(CURRENT_OBJECT, bucket, keyBytes(key))
      : await d.one<PgObjectRow>(VERSION_OBJECT, bucket, keyBytes(key), versionId);
  return row === undefined ? undefined : pgObject(row);
}

export async function lookupObject(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<ObjectVersion | undefined> {
  const row = await version(d, bucket, key, versionId);
  return row === undefined ? undefined : pgVersion(row);
}

/** A key's current version, or the one named, delete markers included (with its row id). */
export function version(
  q: PgMetaQueries,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<(PgVersionRow & { id: number }) | undefined> {
  return versionId === undefined
    ? q.one(CURRENT_VERSION, bucket, keyBytes(key))
    : q.one(NAMED_VERSION, bucket, keyBytes(key), versionId);
}

const READ_COLUMNS = OBJECT_COLUMNS.split(',')
  .map((c) => `o.${c.trim()}`)
  .join(', ');

/**
 * GetObject's and HeadObject's read: the bucket's versioning state and the version in one
 * statement. The bucket row drives the join: no row is no bucket, NULL object columns no version.
 */
export async function readObject(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<ObjectRead | undefined> {
  type Row = PgVersionRow & { b_versioning: BucketVersioning | null };
  const select = `SELECT b.versioning AS b_versioning, ${READ_COLUMNS}, o.delete_marker FROM buckets b LEFT JOIN objects o`;
  const row =
    versionId === undefined
      ? await d.one<Row>(
          `${select} ON o.bucket = b.name AND o.key = $1 AND o.is_latest = 1 WHERE b.name = $2`,
          keyBytes(key),
          bucket,
        )
      : await d.one<Row>(
          `${select} ON o.bucket = b.name AND o.key = $1 AND o.version_id = $2 WHERE b.name = $3`,
          keyBytes(key),
          versionId,
          bucket,
        );
  if (row === undefined) return undefined;
  const versioning = row.b_versioning ?? undefined;
  if (row.version_id === null) return { version: undefined, versioning };
  return { version: pgVersion(row), versioning };
}
