import { newVersionId, TesseraError } from '../../core/index.js';
import {
  type BucketVersioning,
  NULL_VERSION_ID,
  type ObjectDelete,
  type ObjectRecord,
  type ObjectWrite,
  type RemovalGuard,
} from '../types.js';
import { referenceBlobs, unreferenced } from './pg-meta-blob-refs.js';
import { noSuchBucket } from './pg-meta-buckets.js';
import type { PgMetaTx } from './pg-meta-db.js';
import { CURRENT_REF, type HeldBucket, type RefRow, VERSION_REF } from './pg-meta-key-write.js';
import { keyBytes, markerValues, OBJECT_COLUMNS, objectPlaceholders, objectValues } from './pg-meta-rows.js';
import { blobIdsOf, parseLock } from './sqlite-rows.js';

/**
 * Writing and removing object versions and delete markers, by the bucket's versioning state;
 * each runs under keyWrite's locks (pg-meta-key-write.ts).
 */

/**
 * Commits `record` as the current version of its key, by the bucket's versioning state
 * (MetadataStore.putObjectVersioned), under keyWrite's locks; returns the version id and the
 * freed blob ids.
 */
export async function commitObject(t: PgMetaTx, b: HeldBucket, record: ObjectRecord): Promise<ObjectWrite> {
  if (b === undefined) throw noSuchBucket(record.bucket);
  const state = b.versioning as BucketVersioning | null;
  const versionId = state === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
  if (record.versionId !== undefined && record.versionId !== versionId) {
    throw new TesseraError(
      'InternalError',
      state === 'Enabled'
        ? `version ${record.versionId} given for a new version of a versioning-enabled bucket`
        : `cannot write version ${record.versionId} of an unversioned object`,
    );
  }
  const key = keyBytes(record.key);
  if (state === null) return { versionId, released: await replaceNull(t, b.account, record) };
  // Enabled: nothing is replaced. Suspended: the 'null' version (wherever it is) goes, and the
  // new one is inserted as the newest version (a larger id: S3 orders it first).
  const released =
    state === 'Suspended'
      ? await removeRow(
          t,
          record.bucket,
          record.key,
          await t.one<RefRow>(VERSION_REF, record.bucket, key, versionId),
        )
      : [];
  await t.run(
    'UPDATE objects SET is_latest = 0 WHERE bucket = $1 AND key = $2 AND is_latest = 1',
    record.bucket,
    key,
  );
  const row = await t.one<{ id: number }>(
    `INSERT INTO objects (account, is_latest, delete_marker, ${OBJECT_COLUMNS})
     VALUES ($1, 1, 0, ${objectPlaceholders(2)}) RETURNING id`,
    b.account,
    ...objectValues(record, versionId),
  );
  await referenceBlobs(t, record, row!.id, b.account);
  return { versionId, released };
}

/** A bucket that never had versioning: the 'null' version replaces itself in place. */
async function replaceNull(t: PgMetaTx, account: string, record: ObjectRecord): Promise<string[]> {
  const old = await t.one<RefRow>(VERSION_REF, record.bucket, keyBytes(record.key), NULL_VERSION_ID);
  const oldBlobs = old === undefined ? [] : blobIdsOf(old.segments);
  if (old !== undefined && oldBlobs.length > 0)
    await t.run('DELETE FROM object_blobs WHERE object_id = $1', old.id);
  const row = await t.one<{ id: number }>(
    `INSERT INTO objects (account, is_latest, delete_marker, ${OBJECT_COLUMNS})
     VALUES ($1, 1, 0, ${objectPlaceholders(2)})
     ON CONFLICT (bucket, key, version_id) DO UPDATE SET account = excluded.account, is_latest = 1,
       delete_marker = 0, size = excluded.size, etag = excluded.etag,
       last_modified = excluded.last_modified, content_type = excluded.content_type,
       headers = excluded.headers, user_metadata = excluded.user_metadata, tags = excluded.tags,
       checksum = excluded.checksum, parts = excluded.parts, segments = excluded.segments,
       inline_data = excluded.inline_data, object_lock = excluded.object_lock, damage = excluded.damage,
       acl = excluded.acl, sse = excluded.sse
     RETURNING id`,
    account,
    ...objectValues(record, NULL_VERSION_ID),
  );
  await referenceBlobs(t, record, row!.id, account);
  return unreferenced(t, oldBlobs);
}

/**
 * Removes one version row for good (if it was current, the newest remaining version becomes
 * current); returns its freed blob ids. Nothing when it does not exist.
 */
async function removeRow(
  t: PgMetaTx,
  bucket: string,
  key: string,
  old: RefRow | undefined,
  guard?: RemovalGuard,
): Promise<string[]> {
  if (old === undefined) return [];
  if (guard !== undefined && old.delete_marker === 0) guard(parseLock(old.object_lock));
  await t.run('DELETE FROM object_blobs WHERE object_id = $1', old.id);
  await t.run('DELETE FROM objects WHERE id = $1', old.id);
  if (old.is_latest === 1) {
    await t.run(
      `UPDATE objects SET is_latest = 1 WHERE id =
         (SELECT id FROM objects WHERE bucket = $1 AND key = $2 ORDER BY id DESC LIMIT 1)`,
      bucket,
      keyBytes(key),
    );
  }
  return unreferenced(t, blobIdsOf(old.segments));
}

/**
 * DeleteObject under keyWrite's locks (MetadataStore.deleteObjectVersioned): removes the named
 * version, or by the bucket's versioning state the current version (never configured) or puts a
 * delete marker on top (Enabled: fresh id; Suspended: 'null', replacing the 'null' version).
 */
export async function removeObject(
  t: PgMetaTx,
  b: HeldBucket,
  bucket: string,
  key: string,
  versionId: string | undefined,
  now: number = Date.now(),
  guard?: RemovalGuard,
): Promise<ObjectDelete> {
  const k = keyBytes(key);
  if (versionId !== undefined) {
    const old = await t.one<RefRow>(VERSION_REF, bucket, k, versionId);
    const released = await removeRow(t, bucket, key, old, guard);
    return { versionId, deleteMarker: old?.delete_marker === 1, released };
  }
  if (b === undefined || b.versioning === null) {
    return {
      deleteMarker: false,
      released: await removeRow(t, bucket, key, await t.one<RefRow>(CURRENT_REF, bucket, k), guard),
    };
  }
  const markerId = b.versioning === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
  const released =
    b.versioning === 'Suspended'
      ? await removeRow(t, bucket, key, await t.one<RefRow>(VERSION_REF, bucket, k, NULL_VERSION_ID), guard)
      : [];
  await t.run('UPDATE objects SET is_latest = 0 WHERE bucket = $1 AND key = $2 AND is_latest = 1', bucket, k);
  await t.run(
    `INSERT INTO objects (account, is_latest, delete_marker, ${OBJECT_COLUMNS})
     VALUES ($1, 1, 1, ${objectPlaceholders(2)})`,
    b.account,
    ...markerValues(bucket, key, markerId, now),
  );
  return { versionId: markerId, deleteMarker: true, released };
}
