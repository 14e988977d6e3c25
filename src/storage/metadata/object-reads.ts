import type Database from 'better-sqlite3';
import type { BucketVersioning, ObjectRead, ObjectVersion } from '../types.js';
import { type ObjectRow, toVersion } from './sqlite-rows.js';

/**
 * The read of GetObject and HeadObject (MetadataStore.readObject): the bucket's versioning state
 * and the version, one statement. The bucket row drives the join, so a missing bucket is no row
 * and a missing key is a row of NULL object columns. Rows come back as arrays (better-sqlite3's
 * raw mode): building a named object of eighteen columns costs about as much as the query.
 */
const COLUMNS = `b.versioning, o.version_id, o.bucket, o.key, o.size, o.etag, o.last_modified, o.content_type,
  o.headers, o.user_metadata, o.tags, o.checksum, o.parts, o.segments, o.inline_data, o.object_lock,
  o.damage, o.delete_marker, o.acl, o.sse`;

type Cell = string | number | Buffer | null;

export interface ObjectReads {
  /** (key, bucket) */
  current: Database.Statement<[string, string]>;
  /** (key, versionId, bucket) */
  version: Database.Statement<[string, string, string]>;
}

export function prepareObjectReads(db: Database.Database): ObjectReads {
  const current = db.prepare<[string, string]>(
    `SELECT ${COLUMNS} FROM buckets b LEFT JOIN objects o INDEXED BY objects_current
       ON o.bucket = b.name AND o.key = ? AND o.is_latest = 1 WHERE b.name = ?`,
  );
  const version = db.prepare<[string, string, string]>(
    `SELECT ${COLUMNS} FROM buckets b LEFT JOIN objects o
       ON o.bucket = b.name AND o.key = ? AND o.version_id = ? WHERE b.name = ?`,
  );
  return { current: current.raw(true), version: version.raw(true) };
}

/** The read's row (raw: COLUMNS in order), or undefined when the bucket does not exist. */
export function toObjectRead(row: Cell[] | undefined): ObjectRead | undefined {
  if (row === undefined) return undefined;
  const versioning = (row[0] as BucketVersioning | null) ?? undefined;
  if (row[1] === null) return { version: undefined, versioning };
  const object = {
    version_id: row[1],
    bucket: row[2],
    key: row[3],
    size: row[4],
    etag: row[5],
    last_modified: row[6],
    content_type: row[7],
    headers: row[8],
    user_metadata: row[9],
    tags: row[10],
    checksum: row[11],
    parts: row[12],
    segments: row[13],
    inline_data: row[14],
    object_lock: row[15],
    damage: row[16],
    delete_marker: row[17],
    acl: row[18],
    sse: row[19],
  } as ObjectRow & { delete_marker: number };
  const version: ObjectVersion = toVersion(object);
  return { version, versioning };
}
