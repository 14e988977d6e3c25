import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import { alreadyExists, deleteConflict, noSuchEntity } from './iam-store-errors.js';
import { defaultDocuments } from './pg-iam-attachments.js';
import { type PgIamDb, type PgQueries, type PgTx, pgLimit } from './pg-iam-db.js';
import {
  type IamInlinePolicyRecord,
  type IamRoleRecord,
  iamLimits,
  type ListPage,
  type RolePatch,
  type RoleSnapshot,
} from './types.js';

const SELECT = 'SELECT * FROM iam_roles';
const BY_NAME = `${SELECT} WHERE account = $1 AND lower(name) = lower($2)`;

interface RoleRow {
  account: string;
  name: string;
  id: string;
  path: string;
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  tags: string;
  created_at: number;
  updated_at: number;
}

function toRole(r: RoleRow): IamRoleRecord {
  const role: IamRoleRecord = {
    account: r.account,
    name: r.name,
    id: r.id,
    path: r.path,
    trustPolicy: r.trust_policy,
    maxSessionDuration: r.max_session_duration,
    tags: JSON.parse(r.tags) as Tag[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.description !== null) role.description = r.description;
  return role;
}

export function createRole(d: PgIamDb, r: IamRoleRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await tx.one(BY_NAME, r.account, r.name)) throw alreadyExists('role', r.name);
    await tx.run(
      `INSERT INTO iam_roles (account, name, id, path, trust_policy, description, max_session_duration, tags,
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      r.account,
      r.name,
      r.id,
      r.path,
      r.trustPolicy,
      r.description ?? null,
      r.maxSessionDuration,
      JSON.stringify(r.tags),
      r.createdAt,
      r.updatedAt,
    );
    await tx.change('role', r.account, r.name);
  });
}

export async function getRole(d: PgIamDb, account: string, name: string): Promise<IamRoleRecord | undefined> {
  const row = await d.one<RoleRow>(BY_NAME, account, name);
  return row === undefined ? undefined : toRole(row);
}

export async function listRoles(d: PgIamDb, account: string, page: ListPage = {}): Promise<IamRoleRecord[]> {
  const rows = await d.all<RoleRow>(
    `${SELECT} WHERE account = $1 AND lower(name) > lower($2) ORDER BY lower(name) LIMIT $3`,
    account,
    page.after ?? '',
    pgLimit(page.limit),
  );
  return rows.map(toRole);
}

/** Reads a role, or NoSuchEntity. */
async function existing(q: PgQueries, account: string, name: string): Promise<IamRoleRecord> {
  const row = await q.one<RoleRow>(BY_NAME, account, name);
  if (row === undefined) throw noSuchEntity('role', name);
  return toRole(row);
}

export function updateRole(
  d: PgIamDb,
  account: string,
  name: string,
  patch: RolePatch,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const r = await existing(tx, account, name);
    await tx.run(
      `UPDATE iam_roles SET description = $1, max_session_duration = $2, trust_policy = $3, updated_at = $4
       WHERE account = $5 AND name = $6`,
      patch.description ?? r.description ?? null,
      patch.maxSessionDuration ?? r.maxSessionDuration,
      patch.trustPolicy ?? r.trustPolicy,
      at,
      account,
      r.name,
    );
    await tx.change('role', account, r.name);
  });
}

async function writeTags(tx: PgTx, r: IamRoleRecord, tags: Tag[], at: number): Promise<void> {
  await tx.run(
    'UPDATE iam_roles SET tags = $1, updated_at = $2 WHERE account = $3 AND name = $4',
    JSON.stringify(tags),
    at,
    r.account,
    r.name,
  );
  await tx.change('role', r.account, r.name);
}

export function tagRole(d: PgIamDb, account: string, name: string, tags: Tag[], at: number): Promise<void> {
  return d.write(async (tx) => {
    const r = await existing(tx, account, name);
    const merged = new Map(r.tags.map((t) => [t.key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.key.toLowerCase(), { key: t.key, value: t.value });
    if (merged.size > iamLimits.tags) {
      throw new TesseraError('LimitExceeded', `A role can have at most ${iamLimits.tags} tags.`);
    }
    await writeTags(tx, r, [...merged.values()], at);
  });
}

export function untagRole(
  d: PgIamDb,
  account: string,
  name: string,
  keys: string[],
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const r = await existing(tx, account, name);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    await writeTags(
      tx,
      r,
      r.tags.filter((t) => !drop.has(t.key.toLowerCase())),
      at,
    );
  });
}

const OF_ROLE = "account = $1 AND entity_kind = 'role' AND lower(entity) = lower($2)";

export function deleteRole(d: PgIamDb, account: string, name: string): Promise<void> {
  return d.write(async (tx) => {
    const r = await existing(tx, account, name);
    if (await tx.one(`SELECT 1 FROM iam_attachments WHERE ${OF_ROLE} LIMIT 1`, account, r.name)) {
      throw deleteConflict('Cannot delete entity, must detach all policies first.');
    }
    if (await tx.one(`SELECT 1 FROM iam_inline_policies WHERE ${OF_ROLE} LIMIT 1`, account, r.name)) {
      throw deleteConflict('Cannot delete entity, must delete policies first.');
    }
    await tx.run('DELETE FROM iam_roles WHERE account = $1 AND name = $2', account, r.name);
    await tx.change('role', account, r.name);
  });
}

export function roleSnapshot(d: PgIamDb, account: string, name: string): Promise<RoleSnapshot | undefined> {
  return d.read(async (s) => {
    const row = await s.one<RoleRow>(BY_NAME, account, name);
    if (row === undefined) return undefined;
    const role = toRole(row);
    const attached = (
      await s.all<{ policy: string }>(
        `SELECT policy FROM iam_attachments WHERE ${OF_ROLE} ORDER BY lower(policy)`,
        account,
        role.name,
      )
    ).map((r) => r.policy);
    const inline = await s.all<IamInlinePolicyRecord>(
      `SELECT name, document FROM iam_inline_policies WHERE ${OF_ROLE} ORDER BY lower(name)`,
      account,
      role.name,
    );
    return { role, attached, inline, documents: await defaultDocuments(s, account, attached) };
  });
}
