import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import { alreadyExists, deleteConflict, FEDERATED_SOURCE_TAG, noSuchEntity } from './iam-store-errors.js';
import { type PgIamDb, type PgQueries, type PgTx, pgLimit } from './pg-iam-db.js';
import { toUser, type UserRow } from './sqlite-iam-rows.js';
import { type IamUserRecord, iamLimits, type ListPage, type UserPatch } from './types.js';

const SELECT = 'SELECT * FROM iam_users';
const BY_NAME = `${SELECT} WHERE account = $1 AND lower(name) = lower($2)`;

/** True when a user, a service account or an account root already signs with `accessKey`. */
export async function accessKeyTaken(q: PgQueries, accessKey: string): Promise<boolean> {
  const row = await q.one<{ taken: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM iam_users WHERE access_key = $1)
       OR EXISTS (SELECT 1 FROM iam_service_accounts WHERE access_key = $1)
       OR EXISTS (SELECT 1 FROM iam_accounts WHERE root_access_key = $1) AS taken`,
    accessKey,
  );
  return row?.taken === true;
}

export function createUser(d: PgIamDb, u: IamUserRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await tx.one(BY_NAME, u.account, u.name)) throw alreadyExists('user', u.name);
    if (await accessKeyTaken(tx, u.accessKey)) throw alreadyExists('access key', u.accessKey);
    await tx.run(
      `INSERT INTO iam_users (account, name, id, access_key, secret, status, tags, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      u.account,
      u.name,
      u.id,
      u.accessKey,
      u.secretCiphertext ?? null,
      u.status,
      JSON.stringify(u.tags),
      u.createdAt,
      u.updatedAt,
    );
    await tx.change('user', u.account, u.name);
  });
}

export async function getUser(d: PgIamDb, account: string, name: string): Promise<IamUserRecord | undefined> {
  const row = await d.one<UserRow>(BY_NAME, account, name);
  return row === undefined ? undefined : toUser(row);
}

export async function getUserByAccessKey(d: PgIamDb, accessKey: string): Promise<IamUserRecord | undefined> {
  const row = await d.one<UserRow>(`${SELECT} WHERE access_key = $1`, accessKey);
  return row === undefined ? undefined : toUser(row);
}

export async function listUsers(d: PgIamDb, account: string, page: ListPage = {}): Promise<IamUserRecord[]> {
  const rows = await d.all<UserRow>(
    `${SELECT} WHERE account = $1 AND lower(name) > lower($2) ORDER BY lower(name) LIMIT $3`,
    account,
    page.after ?? '',
    pgLimit(page.limit),
  );
  return rows.map(toUser);
}

/** Reads a user inside a transaction, or NoSuchEntity. */
async function existing(tx: PgTx, account: string, name: string): Promise<IamUserRecord> {
  const row = await tx.one<UserRow>(BY_NAME, account, name);
  if (row === undefined) throw noSuchEntity('user', name);
  return toUser(row);
}

export function updateUser(
  d: PgIamDb,
  account: string,
  name: string,
  patch: UserPatch,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const u = await existing(tx, account, name);
    // A federated user signs in through its identity provider only (sqlite-iam-users.ts).
    if (typeof patch.secretCiphertext === 'string' && u.tags.some((t) => t.key === FEDERATED_SOURCE_TAG)) {
      throw new TesseraError(
        'InvalidInput',
        `The user ${u.name} is a federated user: it signs in through its identity provider and cannot have a secret.`,
      );
    }
    const secret =
      patch.secretCiphertext === undefined ? (u.secretCiphertext ?? null) : patch.secretCiphertext;
    await tx.run(
      'UPDATE iam_users SET status = $1, secret = $2, updated_at = $3 WHERE account = $4 AND name = $5',
      patch.status ?? u.status,
      secret,
      at,
      account,
      u.name,
    );
    await tx.change('user', account, u.name);
  });
}

async function writeTags(tx: PgTx, u: IamUserRecord, tags: Tag[], at: number): Promise<void> {
  await tx.run(
    'UPDATE iam_users SET tags = $1, updated_at = $2 WHERE account = $3 AND name = $4',
    JSON.stringify(tags),
    at,
    u.account,
    u.name,
  );
  await tx.change('user', u.account, u.name);
}

/** IAM tag keys are unique without regard to case: a new value replaces the old tag. */
export function tagUser(d: PgIamDb, account: string, name: string, tags: Tag[], at: number): Promise<void> {
  return d.write(async (tx) => {
    const u = await existing(tx, account, name);
    const merged = new Map(u.tags.map((t) => [t.key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.key.toLowerCase(), { key: t.key, value: t.value });
    if (merged.size > iamLimits.tags) {
      throw new TesseraError('LimitExceeded', `A user can have at most ${iamLimits.tags} tags.`);
    }
    await writeTags(tx, u, [...merged.values()], at);
  });
}

export function untagUser(
  d: PgIamDb,
  account: string,
  name: string,
  keys: string[],
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const u = await existing(tx, account, name);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    await writeTags(
      tx,
      u,
      u.tags.filter((t) => !drop.has(t.key.toLowerCase())),
      at,
    );
  });
}

/** What still refers to a user; AWS refuses DeleteUser while any of it exists. */
const dependents = [
  [
    'SELECT 1 FROM iam_group_members WHERE account = $1 AND lower(user_name) = lower($2) LIMIT 1',
    'must remove user from all groups first',
  ],
  [
    "SELECT 1 FROM iam_attachments WHERE account = $1 AND entity_kind = 'user' AND lower(entity) = lower($2) LIMIT 1",
    'must detach all policies first',
  ],
  [
    "SELECT 1 FROM iam_inline_policies WHERE account = $1 AND entity_kind = 'user' AND lower(entity) = lower($2) LIMIT 1",
    'must delete policies first',
  ],
  [
    "SELECT 1 FROM iam_service_accounts WHERE account = $1 AND parent_type = 'user' AND lower(parent) = lower($2) LIMIT 1",
    'must delete access keys first',
  ],
] as const;

export function deleteUser(d: PgIamDb, account: string, name: string, cascade: boolean): Promise<void> {
  return d.write(async (tx) => {
    const u = await existing(tx, account, name);
    if (!cascade) {
      for (const [sql, why] of dependents) {
        if ((await tx.one(sql, account, u.name)) !== undefined) {
          throw deleteConflict(`Cannot delete entity, ${why}.`);
        }
      }
    }
    const keys = await tx.all<{ access_key: string }>(
      `DELETE FROM iam_service_accounts WHERE account = $1 AND parent_type = 'user' AND lower(parent) = lower($2)
       RETURNING access_key`,
      account,
      u.name,
    );
    keys.sort((a, b) => (a.access_key < b.access_key ? -1 : a.access_key > b.access_key ? 1 : 0));
    for (const k of keys) await tx.change('serviceAccount', account, k.access_key);
    await tx.run(
      'DELETE FROM iam_group_members WHERE account = $1 AND lower(user_name) = lower($2)',
      account,
      u.name,
    );
    await tx.run(
      "DELETE FROM iam_attachments WHERE account = $1 AND entity_kind = 'user' AND lower(entity) = lower($2)",
      account,
      u.name,
    );
    await tx.run(
      "DELETE FROM iam_inline_policies WHERE account = $1 AND entity_kind = 'user' AND lower(entity) = lower($2)",
      account,
      u.name,
    );
    await tx.run('DELETE FROM iam_users WHERE account = $1 AND name = $2', account, u.name);
    await tx.change('user', account, u.name);
  });
}
