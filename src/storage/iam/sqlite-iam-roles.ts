import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import { alreadyExists, deleteConflict, type IamDb, limitOf, noSuchEntity } from './sqlite-iam-db.js';
import {
  type IamInlinePolicyRecord,
  type IamRoleRecord,
  iamLimits,
  type ListPage,
  type RolePatch,
  type RoleSnapshot,
} from './types.js';

const SELECT = 'SELECT * FROM iam_roles';

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

export function createRole(d: IamDb, r: IamRoleRecord): void {
  d.write(() => {
    if (d.one(`${SELECT} WHERE account = ? AND name = ?`, r.account, r.name))
      throw alreadyExists('role', r.name);
    d.run(
      `INSERT INTO iam_roles (account, name, id, path, trust_policy, description, max_session_duration, tags,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    d.change('role', r.account, r.name);
  });
}

export function getRole(d: IamDb, account: string, name: string): IamRoleRecord | undefined {
  const row = d.guard(() => d.one<RoleRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name));
  return row === undefined ? undefined : toRole(row);
}

export function listRoles(d: IamDb, account: string, page: ListPage = {}): IamRoleRecord[] {
  return d
    .guard(() =>
      d.all<RoleRow>(
        `${SELECT} WHERE account = ? AND name > ? ORDER BY name LIMIT ?`,
        account,
        page.after ?? '',
        limitOf(page.limit),
      ),
    )
    .map(toRole);
}

/** Reads a role inside a transaction, or NoSuchEntity. */
function existing(d: IamDb, account: string, name: string): IamRoleRecord {
  const row = d.one<RoleRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name);
  if (row === undefined) throw noSuchEntity('role', name);
  return toRole(row);
}

export function updateRole(d: IamDb, account: string, name: string, patch: RolePatch, at: number): void {
  d.write(() => {
    const r = existing(d, account, name);
    d.run(
      `UPDATE iam_roles SET description = ?, max_session_duration = ?, trust_policy = ?, updated_at = ?
       WHERE account = ? AND name = ?`,
      patch.description ?? r.description ?? null,
      patch.maxSessionDuration ?? r.maxSessionDuration,
      patch.trustPolicy ?? r.trustPolicy,
      at,
      account,
      r.name,
    );
    d.change('role', account, r.name);
  });
}

function writeTags(d: IamDb, r: IamRoleRecord, tags: Tag[], at: number): void {
  d.run(
    'UPDATE iam_roles SET tags = ?, updated_at = ? WHERE account = ? AND name = ?',
    JSON.stringify(tags),
    at,
    r.account,
    r.name,
  );
  d.change('role', r.account, r.name);
}

export function tagRole(d: IamDb, account: string, name: string, tags: Tag[], at: number): void {
  d.write(() => {
    const r = existing(d, account, name);
    const merged = new Map(r.tags.map((t) => [t.key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.key.toLowerCase(), { key: t.key, value: t.value });
    if (merged.size > iamLimits.tags) {
      throw new TesseraError('LimitExceeded', `A role can have at most ${iamLimits.tags} tags.`);
    }
    writeTags(d, r, [...merged.values()], at);
  });
}

export function untagRole(d: IamDb, account: string, name: string, keys: string[], at: number): void {
  d.write(() => {
    const r = existing(d, account, name);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    writeTags(
      d,
      r,
      r.tags.filter((t) => !drop.has(t.key.toLowerCase())),
      at,
    );
  });
}

export function deleteRole(d: IamDb, account: string, name: string): void {
  d.write(() => {
    const r = existing(d, account, name);
    if (
      d.one(
        "SELECT 1 FROM iam_attachments WHERE account = ? AND entity_kind = 'role' AND entity = ?",
        account,
        r.name,
      )
    )
      throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (
      d.one(
        "SELECT 1 FROM iam_inline_policies WHERE account = ? AND entity_kind = 'role' AND entity = ?",
        account,
        r.name,
      )
    )
      throw deleteConflict('Cannot delete entity, must delete policies first.');
    d.run('DELETE FROM iam_roles WHERE account = ? AND name = ?', account, r.name);
    d.change('role', account, r.name);
  });
}

export function roleSnapshot(d: IamDb, account: string, name: string): RoleSnapshot | undefined {
  return d.read(() => {
    const row = d.one<RoleRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name);
    if (row === undefined) return undefined;
    const role = toRole(row);
    const attached = d
      .all<{ policy: string }>(
        "SELECT policy FROM iam_attachments WHERE account = ? AND entity_kind = 'role' AND entity = ? ORDER BY policy",
        account,
        role.name,
      )
      .map((r) => r.policy);
    const inline = d.all<IamInlinePolicyRecord>(
      "SELECT name, document FROM iam_inline_policies WHERE account = ? AND entity_kind = 'role' AND entity = ? ORDER BY name",
      account,
      role.name,
    );
    const documents: Record<string, string> = {};
    for (const policy of attached) {
      const doc = d.one<{ document: string }>(
        `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
         ON v.account = p.account AND v.policy = p.name AND v.version_id = p.default_version
         WHERE p.account = ? AND p.name = ?`,
        account,
        policy,
      );
      if (doc !== undefined) documents[policy] = doc.document;
    }
    return { role, attached, inline, documents };
  });
}
