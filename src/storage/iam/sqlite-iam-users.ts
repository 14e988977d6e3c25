import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import { FEDERATED_SOURCE_TAG } from './iam-store-errors.js';
import { alreadyExists, deleteConflict, type IamDb, limitOf, noSuchEntity } from './sqlite-iam-db.js';
import { toUser, type UserRow } from './sqlite-iam-rows.js';
import { type IamUserRecord, iamLimits, type ListPage, type UserPatch } from './types.js';

const SELECT = 'SELECT * FROM iam_users';

/** True when a user or a service account already signs with `accessKey`. */
export function accessKeyTaken(d: IamDb, accessKey: string): boolean {
  return (
    d.one(`SELECT 1 FROM iam_users WHERE access_key = ?`, accessKey) !== undefined ||
    d.one(`SELECT 1 FROM iam_service_accounts WHERE access_key = ?`, accessKey) !== undefined ||
    d.one(`SELECT 1 FROM iam_accounts WHERE root_access_key = ?`, accessKey) !== undefined
  );
}

export function createUser(d: IamDb, u: IamUserRecord): void {
  d.write(() => {
    if (d.one(`${SELECT} WHERE account = ? AND name = ?`, u.account, u.name))
      throw alreadyExists('user', u.name);
    if (accessKeyTaken(d, u.accessKey)) throw alreadyExists('access key', u.accessKey);
    d.run(
      `INSERT INTO iam_users (account, name, id, access_key, secret, status, tags, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    d.change('user', u.account, u.name);
  });
}

export function getUser(d: IamDb, account: string, name: string): IamUserRecord | undefined {
  const row = d.guard(() => d.one<UserRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name));
  return row === undefined ? undefined : toUser(row);
}

export function getUserByAccessKey(d: IamDb, accessKey: string): IamUserRecord | undefined {
  const row = d.guard(() => d.one<UserRow>(`${SELECT} WHERE access_key = ?`, accessKey));
  return row === undefined ? undefined : toUser(row);
}

export function listUsers(d: IamDb, account: string, page: ListPage = {}): IamUserRecord[] {
  return d
    .guard(() =>
      d.all<UserRow>(
        `${SELECT} WHERE account = ? AND name > ? ORDER BY name LIMIT ?`,
        account,
        page.after ?? '',
        limitOf(page.limit),
      ),
    )
    .map(toUser);
}

/** Reads a user inside a transaction, or NoSuchEntity. */
function existing(d: IamDb, account: string, name: string): IamUserRecord {
  const row = d.one<UserRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name);
  if (row === undefined) throw noSuchEntity('user', name);
  return toUser(row);
}

export function updateUser(d: IamDb, account: string, name: string, patch: UserPatch, at: number): void {
  d.write(() => {
    const u = existing(d, account, name);
    // A federated user (recorded just in time, iam/federated-users.ts) has no secret: it signs in
    // through its identity provider only.
    if (typeof patch.secretCiphertext === 'string' && u.tags.some((t) => t.key === FEDERATED_SOURCE_TAG)) {
      throw new TesseraError(
        'InvalidInput',
        `The user ${u.name} is a federated user: it signs in through its identity provider and cannot have a secret.`,
      );
    }
    const secret =
      patch.secretCiphertext === undefined ? (u.secretCiphertext ?? null) : patch.secretCiphertext;
    d.run(
      'UPDATE iam_users SET status = ?, secret = ?, updated_at = ? WHERE account = ? AND name = ?',
      patch.status ?? u.status,
      secret,
      at,
      account,
      u.name,
    );
    d.change('user', account, u.name);
  });
}

function writeTags(d: IamDb, u: IamUserRecord, tags: Tag[], at: number): void {
  d.run(
    'UPDATE iam_users SET tags = ?, updated_at = ? WHERE account = ? AND name = ?',
    JSON.stringify(tags),
    at,
    u.account,
    u.name,
  );
  d.change('user', u.account, u.name);
}

/** IAM tag keys are unique without regard to case: a new value replaces the old tag. */
export function tagUser(d: IamDb, account: string, name: string, tags: Tag[], at: number): void {
  d.write(() => {
    const u = existing(d, account, name);
    const merged = new Map(u.tags.map((t) => [t.key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.key.toLowerCase(), { key: t.key, value: t.value });
    if (merged.size > iamLimits.tags) {
      throw new TesseraError('LimitExceeded', `A user can have at most ${iamLimits.tags} tags.`);
    }
    writeTags(d, u, [...merged.values()], at);
  });
}

export function untagUser(d: IamDb, account: string, name: string, keys: string[], at: number): void {
  d.write(() => {
    const u = existing(d, account, name);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    writeTags(
      d,
      u,
      u.tags.filter((t) => !drop.has(t.key.toLowerCase())),
      at,
    );
  });
}

/** What still refers to a user; AWS refuses DeleteUser while any of it exists. */
const dependents = [
  [
    'SELECT 1 FROM iam_group_members WHERE account = ? AND user_name = ?',
    'must remove user from all groups first',
  ],
  [
    "SELECT 1 FROM iam_attachments WHERE account = ? AND entity_kind = 'user' AND entity = ?",
    'must detach all policies first',
  ],
  [
    "SELECT 1 FROM iam_inline_policies WHERE account = ? AND entity_kind = 'user' AND entity = ?",
    'must delete policies first',
  ],
  [
    "SELECT 1 FROM iam_service_accounts WHERE account = ? AND parent_type = 'user' AND parent = ?",
    'must delete access keys first',
  ],
] as const;

export function deleteUser(d: IamDb, account: string, name: string, cascade: boolean): void {
  d.write(() => {
    const u = existing(d, account, name);
    if (!cascade) {
      for (const [sql, why] of dependents) {
        if (d.one(sql, account, u.name) !== undefined) throw deleteConflict(`Cannot delete entity, ${why}.`);
      }
    }
    const keys = d.all<{ access_key: string }>(
      "SELECT access_key FROM iam_service_accounts WHERE account = ? AND parent_type = 'user' AND parent = ?",
      account,
      u.name,
    );
    for (const k of keys) {
      d.run('DELETE FROM iam_service_accounts WHERE access_key = ?', k.access_key);
      d.change('serviceAccount', account, k.access_key);
    }
    d.run('DELETE FROM iam_group_members WHERE account = ? AND user_name = ?', account, u.name);
    d.run(
      "DELETE FROM iam_attachments WHERE account = ? AND entity_kind = 'user' AND entity = ?",
      account,
      u.name,
    );
    d.run(
      "DELETE FROM iam_inline_policies WHERE account = ? AND entity_kind = 'user' AND entity = ?",
      account,
      u.name,
    );
    d.run('DELETE FROM iam_users WHERE account = ? AND name = ?', account, u.name);
    d.change('user', account, u.name);
  });
}
