import { alreadyExists, deleteConflict, noSuchEntity } from './iam-store-errors.js';
import { type PgIamDb, type PgQueries, pgLimit } from './pg-iam-db.js';
import { type GroupRow, toGroup } from './sqlite-iam-rows.js';
import type { IamGroupRecord, IamStatus, ListPage } from './types.js';

const SELECT = 'SELECT * FROM iam_groups';
const BY_NAME = `${SELECT} WHERE account = $1 AND lower(name) = lower($2)`;

export function createGroup(d: PgIamDb, g: IamGroupRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await tx.one(BY_NAME, g.account, g.name)) throw alreadyExists('group', g.name);
    await tx.run(
      `INSERT INTO iam_groups (account, name, id, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      g.account,
      g.name,
      g.id,
      g.status,
      g.createdAt,
      g.updatedAt,
    );
    await tx.change('group', g.account, g.name);
  });
}

export async function getGroup(
  d: PgIamDb,
  account: string,
  name: string,
): Promise<IamGroupRecord | undefined> {
  const row = await d.one<GroupRow>(BY_NAME, account, name);
  return row === undefined ? undefined : toGroup(row);
}

export async function listGroups(
  d: PgIamDb,
  account: string,
  page: ListPage = {},
): Promise<IamGroupRecord[]> {
  const rows = await d.all<GroupRow>(
    `${SELECT} WHERE account = $1 AND lower(name) > lower($2) ORDER BY lower(name) LIMIT $3`,
    account,
    page.after ?? '',
    pgLimit(page.limit),
  );
  return rows.map(toGroup);
}

export function setGroupStatus(
  d: PgIamDb,
  account: string,
  name: string,
  status: IamStatus,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const g = await tx.entity(account, 'group', name);
    await tx.run(
      'UPDATE iam_groups SET status = $1, updated_at = $2 WHERE account = $3 AND name = $4',
      status,
      at,
      account,
      g,
    );
    await tx.change('group', account, g);
  });
}

const dependents = [
  [
    'SELECT 1 FROM iam_group_members WHERE account = $1 AND lower(group_name) = lower($2) LIMIT 1',
    'must remove users from group first',
  ],
  [
    "SELECT 1 FROM iam_attachments WHERE account = $1 AND entity_kind = 'group' AND lower(entity) = lower($2) LIMIT 1",
    'must detach all policies first',
  ],
  [
    "SELECT 1 FROM iam_inline_policies WHERE account = $1 AND entity_kind = 'group' AND lower(entity) = lower($2) LIMIT 1",
    'must delete policies first',
  ],
] as const;

export function deleteGroup(d: PgIamDb, account: string, name: string, cascade: boolean): Promise<void> {
  return d.write(async (tx) => {
    const g = await tx.entity(account, 'group', name);
    if (!cascade) {
      for (const [sql, why] of dependents) {
        if ((await tx.one(sql, account, g)) !== undefined)
          throw deleteConflict(`Cannot delete entity, ${why}.`);
      }
    }
    const members = await tx.all<{ user_name: string }>(
      `DELETE FROM iam_group_members WHERE account = $1 AND lower(group_name) = lower($2) RETURNING user_name`,
      account,
      g,
    );
    members.sort((a, b) => (a.user_name.toLowerCase() < b.user_name.toLowerCase() ? -1 : 1));
    for (const m of members) await tx.change('user', account, m.user_name);
    await tx.run(
      "DELETE FROM iam_attachments WHERE account = $1 AND entity_kind = 'group' AND lower(entity) = lower($2)",
      account,
      g,
    );
    await tx.run(
      "DELETE FROM iam_inline_policies WHERE account = $1 AND entity_kind = 'group' AND lower(entity) = lower($2)",
      account,
      g,
    );
    await tx.run('DELETE FROM iam_groups WHERE account = $1 AND name = $2', account, g);
    await tx.change('group', account, g);
  });
}

export function addGroupMember(d: PgIamDb, account: string, group: string, user: string): Promise<void> {
  return d.write(async (tx) => {
    const g = await tx.entity(account, 'group', group);
    const u = await tx.entity(account, 'user', user);
    await tx.run(
      `INSERT INTO iam_group_members (account, group_name, user_name) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      account,
      g,
      u,
    );
    await tx.change('group', account, g);
    await tx.change('user', account, u);
  });
}

export function removeGroupMember(d: PgIamDb, account: string, group: string, user: string): Promise<void> {
  return d.write(async (tx) => {
    const g = await tx.entity(account, 'group', group);
    const u = await tx.entity(account, 'user', user);
    const n = await tx.run(
      `DELETE FROM iam_group_members WHERE account = $1 AND lower(group_name) = lower($2)
       AND lower(user_name) = lower($3)`,
      account,
      g,
      u,
    );
    if (n === 0) throw noSuchEntity('user', `${u} in group ${g}`);
    await tx.change('group', account, g);
    await tx.change('user', account, u);
  });
}

export function listGroupMembers(d: PgIamDb, account: string, group: string): Promise<string[]> {
  return d.read(async (s) => {
    const g = await s.entity(account, 'group', group);
    const rows = await s.all<{ user_name: string }>(
      `SELECT user_name FROM iam_group_members WHERE account = $1 AND lower(group_name) = lower($2)
       ORDER BY lower(user_name)`,
      account,
      g,
    );
    return rows.map((r) => r.user_name);
  });
}

/** A user's groups, by name. */
export async function groupsOf(q: PgQueries, account: string, user: string): Promise<IamGroupRecord[]> {
  const rows = await q.all<GroupRow>(
    `SELECT g.* FROM iam_group_members m JOIN iam_groups g
       ON g.account = m.account AND lower(g.name) = lower(m.group_name)
     WHERE m.account = $1 AND lower(m.user_name) = lower($2) ORDER BY lower(g.name)`,
    account,
    user,
  );
  return rows.map(toGroup);
}

export function listGroupsForUser(d: PgIamDb, account: string, user: string): Promise<IamGroupRecord[]> {
  return d.read(async (s) => groupsOf(s, account, await s.entity(account, 'user', user)));
}
