import { TesseraError } from '../../core/index.js';
import type { BucketConfigKind, BucketRecord, BucketVersioning, KmsKeyRecord, Tag } from '../types.js';
import { locks, type PgMetaDb, type PgMetaQueries, type PgMetaTx } from './pg-meta-db.js';
import { type BucketRow, bucketTags, toBucket, toJson } from './sqlite-rows.js';

/** The bucket half of the PostgreSQL metadata store: buckets, tags, versioning, configuration, KMS key names. */

export function noSuchBucket(name: string): TesseraError {
  return new TesseraError('NoSuchBucket', undefined, { BucketName: name });
}

/** A bucket's account and versioning state (undefined: no such bucket); read under its lock. */
export async function bucketState(
  t: PgMetaTx,
  name: string,
): Promise<{ account: string; versioning: string | null } | undefined> {
  return t.one('SELECT account, versioning FROM buckets WHERE name = $1', name);
}

export async function createBucket(d: PgMetaDb, bucket: BucketRecord): Promise<void> {
  const changes = await d.run(
    `INSERT INTO buckets (name, account, region, created_at, versioning, object_lock)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    bucket.name,
    bucket.account,
    bucket.region,
    bucket.createdAt,
    bucket.versioning ?? null,
    bucket.objectLock ? 1 : 0,
  );
  if (changes === 1) return;
  const existing = await d.one<{ account: string }>(
    'SELECT account FROM buckets WHERE name = $1',
    bucket.name,
  );
  // AWS: the same owner gets BucketAlreadyOwnedByYou, anyone else BucketAlreadyExists.
  const code = existing?.account === bucket.account ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists';
  throw new TesseraError(code, undefined, { BucketName: bucket.name });
}

export async function getBucket(d: PgMetaQueries, name: string): Promise<BucketRecord | undefined> {
  const row = await d.one<BucketRow>('SELECT * FROM buckets WHERE name = $1', name);
  return row === undefined ? undefined : toBucket(row);
}

export async function listBuckets(d: PgMetaDb): Promise<BucketRecord[]> {
  return (await d.all<BucketRow>('SELECT * FROM buckets ORDER BY name')).map(toBucket);
}

export async function deleteBucket(d: PgMetaDb, name: string): Promise<void> {
  await d.write([locks.bucket(name, true)], async (t) => {
    if ((await bucketState(t, name)) === undefined) throw noSuchBucket(name);
    const busy = await t.one(
      `SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM objects WHERE bucket = $1)
         OR EXISTS (SELECT 1 FROM uploads WHERE bucket = $1)`,
      name,
    );
    if (busy !== undefined) throw new TesseraError('BucketNotEmpty', undefined, { BucketName: name });
    await t.run('DELETE FROM bucket_configs WHERE bucket = $1', name);
    await t.run('DELETE FROM buckets WHERE name = $1', name);
  });
}

export async function getBucketTags(d: PgMetaDb, name: string): Promise<Tag[] | undefined> {
  const row = await d.one<BucketRow>('SELECT * FROM buckets WHERE name = $1', name);
  if (row === undefined) throw noSuchBucket(name);
  return bucketTags(row);
}

export async function setBucketTags(d: PgMetaDb, name: string, tags: Tag[] | undefined): Promise<void> {
  const json = tags === undefined ? null : toJson(tags);
  if ((await d.run('UPDATE buckets SET tags = $1 WHERE name = $2', json, name)) === 0)
    throw noSuchBucket(name);
}

export async function getBucketVersioning(d: PgMetaDb, name: string): Promise<BucketVersioning | undefined> {
  const row = await d.one<{ versioning: string | null }>(
    'SELECT versioning FROM buckets WHERE name = $1',
    name,
  );
  if (row === undefined) throw noSuchBucket(name);
  return row.versioning === null ? undefined : (row.versioning as BucketVersioning);
}

/** Waits for the bucket's object writes in progress (each acts on the state it read), as SQLite does. */
export async function setBucketVersioning(
  d: PgMetaDb,
  name: string,
  status: BucketVersioning,
): Promise<void> {
  const changes = await d.write([locks.bucket(name, true)], (t) =>
    t.run('UPDATE buckets SET versioning = $1 WHERE name = $2', status, name),
  );
  if (changes === 0) throw noSuchBucket(name);
}

export async function enableObjectLock(d: PgMetaDb, name: string): Promise<void> {
  if ((await d.run('UPDATE buckets SET object_lock = 1 WHERE name = $1', name)) === 0)
    throw noSuchBucket(name);
}

export async function getBucketConfig(
  d: PgMetaDb,
  name: string,
  kind: BucketConfigKind,
): Promise<string | undefined> {
  // One statement (one round trip, one snapshot): the bucket row, and its document if any.
  const row = await d.one<{ document: string | null }>(
    'SELECT c.document FROM buckets b LEFT JOIN bucket_configs c ON c.bucket = b.name AND c.kind = $2 WHERE b.name = $1',
    name,
    kind,
  );
  if (row === undefined) throw noSuchBucket(name);
  return row.document ?? undefined;
}

export async function setBucketConfig(
  d: PgMetaDb,
  name: string,
  kind: BucketConfigKind,
  document: string | undefined,
): Promise<void> {
  await d.write([locks.bucket(name)], async (t) => {
    const bucket = await bucketState(t, name);
    if (bucket === undefined) throw noSuchBucket(name);
    if (document === undefined) {
      await t.run('DELETE FROM bucket_configs WHERE bucket = $1 AND kind = $2', name, kind);
      return;
    }
    await t.run(
      `INSERT INTO bucket_configs (bucket, kind, account, document, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      name,
      kind,
      bucket.account,
      document,
      Date.now(),
    );
  });
}

export async function createKmsKey(d: PgMetaDb, key: KmsKeyRecord): Promise<boolean> {
  const changes = await d.run(
    'INSERT INTO kms_keys (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    key.name,
    key.createdAt,
  );
  return changes === 1;
}

export async function listKmsKeys(d: PgMetaDb): Promise<KmsKeyRecord[]> {
  const rows = await d.all<{ name: string; created_at: number }>(
    'SELECT name, created_at FROM kms_keys ORDER BY name',
  );
  return rows.map((r) => ({ name: r.name, createdAt: r.created_at }));
}
