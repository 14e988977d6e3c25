import { alreadyExists, noSuchEntity } from './iam-store-errors.js';
import type { PgIamDb } from './pg-iam-db.js';
import { accessKeyTaken } from './pg-iam-users.js';
import { type ServiceAccountRow, toServiceAccount } from './sqlite-iam-rows.js';
import type { BucketPolicyRecord, IamServiceAccountRecord, ServiceAccountPatch } from './types.js';

/** Service accounts and bucket policies. */

export function createServiceAccount(d: PgIamDb, sa: IamServiceAccountRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await accessKeyTaken(tx, sa.accessKey)) throw alreadyExists('access key', sa.accessKey);
    const parent = sa.parentType === 'user' ? await tx.entity(sa.account, 'user', sa.parent) : '';
    await tx.run(
      `INSERT INTO iam_service_accounts (access_key, account, secret, parent_type, parent, policy, expires_at,
         name, description, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      sa.accessKey,
      sa.account,
      sa.secretCiphertext,
      sa.parentType,
      parent,
      sa.policy ?? null,
      sa.expiresAt ?? null,
      sa.name ?? null,
      sa.description ?? null,
      sa.status,
      sa.createdAt,
      sa.updatedAt,
    );
    await tx.change('serviceAccount', sa.account, sa.accessKey);
  });
}

const SELECT = 'SELECT * FROM iam_service_accounts';

export async function getServiceAccount(
  d: PgIamDb,
  accessKey: string,
): Promise<IamServiceAccountRecord | undefined> {
  const row = await d.one<ServiceAccountRow>(`${SELECT} WHERE access_key = $1`, accessKey);
  return row === undefined ? undefined : toServiceAccount(row);
}

export async function listServiceAccounts(
  d: PgIamDb,
  account: string,
  parent?: { type: 'root' | 'user'; name: string },
): Promise<IamServiceAccountRecord[]> {
  const rows =
    parent === undefined
      ? await d.all<ServiceAccountRow>(`${SELECT} WHERE account = $1 ORDER BY access_key`, account)
      : await d.all<ServiceAccountRow>(
          `${SELECT} WHERE account = $1 AND parent_type = $2 AND lower(parent) = lower($3) ORDER BY access_key`,
          account,
          parent.type,
          parent.type === 'root' ? '' : parent.name,
        );
  return rows.map(toServiceAccount);
}

/** `undefined` keeps a field, `null` clears it. */
function pick<T>(next: T | null | undefined, current: T | undefined): T | null {
  return next === undefined ? (current ?? null) : next;
}

export function updateServiceAccount(
  d: PgIamDb,
  accessKey: string,
  patch: ServiceAccountPatch,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const row = await tx.one<ServiceAccountRow>(`${SELECT} WHERE access_key = $1`, accessKey);
    if (row === undefined) throw noSuchEntity('access key', accessKey);
    const sa = toServiceAccount(row);
    await tx.run(
      `UPDATE iam_service_accounts SET status = $1, secret = $2, policy = $3, expires_at = $4, name = $5,
         description = $6, updated_at = $7 WHERE access_key = $8`,
      patch.status ?? sa.status,
      patch.secretCiphertext ?? sa.secretCiphertext,
      pick(patch.policy, sa.policy),
      pick(patch.expiresAt, sa.expiresAt),
      pick(patch.name, sa.name),
      pick(patch.description, sa.description),
      at,
      accessKey,
    );
    await tx.change('serviceAccount', sa.account, accessKey);
  });
}

export function deleteServiceAccount(d: PgIamDb, accessKey: string): Promise<void> {
  return d.write(async (tx) => {
    const row = await tx.one<{ account: string }>(
      'DELETE FROM iam_service_accounts WHERE access_key = $1 RETURNING account',
      accessKey,
    );
    if (row === undefined) throw noSuchEntity('access key', accessKey);
    await tx.change('serviceAccount', row.account, accessKey);
  });
}

export async function getBucketPolicy(d: PgIamDb, bucket: string): Promise<BucketPolicyRecord | undefined> {
  const row = await d.one<{ bucket: string; account: string; document: string; updated_at: number }>(
    'SELECT * FROM iam_bucket_policies WHERE bucket = $1',
    bucket,
  );
  return row === undefined
    ? undefined
    : { bucket: row.bucket, account: row.account, document: row.document, updatedAt: row.updated_at };
}

export function putBucketPolicy(d: PgIamDb, r: BucketPolicyRecord): Promise<void> {
  return d.write(async (tx) => {
    await tx.run(
      `INSERT INTO iam_bucket_policies (bucket, account, document, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (bucket) DO UPDATE SET account = excluded.account, document = excluded.document,
       updated_at = excluded.updated_at`,
      r.bucket,
      r.account,
      r.document,
      r.updatedAt,
    );
    await tx.change('bucketPolicy', r.account, r.bucket);
  });
}

export function deleteBucketPolicy(d: PgIamDb, bucket: string): Promise<boolean> {
  return d.write(async (tx) => {
    const row = await tx.one<{ account: string }>(
      'DELETE FROM iam_bucket_policies WHERE bucket = $1 RETURNING account',
      bucket,
    );
    if (row === undefined) return false;
    await tx.change('bucketPolicy', row.account, bucket);
    return true;
  });
}
