import type Database from 'better-sqlite3';
import type { BucketRow, ObjectRow, PartRow, SummaryRow, UploadRow, VersionRow } from './sqlite-rows.js';

type Params = Record<string, unknown>;
export type ObjectRefRow = {
  id: number;
  segments: string | null;
  is_latest: number;
  delete_marker: number;
  object_lock: string | null;
};

const OBJECT_COLUMNS = `bucket, key, version_id, size, etag, last_modified, content_type, headers, user_metadata, tags,
  checksum, parts, segments, inline_data, object_lock, damage, acl, sse`;
const OBJECT_VALUES = `@bucket, @key, @version_id, @size, @etag, @last_modified, @content_type, @headers, @user_metadata, @tags,
  @checksum, @parts, @segments, @inline_data, @object_lock, @damage, @acl, @sse`;
const UPLOAD_ORDER = 'ORDER BY key, initiated_at, upload_id';
/**
 * Listings read the current version of each key from the objects_latest index (one entry per
 * key that is not a delete marker, in key order). INDEXED BY makes a plan that stops using it an
 * error, not a slow listing.
 */
const LATEST = 'objects INDEXED BY objects_latest';
/** The current version of a key, delete markers included (one per key). */
const CURRENT = 'objects INDEXED BY objects_current';
/** Every version, key ascending then newest first (ListObjectVersions). */
const VERSIONS = 'objects INDEXED BY objects_versions';
const VERSION_COLUMNS = 'key, version_id, is_latest, delete_marker, size, etag, last_modified';

/** Every statement the SQLite store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    insertBucket: db.prepare<[string, string, string, number, string | null, number]>(
      `INSERT INTO buckets (name, account, region, created_at, versioning, object_lock) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    setBucketVersioning: db.prepare<[string, string]>('UPDATE buckets SET versioning = ? WHERE name = ?'),
    // undefined: no such bucket; null: never configured.
    bucketVersioning: db
      .prepare<[string], string | null>('SELECT versioning FROM buckets WHERE name = ?')
      .pluck(),
    getBucket: db.prepare<[string], BucketRow>('SELECT * FROM buckets WHERE name = ?'),
    listBuckets: db.prepare<[], BucketRow>('SELECT * FROM buckets ORDER BY name'),
    deleteBucket: db.prepare<[string]>('DELETE FROM buckets WHERE name = ?'),
    setBucketTags: db.prepare<[string | null, string]>('UPDATE buckets SET tags = ? WHERE name = ?'),
    enableObjectLock: db.prepare<[string]>('UPDATE buckets SET object_lock = 1 WHERE name = ?'),
    getBucketConfig: db
      .prepare<[string, string], string>('SELECT document FROM bucket_configs WHERE bucket = ? AND kind = ?')
      .pluck(),
    putBucketConfig: db.prepare<[Params]>(
      `INSERT INTO bucket_configs (bucket, kind, account, document, updated_at)
       SELECT name, @kind, account, @document, @at FROM buckets WHERE name = @bucket
       ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
    ),
    insertKmsKey: db.prepare<[string, number]>(
      'INSERT INTO kms_keys (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    ),
    listKmsKeys: db.prepare<[], { name: string; created_at: number }>(
      'SELECT name, created_at FROM kms_keys ORDER BY name',
    ),
    deleteBucketConfig: db.prepare<[string, string]>(
      'DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?',
    ),
    deleteBucketConfigs: db.prepare<[string]>('DELETE FROM bucket_configs WHERE bucket = ?'),
    setObjectLock: db.prepare<[string | null, number]>('UPDATE objects SET object_lock = ? WHERE id = ?'),
    setObjectAcl: db.prepare<[string | null, number]>('UPDATE objects SET acl = ? WHERE id = ?'),
    // tessera admin scan --quarantine (migration 7): the version answers InternalError from now on.
    markDamaged: db.prepare<[string, string, string, string]>(
      'UPDATE objects SET damage = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0',
    ),
    bucketHasObjects: db.prepare<[string], number>('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1').pluck(),
    bucketHasUploads: db.prepare<[string], number>('SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1').pluck(),

    // One version: the current one (objects_latest), or a named one (objects_by_version).
    getObject: db.prepare<[string, string], ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM ${LATEST} WHERE bucket = ? AND key = ? AND is_latest = 1 AND delete_marker = 0`,
    ),
    // The current version, delete marker or not (lookupObject).
    getCurrent: db.prepare<[string, string], ObjectRow & { delete_marker: number }>(
      `SELECT ${OBJECT_COLUMNS}, delete_marker FROM ${CURRENT} WHERE bucket = ? AND key = ? AND is_latest = 1`,
    ),
    getVersionOrMarker: db.prepare<[string, string, string], ObjectRow & { delete_marker: number }>(
      `SELECT ${OBJECT_COLUMNS}, delete_marker FROM objects WHERE bucket = ? AND key = ? AND version_id = ?`,
    ),
    getObjectVersion: db.prepare<[string, string, string], ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0`,
    ),
    objectRefs: db.prepare<[string, string], ObjectRefRow>(
      `SELECT id, segments, is_latest, delete_marker, object_lock FROM ${CURRENT} WHERE bucket = ? AND key = ? AND is_latest = 1`,
    ),
    objectVersionRefs: db.prepare<[string, string, string], ObjectRefRow>(
      'SELECT id, segments, is_latest, delete_marker, object_lock FROM objects WHERE bucket = ? AND key = ? AND version_id = ?',
    ),
    // Versioned writes: the current version steps down, the new one is inserted as current.
    demoteCurrent: db.prepare<[string, string]>(
      `UPDATE ${CURRENT} SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1`,
    ),
    insertVersion: db.prepare<[Params], { id: number; account: string }>(
      `INSERT INTO objects (account, is_latest, delete_marker, ${OBJECT_COLUMNS})
       SELECT account, 1, @delete_marker, ${OBJECT_VALUES} FROM buckets WHERE name = @bucket
       RETURNING id, account`,
    ),
    // After the current version is removed, the newest remaining one becomes current.
    promoteNewest: db.prepare<[string, string]>(
      `UPDATE objects SET is_latest = 1 WHERE id =
         (SELECT id FROM ${VERSIONS} WHERE bucket = ? AND key = ? ORDER BY id DESC LIMIT 1)`,
    ),
    // The bucket's row supplies the account and proves the bucket exists (no row: NoSuchBucket).
    // The version written becomes the current one; today it is always the 'null' version,
    // which replaces itself.
    upsertObject: db.prepare<[Params], { id: number; account: string }>(
      `INSERT INTO objects (account, is_latest, ${OBJECT_COLUMNS})
       SELECT account, 1, ${OBJECT_VALUES} FROM buckets WHERE name = @bucket
       ON CONFLICT (bucket, key, version_id) DO UPDATE SET account = excluded.account, is_latest = 1,
         delete_marker = 0, size = excluded.size,
         etag = excluded.etag, last_modified = excluded.last_modified, content_type = excluded.content_type,
         headers = excluded.headers, user_metadata = excluded.user_metadata, tags = excluded.tags,
         checksum = excluded.checksum, parts = excluded.parts, segments = excluded.segments,
         inline_data = excluded.inline_data, object_lock = excluded.object_lock, damage = excluded.damage,
         acl = excluded.acl, sse = excluded.sse
       RETURNING id, account`,
    ),
    deleteObject: db.prepare<[number]>('DELETE FROM objects WHERE id = ?'),
    setObjectTags: db.prepare<[string, string, string]>(
      'UPDATE objects SET tags = ? WHERE bucket = ? AND key = ? AND is_latest = 1 AND delete_marker = 0',
    ),
    setObjectVersionTags: db.prepare<[string, string, string, string]>(
      'UPDATE objects SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0',
    ),
    insertObjectBlob: db.prepare<[string, number, string]>(
      'INSERT OR IGNORE INTO object_blobs (blob_id, object_id, account) VALUES (?, ?, ?)',
    ),
    deleteObjectBlobs: db.prepare<[number]>('DELETE FROM object_blobs WHERE object_id = ?'),
    blobReferenced: db
      .prepare<[string, string], number>(
        `SELECT EXISTS (SELECT 1 FROM object_blobs WHERE blob_id = ?)
             OR EXISTS (SELECT 1 FROM parts WHERE blob_id = ?)`,
      )
      .pluck(),
    // Range scans on the (bucket, key) index of current versions: key >= lower [AND key < upper].
    objectsFrom: db.prepare<[string, string, number], SummaryRow>(
      `SELECT key, size, etag, last_modified FROM ${LATEST}
       WHERE bucket = ? AND key >= ? AND is_latest = 1 AND delete_marker = 0 ORDER BY key LIMIT ?`,
    ),
    objectsBetween: db.prepare<[string, string, string, number], SummaryRow>(
      `SELECT key, size, etag, last_modified FROM ${LATEST}
       WHERE bucket = ? AND key >= ? AND key < ? AND is_latest = 1 AND delete_marker = 0 ORDER BY key LIMIT ?`,
    ),
    // Key-only probes answered from the index alone (a roll-up needs one key per common prefix).
    firstKeyFrom: db
      .prepare<[string, string], string>(
        `SELECT key FROM ${LATEST} WHERE bucket = ? AND key >= ? AND is_latest = 1 AND delete_marker = 0 ORDER BY key LIMIT 1`,
      )
      .pluck(),
    firstKeyBetween: db
      .prepare<[string, string, string], string>(
        `SELECT key FROM ${LATEST}
         WHERE bucket = ? AND key >= ? AND key < ? AND is_latest = 1 AND delete_marker = 0 ORDER BY key LIMIT 1`,
      )
      .pluck(),

    // ListObjectVersions: range scans of objects_versions (key ascending, newest first).
    versionsFrom: db.prepare<[string, string, number], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${VERSIONS}
       WHERE bucket = ? AND key >= ? ORDER BY key, id DESC LIMIT ?`,
    ),
    versionsBetween: db.prepare<[string, string, string, number], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${VERSIONS}
       WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, id DESC LIMIT ?`,
    ),
    // The versions of one key older than the row `id` (resuming after a version-id-marker).
    versionsOfKeyBefore: db.prepare<[string, string, number, number], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${VERSIONS}
       WHERE bucket = ? AND key = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ),
    versionRowId: db
      .prepare<[string, string, string], number>(
        'SELECT id FROM objects WHERE bucket = ? AND key = ? AND version_id = ?',
      )
      .pluck(),
    firstVersionKeyFrom: db
      .prepare<[string, string], string>(
        `SELECT key FROM ${VERSIONS} WHERE bucket = ? AND key >= ? ORDER BY key LIMIT 1`,
      )
      .pluck(),
    firstVersionKeyBetween: db
      .prepare<[string, string, string], string>(
        `SELECT key FROM ${VERSIONS} WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key LIMIT 1`,
      )
      .pluck(),

    insertUpload: db.prepare<[Params]>(
      `INSERT INTO uploads (account, upload_id, bucket, key, initiated_at, content_type, headers,
         user_metadata, tags, checksum_algorithm, checksum_type, object_lock, acl, sse)
       SELECT account, @upload_id, @bucket, @key, @initiated_at, @content_type, @headers,
         @user_metadata, @tags, @checksum_algorithm, @checksum_type, @object_lock, @acl, @sse FROM buckets WHERE name = @bucket`,
    ),
    getUpload: db.prepare<[string], UploadRow & { account: string }>(
      'SELECT * FROM uploads WHERE upload_id = ?',
    ),
    deleteUpload: db.prepare<[string]>('DELETE FROM uploads WHERE upload_id = ?'),
    uploadsFrom: db.prepare<[string, string, number], UploadRow>(
      `SELECT * FROM uploads WHERE bucket = ? AND key >= ? ${UPLOAD_ORDER} LIMIT ?`,
    ),
    uploadsBetween: db.prepare<[string, string, string, number], UploadRow>(
      `SELECT * FROM uploads WHERE bucket = ? AND key >= ? AND key < ? ${UPLOAD_ORDER} LIMIT ?`,
    ),
    uploadsOfKeyAfter: db.prepare<[string, string, number, string, number], UploadRow>(
      `SELECT * FROM uploads WHERE bucket = ? AND key = ? AND (initiated_at, upload_id) > (?, ?)
       ${UPLOAD_ORDER} LIMIT ?`,
    ),
    uploadsOfKeyAfterId: db.prepare<[string, string, string, number], UploadRow>(
      `SELECT * FROM uploads WHERE bucket = ? AND key = ? AND upload_id > ? ${UPLOAD_ORDER} LIMIT ?`,
    ),

    upsertPart: db.prepare<[Params]>(
      `INSERT INTO parts (account, upload_id, part_number, size, etag, checksum, last_modified, blob_id, crc32)
       SELECT account, @upload_id, @part_number, @size, @etag, @checksum, @last_modified, @blob_id, @crc32
       FROM uploads WHERE upload_id = @upload_id
       ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         checksum = excluded.checksum, last_modified = excluded.last_modified, blob_id = excluded.blob_id,
         crc32 = excluded.crc32`,
    ),
    partBlob: db
      .prepare<[string, number], string>('SELECT blob_id FROM parts WHERE upload_id = ? AND part_number = ?')
      .pluck(),
    partBlobs: db.prepare<[string], string>('SELECT DISTINCT blob_id FROM parts WHERE upload_id = ?').pluck(),
    deleteParts: db.prepare<[string]>('DELETE FROM parts WHERE upload_id = ?'),
    parts: db.prepare<[string], PartRow>('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number'),
    partsAfter: db.prepare<[string, number, number], PartRow>(
      'SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
    ),

    objectBlobPage: db
      .prepare<[string, number], string>(
        'SELECT blob_id FROM object_blobs WHERE blob_id > ? ORDER BY blob_id LIMIT ?',
      )
      .pluck(),
    partBlobPage: db
      .prepare<[string, number], string>(
        'SELECT blob_id FROM parts WHERE blob_id > ? ORDER BY blob_id LIMIT ?',
      )
      .pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
