import { alreadyExists, deleteConflict, type IamDb, limitOf, noSuchEntity } from './sqlite-iam-db.js';
import { type GroupRow, toGroup } from './sqlite-iam-rows.js';
import type { IamGroupRecord, IamStatus, ListPage } from './types.js';

const SELECT = 'SELECT * FROM iam_groups';

export function createGroup(d: IamDb, g: IamGroupRecord): void {
  d.write(() => {
    if (d.one(`${SELECT} WHERE account = ? AND name = ?`, g.account, g.name))
      throw alreadyExists('group', g.name);
    d.run(
      'INSERT INTO iam_groups (account, name, id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      g.account,
      g.name,
      g.id,
      g.status,
      g.createdAt,
      g.updatedAt,
    );
    d.change('group', g.account, g.name);
  });
}

export function getGroup(d: IamDb, account: string, name: string): IamGroupRecord | undefined {
  const row = d.guard(() => d.one<GroupRow>(`${SELECT} WHERE account = ? AND name = ?`, account, name));
  return row === undefined ? undefined : toGroup(row);
}

export function listGroups(d: IamDb, account: string, page: ListPage = {}): IamGroupRecord[] {
  return d
    .guard(() =>
      d.all<GroupRow>(
        `${SELECT} WHERE account = ? AND name > ? ORDER BY name LIMIT ?`,
        account,
        page.after ?? '',
        limitOf(page.limit),
      ),
    )
    .map(toGroup);
}

export function setGroupStatus(d: IamDb, account: string, name: string, status: IamStatus, at: number): void {
  d.write(() => {
    const g = d.entity(account, 'group', name);
    d.run(
      'UPDATE iam_groups SET status = ?, updated_at = ? WHERE account = ? AND name = ?',
      status,
      at,
      account,
      g,
    );
    d.change('group', account, g);
  });
}

const dependents = [
  [
    'SELECT 1 FROM iam_group_members WHERE account = ? AND group_name = ?',
    'must remove users from group first',
  ],
  [
    "SELECT 1 FROM iam_attachments WHERE account = ? AND entity_kind = 'group' AND entity = ?",
    'must detach all policies first',
  ],
  [
    "SELECT 1 FROM iam_inline_policies WHERE account = ? AND entity_kind = 'group' AND entity = ?",
    'must delete policies first',
  ],
] as const;

export function deleteGroup(d: IamDb, account: string, name: string, cascade: boolean): void {
  d.write(() => {
    const g = d.entity(account, 'group', name);
    if (!cascade) {
      for (const [sql, why] of dependents) {
        if (d.one(sql, account, g) !== undefined) throw deleteConflict(`Cannot delete entity, ${why}.`);
      }
    }
    const members = d.all<{ user_name: string }>(
      'SELECT user_name FROM iam_group_members WHERE account = ? AND group_name = ?',
      account,
      g,
    );
    for (const m of members) d.change('user', account, m.user_name);
    d.run('DELETE FROM iam_group_members WHERE account = ? AND group_name = ?', account, g);
    d.run(
      "DELETE FROM iam_attachments WHERE account = ? AND entity_kind = 'group' AND entity = ?",
      account,
      g,
    );
    d.run(
      "DELETE FROM iam_inline_policies WHERE account = ? AND entity_kind = 'group' AND entity = ?",
      account,
      g,
    );
    d.run('DELETE FROM iam_groups WHERE account = ? AND name = ?', account, g);
    d.change('group', account, g);
  });
}

export function addGroupMember(d: IamDb, account: string, group: string, user: string): void {
  d.write(() => {
    const g = d.entity(account, 'group', group);
    const u = d.entity(account, 'user', user);
    d.run(
      'INSERT OR IGNORE INTO iam_group_members (account, group_name, user_name) VALUES (?, ?, ?)',
      account,
      g,
      u,
    );
    d.change('group', account, g);
    d.change('user', account, u);
  });
}

export function removeGroupMember(d: IamDb, account: string, group: string, user: string): void {
  d.write(() => {
    const g = d.entity(account, 'group', group);
    const u = d.entity(account, 'user', user);
    const n = d.run(
      'DELETE FROM iam_group_members WHERE account = ? AND group_name = ? AND user_name = ?',
      account,
      g,
      u,
    );
    if (n === 0) throw noSuchEntity('user', `${u} in group ${g}`);
    d.change('group', account, g);
    d.change('user', account, u);
  });
}

export function listGroupMembers(d: IamDb, account: string, group: string): string[] {
  return d.read(() => {
    const g = d.entity(account, 'group', group);
    return d
      .all<{ user_name: string }>(
        'SELECT user_name FROM iam_group_members WHERE account = ? AND group_name = ? ORDER BY user_name',
        account,
        g,
      )
      .map((r) => r.user_name);
  });
}

export function groupsOf(d: IamDb, account: string, user: string): IamGroupRecord[] {
  return d
    .all<GroupRow>(
      // CROSS JOIN fixes the order: a user's memberships first, not every group of the account.
      `SELECT g.* FROM iam_group_members m CROSS JOIN iam_groups g ON g.account = m.account AND g.name = m.group_name
       WHERE m.account = ? AND m.user_name = ? ORDER BY g.name`,
      account,
      user,
    )
    .map(toGroup);
}

export function listGroupsForUser(d: IamDb, account: string, user: string): IamGroupRecord[] {
  return d.read(() => groupsOf(d, account, d.entity(account, 'user', user)));
}
