import type {
  IamLdapMappingRecord,
  IamLdapUserRecord,
  LdapMappingFilter,
  LdapMappingKind,
  LdapSnapshot,
  LdapUserStateName,
} from './ldap-types.js';
import type { PgIamDb, PgQueries } from './pg-iam-db.js';
import { ldapUserChangeName } from './sqlite-iam-ldap.js';

/*
 * The LDAP tables: iam_ldap_mappings, iam_ldap_users, iam_ldap_sync_lease. DNs are compared
 * exactly: they are stored normalized (core/ldap-dn.ts).
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
  suspended: boolean;
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
    suspended: r.suspended,
  };
  if (r.last_login !== null) out.lastLogin = r.last_login;
  if (r.last_sync !== null) out.lastSync = r.last_sync;
  return out;
}

export function attachLdapPolicies(
  d: PgIamDb,
  account: string,
  kind: LdapMappingKind,
  dn: string,
  policies: readonly string[],
  at: number,
): Promise<string[]> {
  return d.write(async (tx) => {
    const added: string[] = [];
    for (const policy of policies) {
      const n = await tx.run(
        `INSERT INTO iam_ldap_mappings (account, kind, dn, policy, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        account,
        kind,
        dn,
        policy,
        at,
      );
      if (n > 0) added.push(policy);
    }
    if (added.length > 0) await tx.change('ldap', account, '');
    return added;
  });
}

export function detachLdapPolicies(
  d: PgIamDb,
  account: string,
  kind: LdapMappingKind,
  dn: string,
  policies: readonly string[],
): Promise<string[]> {
  return d.write(async (tx) => {
    const removed: string[] = [];
    for (const policy of policies) {
      const n = await tx.run(
        'DELETE FROM iam_ldap_mappings WHERE account = $1 AND kind = $2 AND dn = $3 AND lower(policy) = lower($4)',
        account,
        kind,
        dn,
        policy,
      );
      if (n > 0) removed.push(policy);
    }
    if (removed.length > 0) await tx.change('ldap', account, '');
    return removed;
  });
}

const MAPPING_COLUMNS = 'account, kind, dn, policy, created_at';
const MAPPING_ORDER = 'ORDER BY kind, dn, lower(policy)';

export async function listLdapMappings(
  d: PgIamDb,
  account: string,
  f: LdapMappingFilter = {},
): Promise<IamLdapMappingRecord[]> {
  const all = await d.all<MappingRow>(
    `SELECT ${MAPPING_COLUMNS} FROM iam_ldap_mappings WHERE account = $1 ${MAPPING_ORDER}`,
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

async function ldapUser(q: PgQueries, directory: string, dn: string): Promise<IamLdapUserRecord | undefined> {
  const r = await q.one<UserRow>(
    `SELECT ${USER_COLUMNS} FROM iam_ldap_users WHERE directory = $1 AND dn = $2`,
    directory,
    dn,
  );
  return r === undefined ? undefined : user(r);
}

export function getLdapUser(
  d: PgIamDb,
  directory: string,
  dn: string,
): Promise<IamLdapUserRecord | undefined> {
  return ldapUser(d, directory, dn);
}

export async function listLdapUsers(d: PgIamDb): Promise<IamLdapUserRecord[]> {
  return (await d.all<UserRow>(`SELECT ${USER_COLUMNS} FROM iam_ldap_users ORDER BY directory, dn`)).map(
    user,
  );
}

async function snapshotOf(
  q: PgQueries,
  account: string,
  directory: string,
  dn: string,
  groupDns?: readonly string[],
): Promise<LdapSnapshot> {
  const u = await ldapUser(q, directory, dn);
  const groups = new Set(u?.groupDns ?? groupDns ?? []);
  const rows = await q.all<MappingRow>(
    `SELECT ${MAPPING_COLUMNS} FROM iam_ldap_mappings WHERE account = $1 AND
       ((kind = 'user' AND dn = $2) OR kind = 'group') ${MAPPING_ORDER}`,
    account,
    dn,
  );
  // Group mappings are few (one per mapped group): filtered here (sqlite-iam-ldap.ts).
  const mappings = rows.filter((r) => r.kind === 'user' || groups.has(r.dn)).map(mapping);
  return { user: u, mappings };
}

export function ldapSnapshot(
  d: PgIamDb,
  account: string,
  directory: string,
  dn: string,
  groupDns?: readonly string[],
): Promise<LdapSnapshot> {
  return d.read((s) => snapshotOf(s, account, directory, dn, groupDns));
}

export function ldapSnapshotByUserName(d: PgIamDb, account: string, userName: string): Promise<LdapSnapshot> {
  return d.read(async (s) => {
    // SQLite orders NULL lowest: DESC puts users never logged in last, as here.
    const r = await s.one<UserRow>(
      `SELECT ${USER_COLUMNS} FROM iam_ldap_users WHERE account = $1 AND lower(user_name) = lower($2)
       ORDER BY last_login DESC NULLS LAST LIMIT 1`,
      account,
      userName,
    );
    if (r === undefined) return { user: undefined, mappings: [] };
    return snapshotOf(s, account, r.directory, r.dn);
  });
}

export function putLdapUser(d: PgIamDb, u: IamLdapUserRecord): Promise<boolean> {
  return d.write(async (tx) => {
    const before = await ldapUser(tx, u.directory, u.dn);
    const groups = JSON.stringify(u.groupDns);
    await tx.run(
      `INSERT INTO iam_ldap_users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
      u.suspended,
      u.lastLogin ?? null,
      u.lastSync ?? null,
    );
    const changed =
      before === undefined ||
      JSON.stringify(before.groupDns) !== groups ||
      before.state !== u.state ||
      before.suspended !== u.suspended;
    if (changed) await tx.change('ldap', u.account, ldapUserChangeName(u.directory, u.dn));
    return changed;
  });
}

export async function touchLdapUsers(
  d: PgIamDb,
  keys: readonly { directory: string; dn: string }[],
  at: number,
): Promise<void> {
  if (keys.length === 0) return;
  await d.write(async (tx) => {
    for (const k of keys) {
      await tx.run(
        'UPDATE iam_ldap_users SET last_sync = $1 WHERE directory = $2 AND dn = $3',
        at,
        k.directory,
        k.dn,
      );
    }
  });
}

export function claimLdapSyncLease(d: PgIamDb, holder: string, now: number, until: number): Promise<boolean> {
  return d.write(async (tx) => {
    const row = await tx.one<{ holder: string; until: number }>(
      'SELECT holder, until FROM iam_ldap_sync_lease WHERE id = 1',
    );
    if (row !== undefined && row.holder !== holder && row.until > now) return false;
    await tx.run(
      `INSERT INTO iam_ldap_sync_lease (id, holder, until) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, until = excluded.until`,
      holder,
      until,
    );
    return true;
  });
}
