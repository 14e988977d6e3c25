import { alreadyExists, type IamDb, noSuchEntity } from './sqlite-iam-db.js';
import { type ServiceAccountRow, toServiceAccount } from './sqlite-iam-rows.js';
import { accessKeyTaken } from './sqlite-iam-users.js';
import type {
  BucketPolicyRecord,
  IamChangesResult,
  IamFeedChange,
  IamServiceAccountRecord,
  ServiceAccountPatch,
} from './types.js';

/** Service accounts, bucket policies and the change feed. */

export function createServiceAccount(d: IamDb, sa: IamServiceAccountRecord): void {
  d.write(() => {
    if (accessKeyTaken(d, sa.accessKey)) throw alreadyExists('access key', sa.accessKey);
    const parent = sa.parentType === 'user' ? d.entity(sa.account, 'user', sa.parent) : '';
    d.run(
      `INSERT INTO iam_service_accounts (access_key, account, secret, parent_type, parent, policy, expires_at,
         name, description, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    d.change('serviceAccount', sa.account, sa.accessKey);
  });
}

const SELECT = 'SELECT * FROM iam_service_accounts';

export function getServiceAccount(d: IamDb, accessKey: string): IamServiceAccountRecord | undefined {
  const row = d.guard(() => d.one<ServiceAccountRow>(`${SELECT} WHERE access_key = ?`, accessKey));
  return row === undefined ? undefined : toServiceAccount(row);
}

export function listServiceAccounts(
  d: IamDb,
  account: string,
  parent?: { type: 'root' | 'user'; name: string },
): IamServiceAccountRecord[] {
  const rows = d.guard(() =>
    parent === undefined
      ? d.all<ServiceAccountRow>(`${SELECT} WHERE account = ? ORDER BY access_key`, account)
      : d.all<ServiceAccountRow>(
          `${SELECT} WHERE account = ? AND parent_type = ? AND parent = ? ORDER BY access_key`,
          account,
          parent.type,
          parent.type === 'root' ? '' : parent.name,
        ),
  );
  return rows.map(toServiceAccount);
}

/** `undefined` keeps a field, `null` clears it. */
function pick<T>(next: T | null | undefined, current: T | undefined): T | null {
  return next === undefined ? (current ?? null) : next;
}

export function updateServiceAccount(
  d: IamDb,
  accessKey: string,
  patch: ServiceAccountPatch,
  at: number,
): void {
  d.write(() => {
    const row = d.one<ServiceAccountRow>(`${SELECT} WHERE access_key = ?`, accessKey);
    if (row === undefined) throw noSuchEntity('access key', accessKey);
    const sa = toServiceAccount(row);
    d.run(
      `UPDATE iam_service_accounts SET status = ?, secret = ?, policy = ?, expires_at = ?, name = ?,
         description = ?, updated_at = ? WHERE access_key = ?`,
      patch.status ?? sa.status,
      patch.secretCiphertext ?? sa.secretCiphertext,
      pick(patch.policy, sa.policy),
      pick(patch.expiresAt, sa.expiresAt),
      pick(patch.name, sa.name),
      pick(patch.description, sa.description),
      at,
      accessKey,
    );
    d.change('serviceAccount', sa.account, accessKey);
  });
}

export function deleteServiceAccount(d: IamDb, accessKey: string): void {
  d.write(() => {
    const row = d.one<{ account: string }>(
      'SELECT account FROM iam_service_accounts WHERE access_key = ?',
      accessKey,
    );
    if (row === undefined) throw noSuchEntity('access key', accessKey);
    d.run('DELETE FROM iam_service_accounts WHERE access_key = ?', accessKey);
    d.change('serviceAccount', row.account, accessKey);
  });
}

export function getBucketPolicy(d: IamDb, bucket: string): BucketPolicyRecord | undefined {
  const row = d.guard(() =>
    d.one<{ bucket: string; account: string; document: string; updated_at: number }>(
      'SELECT * FROM iam_bucket_policies WHERE bucket = ?',
      bucket,
    ),
  );
  return row === undefined
    ? undefined
    : { bucket: row.bucket, account: row.account, document: row.document, updatedAt: row.updated_at };
}

export function putBucketPolicy(d: IamDb, r: BucketPolicyRecord): void {
  d.write(() => {
    d.run(
      `INSERT INTO iam_bucket_policies (bucket, account, document, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (bucket) DO UPDATE SET account = excluded.account, document = excluded.document,
       updated_at = excluded.updated_at`,
      r.bucket,
      r.account,
      r.document,
      r.updatedAt,
    );
    d.change('bucketPolicy', r.account, r.bucket);
  });
}

export function deleteBucketPolicy(d: IamDb, bucket: string): boolean {
  return d.write(() => {
    const row = d.one<{ account: string }>(
      'SELECT account FROM iam_bucket_policies WHERE bucket = ?',
      bucket,
    );
    if (row === undefined) return false;
    d.run('DELETE FROM iam_bucket_policies WHERE bucket = ?', bucket);
    d.change('bucketPolicy', row.account, bucket);
    return true;
  });
}

const PRUNED = "SELECT value FROM iam_meta WHERE key = 'changes_pruned_through'";

export function latestChangeSeq(d: IamDb): number {
  // sqlite_sequence keeps the highest seq ever issued, even when every row was pruned.
  const row = d.guard(() =>
    d.one<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'iam_changes'"),
  );
  return row?.seq ?? 0;
}

export function changesSince(d: IamDb, seq: number, limit = 1000): IamChangesResult {
  return d.read(() => {
    const pruned = d.one<{ value: number }>(PRUNED)?.value ?? 0;
    const changes = d.all<IamFeedChange>(
      'SELECT seq, kind, account, name, at FROM iam_changes WHERE seq > ? ORDER BY seq LIMIT ?',
      seq,
      limit,
    );
    return { changes, reset: seq < pruned };
  });
}

export function pruneChanges(d: IamDb, before: number): number {
  return d.write(() => {
    const last = d.one<{ seq: number }>(
      'SELECT max(seq) AS seq FROM iam_changes WHERE at < ? AND seq < (SELECT max(seq) FROM iam_changes)',
      before,
    )?.seq;
    if (last === undefined || last === null) return 0;
    const n = d.run('DELETE FROM iam_changes WHERE seq <= ?', last);
    d.run(
      `INSERT INTO iam_meta (key, value) VALUES ('changes_pruned_through', ?)
       ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`,
      last,
    );
    return n;
  });
}
