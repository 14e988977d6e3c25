import type {
  IamLdapMappingRecord,
  IamLdapUserRecord,
  LdapMappingFilter,
  LdapMappingKind,
  LdapSnapshot,
  LdapUserStateName,
} from './ldap-types.js';
import type { IamDb } from './sqlite-iam-db.js';

/*
 * The LDAP tables (migration 13): iam_ldap_mappings, iam_ldap_users, iam_ldap_sync_lease.
 * DNs are compared exactly: they are stored normalized (core/ldap-dn.ts).
 */

interface MappingRow {
  account: string;
  kind: string;
  dn: string;
  policy: string;
  created_at: number;
}

interface UserRow {
  directory: string;
  dn: string;
  account: string;
  username: string;
  user_name: string;
  group_dns: string;
  state: string;
  suspended: number;
  last_login: number | null;
  last_sync: number | null;
}

function mapping(r: MappingRow): IamLdapMappingRecord {
  return {
    account: r.account,
    kind: r.kind === 'group' ? 'group' : 'user',
    dn: r.dn,
    policy: r.policy,
    createdAt: r.created_at,
  };
}

function user(r: UserRow): IamLdapUserRecord {
  const out: IamLdapUserRecord = {
    directory: r.directory,
    dn: r.dn,
    account: r.account,
    username: r.username,
    userName: r.user_name,
    groupDns: JSON.parse(r.group_dns) as string[],
    state: r.state as LdapUserStateName,
    suspended: r.suspended === 1,
  };
  if (r.last_login !== null) out.lastLogin = r.last_login;
  if (r.last_sync !== null) out.lastSync = r.last_sync;
  return out;
}

/** The feed name of a user's change (a mapping change is ''). */
export function ldapUserChangeName(directory: string, dn: string): string {
  return `${directory}\u0000${dn}`;
}

export function attachLdapPolicies(
  d: IamDb,
  account: string,
  kind: LdapMappingKind,
  dn: string,
  policies: readonly string[],
  at: number,
): string[] {
  return d.write(() => {
    const added: string[] = [];
    for (const policy of policies) {
      const n = d.run(
        `INSERT INTO iam_ldap_mappings (account, kind, dn, policy, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        account,
        kind,
        dn,
        policy,
        at,
      );
      if (n > 0) added.push(policy);
    }
    if (added.length > 0) d.change('ldap', account, '');
    return added;
  });
}

export function detachLdapPolicies(
  d: IamDb,
  account: string,
  kind: LdapMappingKind,
  dn: string,
  policies: readonly string[],
): string[] {
  return d.write(() => {
    const removed: string[] = [];
    for (const policy of policies) {
      const n = d.run(
        'DELETE FROM iam_ldap_mappings WHERE account = ? AND kind = ? AND dn = ? AND policy = ?',
        account,
        kind,
        dn,
        policy,
      );
      if (n > 0) removed.push(policy);
    }
    if (removed.length > 0) d.change('ldap', account, '');
    return removed;
  });
}

const MAPPING_COLUMNS = 'account, kind, dn, policy, created_at';

export function listLdapMappings(
  d: IamDb,
  account: string,
  f: LdapMappingFilter = {},
): IamLdapMappingRecord[] {
  const all = d.all<MappingRow>(
    `SELECT ${MAPPING_COLUMNS} FROM iam_ldap_mappings WHERE account = ? ORDER BY kind, dn, policy`,
    account,
  );
  const users = new Set(f.users ?? []);
  const groups = new Set(f.groups ?? []);
  const policies = new Set((f.policies ?? []).map((p) => p.toLowerCase()));
  if (users.size + groups.size + policies.size === 0) return all.map(mapping);
  return all
    .filter(
      (r) =>
        (r.kind === 'user' && users.has(r.dn)) ||
        (r.kind === 'group' && groups.has(r.dn)) ||
        policies.has(r.policy.toLowerCase()),
    )
    .map(mapping);
}

const USER_COLUMNS =
  'directory, dn, account, username, user_name, group_dns, state, suspended, last_login, last_sync';

export function getLdapUser(d: IamDb, directory: string, dn: string): IamLdapUserRecord | undefined {
  const r = d.one<UserRow>(
    `SELECT ${USER_COLUMNS} FROM iam_ldap_users WHERE directory = ? AND dn = ?`,
    directory,
    dn,
  );
  return r === undefined ? undefined : user(r);
}

export function listLdapUsers(d: IamDb): IamLdapUserRecord[] {
  return d.all<UserRow>(`SELECT ${USER_COLUMNS} FROM iam_ldap_users ORDER BY directory, dn`).map(user);
}

export function ldapSnapshot(
  d: IamDb,
  account: string,
  directory: string,
  dn: string,
  groupDns?: readonly string[],
): LdapSnapshot {
  return d.read(() => {
    const u = getLdapUser(d, directory, dn);
    const groups = new Set(u?.groupDns ?? groupDns ?? []);
    const rows = d.all<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM iam_ldap_mappings WHERE account = ? AND
         ((kind = 'user' AND dn = ?) OR kind = 'group') ORDER BY kind, dn, policy`,
      account,
      dn,
    );
    // Group mappings are few (one per mapped group): filtering here beats one query per group
    // for a user in hundreds of groups.
    const mappings = rows.filter((r) => r.kind === 'user' || groups.has(r.dn)).map(mapping);
    return { user: u, mappings };
  });
}

export function ldapSnapshotByUserName(d: IamDb, account: string, userName: string): LdapSnapshot {
  return d.read(() => {
    const r = d.one<UserRow>(
      `SELECT ${USER_COLUMNS} FROM iam_ldap_users WHERE account = ? AND user_name = ? ORDER BY last_login DESC LIMIT 1`,
      account,
      userName,
    );
    if (r === undefined) return { user: undefined, mappings: [] };
    return ldapSnapshot(d, account, r.directory, r.dn);
  });
}

export function putLdapUser(d: IamDb, u: IamLdapUserRecord): boolean {
  return d.write(() => {
    const before = getLdapUser(d, u.directory, u.dn);
    const groups = JSON.stringify(u.groupDns);
    d.run(
      `INSERT INTO iam_ldap_users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (directory, dn) DO UPDATE SET account = excluded.account, username = excluded.username,
         user_name = excluded.user_name,
         group_dns = excluded.group_dns, state = excluded.state, suspended = excluded.suspended,
         last_login = excluded.last_login, last_sync = excluded.last_sync`,
      u.directory,
      u.dn,
      u.account,
      u.username,
      u.userName,
      groups,
      u.state,
      u.suspended ? 1 : 0,
      u.lastLogin ?? null,
      u.lastSync ?? null,
    );
    const changed =
      before === undefined ||
      JSON.stringify(before.groupDns) !== groups ||
      before.state !== u.state ||
      before.suspended !== u.suspended;
    if (changed) d.change('ldap', u.account, ldapUserChangeName(u.directory, u.dn));
    return changed;
  });
}

export function touchLdapUsers(
  d: IamDb,
  keys: readonly { directory: string; dn: string }[],
  at: number,
): void {
  if (keys.length === 0) return;
  d.write(() => {
    for (const k of keys)
      d.run('UPDATE iam_ldap_users SET last_sync = ? WHERE directory = ? AND dn = ?', at, k.directory, k.dn);
  });
}

export function claimLdapSyncLease(d: IamDb, holder: string, now: number, until: number): boolean {
  return d.write(() => {
    const row = d.one<{ holder: string; until: number }>(
      'SELECT holder, until FROM iam_ldap_sync_lease WHERE id = 1',
    );
    if (row !== undefined && row.holder !== holder && row.until > now) return false;
    d.run(
      `INSERT INTO iam_ldap_sync_lease (id, holder, until) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, until = excluded.until`,
      holder,
      until,
    );
    return true;
  });
}
