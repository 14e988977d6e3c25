import { newVersionId, TesseraError } from '../../core/index.js';
import {
  type BucketVersioning,
  type LockUpdate,
  NULL_VERSION_ID,
  type ObjectDelete,
  type ObjectRead,
  type ObjectRecord,
  type ObjectVersion,
  type ObjectWrite,
  type RemovalGuard,
  type StoredAcl,
  type StoredObject,
  type Tag,
  type WriteExpectation,
} from '../types.js';
import { bucketState, noSuchBucket } from './pg-meta-buckets.js';
import { locks, type PgMetaDb, type PgMetaQueries, type PgMetaTx, type TxLock } from './pg-meta-db.js';
import {
  keyBytes,
  markerValues,
  OBJECT_COLUMNS,
  objectPlaceholders,
  objectValues,
  type PgObjectRow,
  type PgVersionRow,
  pgObject,
  pgVersion,
} from './pg-meta-rows.js';
import { aclJson, blobIdsOf, lockJson, parseLock, toJson } from './sqlite-rows.js';

/** The bucket state a key write read under its locks (undefined: no such bucket). */
export type HeldBucket = { account: string; versioning: string | null } | undefined;

type RefRow = {
  id: number;
  segments: string | null;
  is_latest: number;
  delete_marker: number;
  object_lock: string | null;
};

const REF = 'SELECT id, segments, is_latest, delete_marker, object_lock FROM objects';
const CURRENT_REF = `${REF} WHERE bucket = $1 AND key = $2 AND is_latest = 1`;
const VERSION_REF = `${REF} WHERE bucket = $1 AND key = $2 AND version_id = $3`;
const CURRENT_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM objects
  WHERE bucket = $1 AND key = $2 AND is_latest = 1 AND delete_marker = 0`;
const VERSION_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM objects
  WHERE bucket = $1 AND key = $2 AND version_id = $3 AND delete_marker = 0`;
const CURRENT_VERSION = `SELECT id, ${OBJECT_COLUMNS}, delete_marker FROM objects
  WHERE bucket = $1 AND key = $2 AND is_latest = 1`;
const NAMED_VERSION = `SELECT id, ${OBJECT_COLUMNS}, delete_marker FROM objects
  WHERE bucket = $1 AND key = $2 AND version_id = $3`;

/** An ETag without its quotes (and a weak validator's W/ prefix). */
function unquote(etag: string): string {
  const e = etag.startsWith('W/') ? etag.slice(2) : etag;
  return e.length >= 2 && e.startsWith('"') && e.endsWith('"') ? e.slice(1, -1) : e;
}

function noSuchKey(key: string, versionId: string | undefined): TesseraError {
  return versionId === undefined
    ? new TesseraError('NoSuchKey', undefined, { Key: key })
    : new TesseraError('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
}

/**
 * Runs `fn` in a write transaction holding the bucket (shared) and the key (pg-meta-db.ts), and
 * any `more` locks after them: every check `fn` makes on the key's versions holds until the commit.
 */
export function keyWrite<T>(
  d: PgMetaDb,
  bucket: string,
  key: string,
  fn: (t: PgMetaTx, b: HeldBucket) => Promise<T>,
  more: readonly TxLock[] = [],
): Promise<T> {
  return d.write([locks.bucket(bucket), locks.key(bucket, key), ...more], async (t) =>
    fn(t, await bucketState(t, bucket)),
  );
}

/** Checks a compare-and-set expectation on the current object; call under the key's lock. */
export async function expectCurrent(
  t: PgMetaTx,
  bucket: string,
  key: string,
  expect: WriteExpectation | undefined,
): Promise<void> {
  if (expect === undefined || (expect.ifMatch === undefined && !expect.ifNoneMatch)) return;
  const row = await t.one<{ etag: string }>(
    'SELECT etag FROM objects WHERE bucket = $1 AND key = $2 AND is_latest = 1 AND delete_marker = 0',
    bucket,
    keyBytes(key),
  );
  if (expect.ifMatch !== undefined) {
    if (row === undefined) throw new TesseraError('NoSuchKey', undefined, { Key: key });
    const want = expect.ifMatch.trim();
    if (want !== '*' && unquote(want) !== unquote(row.etag)) {
      throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
    }
  }
  if (expect.ifNoneMatch && row !== undefined) {
    throw new TesseraError('ConditionalRequestConflict', undefined, { Key: key });
  }
}

/** Of `blobIds`, those that no object version and no part references (in the order given). */
export async function unreferenced(q: PgMetaQueries, blobIds: readonly string[]): Promise<string[]> {
  if (blobIds.length === 0) return [];
  const rows = await q.all<{ id: string }>(
    `SELECT u.id FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)
     WHERE NOT EXISTS (SELECT 1 FROM object_blobs WHERE blob_id = u.id)
       AND NOT EXISTS (SELECT 1 FROM parts WHERE blob_id = u.id)
     ORDER BY u.n`,
    [...new Set(blobIds)],
  );
  return rows.map((r) => r.id);
}

async function referenceBlobs(t: PgMetaTx, record: ObjectRecord, id: number, account: string): Promise<void> {
  if (record.data.kind !== 'blobs' || record.data.segments.length === 0) return;
  await t.run(
    `INSERT INTO object_blobs (blob_id, object_id, account)
     SELECT DISTINCT b, $2::bigint, $3 FROM unnest($1::text[]) AS b ON CONFLICT DO NOTHING`,
    record.data.segments.map((s) => s.blobId),
    id,
    account,
  );
}

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

function version(
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

/** Every blob id an object or part references (may repeat); paged, one statement per page. */
export async function* referencedBlobIds(d: PgMetaDb): AsyncIterable<string> {
  const page = 1000;
  for (const table of ['object_blobs', 'parts']) {
    let last = '';
    for (;;) {
      const rows = await d.all<{ blob_id: string }>(
        `SELECT blob_id FROM ${table} WHERE blob_id > $1 ORDER BY blob_id LIMIT $2`,
        last,
        page,
      );
      for (const r of rows) yield r.blob_id;
      if (rows.length < page) break;
      last = rows[rows.length - 1]!.blob_id;
    }
  }
}
