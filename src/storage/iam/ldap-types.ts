/**
 * LDAP identities (docs/ldap.md): DN → policy mappings and the LDAP users seen (at a login, by
 * `svcacct add --ldap-user`) with what the directory last said of them. DNs arrive normalized
 * (core/ldap-dn.ts: the IAM service normalizes them). Every change that decides permissions
 * appends an `ldap` change to the feed (name: the user's `<directory>\u0000<dn>`, or '' for a
 * mapping change), so every process evicts its LDAP entries.
 */

/** Whom a mapping maps: a user DN or a group DN. */
export type LdapMappingKind = 'user' | 'group';

export interface IamLdapMappingRecord {
  account: string;
  kind: LdapMappingKind;
  /** Normalized DN. */
  dn: string;
  /** The policy's name (a managed policy of the account, or a built-in). */
  policy: string;
  createdAt: number;
}

/** What the directory last said of a user. */
export type LdapUserStateName = 'active' | 'missing' | 'disabled';

export interface IamLdapUserRecord {
  /** The LDAP configuration's name. */
  directory: string;
  /** Normalized DN. */
  dn: string;
  account: string;
  username: string;
  /** Its just-in-time directory user (IAM user name): its service accounts act as that user. */
  userName: string;
  /** The group DNs the directory last reported (normalized, sorted). */
  groupDns: string[];
  state: LdapUserStateName;
  /** The directory sync disabled the user's just-in-time directory user (and enables it again). */
  suspended: boolean;
  lastLogin?: number;
  lastSync?: number;
}

/** What decides an LDAP session's permissions, read in one snapshot. */
export interface LdapSnapshot {
  user: IamLdapUserRecord | undefined;
  /** The mappings of the user's DN and of its groups' DNs. */
  mappings: IamLdapMappingRecord[];
}

export interface LdapMappingFilter {
  users?: readonly string[];
  groups?: readonly string[];
  policies?: readonly string[];
}

/** The LDAP tables (one implementation per IAM store). */
export interface LdapStore {
  /** Adds mappings (idempotent); returns the policies newly attached. */
  attachLdapPolicies(
    account: string,
    kind: LdapMappingKind,
    dn: string,
    policies: readonly string[],
    at: number,
  ): Promise<string[]>;
  /** Removes mappings; returns the policies that were attached. */
  detachLdapPolicies(
    account: string,
    kind: LdapMappingKind,
    dn: string,
    policies: readonly string[],
  ): Promise<string[]>;
  /** Mappings matching any of the filter's users, groups or policies (every mapping when empty). */
  listLdapMappings(account: string, filter?: LdapMappingFilter): Promise<IamLdapMappingRecord[]>;
  /** The user (when seen) and the mappings of its DN and of `groupDns` (or its stored groups). */
  ldapSnapshot(
    account: string,
    directory: string,
    dn: string,
    groupDns?: readonly string[],
  ): Promise<LdapSnapshot>;
  getLdapUser(directory: string, dn: string): Promise<IamLdapUserRecord | undefined>;
  /** The LDAP user whose directory user is `userName`, with the mappings of its DN and stored groups. */
  ldapSnapshotByUserName(account: string, userName: string): Promise<LdapSnapshot>;
  listLdapUsers(): Promise<IamLdapUserRecord[]>;
  /**
   * Inserts or replaces a user; appends an `ldap` change when its groups, state or suspension
   * changed (a login or sync that changes nothing only stamps its times).
   */
  putLdapUser(user: IamLdapUserRecord): Promise<boolean>;
  /** Stamps last_sync on users the sync found unchanged (no feed change). */
  touchLdapUsers(keys: readonly { directory: string; dn: string }[], at: number): Promise<void>;
  /** Takes or renews the directory sync lease for `holder` until `until`; false when another holds it. */
  claimLdapSyncLease(holder: string, now: number, until: number): Promise<boolean>;
}
