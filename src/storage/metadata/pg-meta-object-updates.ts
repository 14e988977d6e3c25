import { TesseraError } from '../../core/index.js';
import type { LockUpdate, StoredAcl, StoredObject, Tag } from '../types.js';
import { noSuchBucket } from './pg-meta-buckets.js';
import type { PgMetaDb } from './pg-meta-db.js';
import { CURRENT_REF, keyWrite, noSuchKey, type RefRow, VERSION_REF } from './pg-meta-key-write.js';
import { version } from './pg-meta-object-reads.js';
import { keyBytes, pgObject } from './pg-meta-rows.js';
import { aclJson, lockJson, toJson } from './sqlite-rows.js';

/** Changes to one existing version in place: its tags, ACL, Object Lock state, damage mark. */

export async function setObjectTags(
  d: PgMetaDb,
  bucket: string,
  key: string,
  tags: Tag[],
  versionId?: string,
): Promise<void> {
  await keyWrite(d, bucket, key, async (t, b) => {
    const json = toJson(tags);
    const changes =
      versionId === undefined
        ? await t.run(
            'UPDATE objects SET tags = $1 WHERE bucket = $2 AND key = $3 AND is_latest = 1 AND delete_marker = 0',
            json,
            bucket,
            keyBytes(key),
          )
        : await t.run(
            'UPDATE objects SET tags = $1 WHERE bucket = $2 AND key = $3 AND version_id = $4 AND delete_marker = 0',
            json,
            bucket,
            keyBytes(key),
            versionId,
          );
    if (changes === 1) return;
    if (b === undefined) throw noSuchBucket(bucket);
    throw noSuchKey(key, versionId);
  });
}

export async function setObjectAcl(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId: string | undefined,
  acl: StoredAcl | undefined,
): Promise<void> {
  await keyWrite(d, bucket, key, async (t, b) => {
    const ref =
      versionId === undefined
        ? await t.one<RefRow>(CURRENT_REF, bucket, keyBytes(key))
        : await t.one<RefRow>(VERSION_REF, bucket, keyBytes(key), versionId);
    if (ref === undefined) {
      if (b === undefined) throw noSuchBucket(bucket);
      throw noSuchKey(key, versionId);
    }
    if (ref.delete_marker === 1) throw new TesseraError('MethodNotAllowed');
    await t.run('UPDATE objects SET acl = $1 WHERE id = $2', aclJson(acl), ref.id);
  });
}

export async function updateObjectLock(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId: string | undefined,
  update: LockUpdate,
): Promise<StoredObject> {
  return keyWrite(d, bucket, key, async (t, b) => {
    const row = await version(t, bucket, key, versionId);
    if (row === undefined) {
      if (b === undefined) throw noSuchBucket(bucket);
      throw noSuchKey(key, versionId);
    }
    if (row.delete_marker === 1) throw new TesseraError('MethodNotAllowed');
    const current = pgObject(row);
    const json = lockJson(update(current.lock ?? {}));
    await t.run('UPDATE objects SET object_lock = $1 WHERE id = $2', json, row.id);
    const updated: StoredObject = { ...current };
    if (json === null) delete updated.lock;
    else updated.lock = JSON.parse(json);
    return updated;
  });
}

export async function markDamaged(
  d: PgMetaDb,
  bucket: string,
  key: string,
  versionId: string,
  damage: string,
): Promise<boolean> {
  const changes = await d.run(
    'UPDATE objects SET damage = $1 WHERE bucket = $2 AND key = $3 AND version_id = $4 AND delete_marker = 0',
    damage,
    bucket,
    keyBytes(key),
    versionId,
  );
  return changes > 0;
}
