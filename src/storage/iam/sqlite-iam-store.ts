import { join } from 'node:path';
import type { OpenOptions } from '../metadata/schema.js';
import type { Tag } from '../types.js';
import type { AccountHoldings, IamAccountRecord } from './account-types.js';
import * as acc from './sqlite-iam-accounts.js';
import * as a from './sqlite-iam-attachments.js';
import { IamDb } from './sqlite-iam-db.js';
import * as g from './sqlite-iam-groups.js';
import * as k from './sqlite-iam-keys.js';
import * as l from './sqlite-iam-ldap.js';
import * as o from './sqlite-iam-oidc-providers.js';
import * as p from './sqlite-iam-policies.js';
import * as v from './sqlite-iam-revocations.js';
import * as r from './sqlite-iam-roles.js';
import * as u from './sqlite-iam-users.js';
import type {
  BucketPolicyRecord,
  IamChangesResult,
  IamEntityKind,
  IamGroupRecord,
  IamInlinePolicyRecord,
  IamLdapUserRecord,
  IamOidcProviderRecord,
  IamPolicyRecord,
  IamPolicyVersionRecord,
  IamRevocationRecord,
  IamRoleRecord,
  IamServiceAccountRecord,
  IamStatus,
  IamStore,
  IamUserRecord,
  IdentitySnapshot,
  LdapMappingFilter,
  LdapMappingKind,
  ListPage,
  OidcProviderPatch,
  PolicyEntities,
  RolePatch,
  RoleSnapshot,
  ServiceAccountPatch,
  UserPatch,
} from './types.js';

type Kind = IamEntityKind;

/**
 * The embedded IAM store: tables in the same SQLite file as the metadata store
 * (`<dataDir>/.tessera/meta.db`), its own connection. Methods run synchronously inside and
 * resolve when committed (WAL, synchronous=FULL). One object serves every IAM port (UserStore,
 * GroupStore, …; IamStore is their intersection), each delegating to the file of its entity.
 * @example const iamStore = new SqliteIamStore(storagePaths(dataDir).database);
 */
export class SqliteIamStore implements IamStore {
  readonly #d: IamDb;

  constructor(file: string, options: OpenOptions = {}) {
    this.#d = new IamDb(file, options);
  }

  /** Opens the IAM store of a data directory (the directory must exist; openEmbeddedStorage makes it). */
  static forDataDir(dataDir: string, options: OpenOptions = {}): SqliteIamStore {
    return new SqliteIamStore(join(dataDir, '.tessera', 'meta.db'), options);
  }

  async createUser(user: IamUserRecord): Promise<void> {
    u.createUser(this.#d, user);
  }
  async getUser(account: string, name: string): Promise<IamUserRecord | undefined> {
    return u.getUser(this.#d, account, name);
  }
  async getUserByAccessKey(accessKey: string): Promise<IamUserRecord | undefined> {
    return u.getUserByAccessKey(this.#d, accessKey);
  }
  async listUsers(account: string, page?: ListPage): Promise<IamUserRecord[]> {
    return u.listUsers(this.#d, account, page);
  }
  async updateUser(account: string, name: string, patch: UserPatch, at: number): Promise<void> {
    u.updateUser(this.#d, account, name, patch, at);
  }
  async tagUser(account: string, name: string, tags: Tag[], at: number): Promise<void> {
    u.tagUser(this.#d, account, name, tags, at);
  }
  async untagUser(account: string, name: string, keys: string[], at: number): Promise<void> {
    u.untagUser(this.#d, account, name, keys, at);
  }
  async deleteUser(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    u.deleteUser(this.#d, account, name, opts.cascade === true);
  }

  async createAccount(account: IamAccountRecord): Promise<void> {
    acc.createAccount(this.#d, account);
  }
  async getAccount(id: string): Promise<IamAccountRecord | undefined> {
    return acc.getAccount(this.#d, id);
  }
  async getAccountByName(name: string): Promise<IamAccountRecord | undefined> {
    return acc.getAccountByName(this.#d, name);
  }
  async getAccountByAccessKey(accessKey: string): Promise<IamAccountRecord | undefined> {
    return acc.getAccountByAccessKey(this.#d, accessKey);
  }
  async listAccounts(): Promise<IamAccountRecord[]> {
    return acc.listAccounts(this.#d);
  }
  async accountHoldings(id: string): Promise<AccountHoldings> {
    return acc.accountHoldings(this.#d, id);
  }
  async deleteAccount(id: string): Promise<void> {
    acc.deleteAccount(this.#d, id);
  }

  async createGroup(group: IamGroupRecord): Promise<void> {
    g.createGroup(this.#d, group);
  }
  async getGroup(account: string, name: string): Promise<IamGroupRecord | undefined> {
    return g.getGroup(this.#d, account, name);
  }
  async listGroups(account: string, page?: ListPage): Promise<IamGroupRecord[]> {
    return g.listGroups(this.#d, account, page);
  }
  async setGroupStatus(account: string, name: string, status: IamStatus, at: number): Promise<void> {
    g.setGroupStatus(this.#d, account, name, status, at);
  }
  async deleteGroup(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    g.deleteGroup(this.#d, account, name, opts.cascade === true);
  }
  async addGroupMember(account: string, group: string, user: string): Promise<void> {
    g.addGroupMember(this.#d, account, group, user);
  }
  async removeGroupMember(account: string, group: string, user: string): Promise<void> {
    g.removeGroupMember(this.#d, account, group, user);
  }
  async listGroupMembers(account: string, group: string): Promise<string[]> {
    return g.listGroupMembers(this.#d, account, group);
  }
  async listGroupsForUser(account: string, user: string): Promise<IamGroupRecord[]> {
    return g.listGroupsForUser(this.#d, account, user);
  }

  async createRole(role: IamRoleRecord): Promise<void> {
    r.createRole(this.#d, role);
  }
  async getRole(account: string, name: string): Promise<IamRoleRecord | undefined> {
    return r.getRole(this.#d, account, name);
  }
  async listRoles(account: string, page?: ListPage): Promise<IamRoleRecord[]> {
    return r.listRoles(this.#d, account, page);
  }
  async updateRole(account: string, name: string, patch: RolePatch, at: number): Promise<void> {
    r.updateRole(this.#d, account, name, patch, at);
  }
  async tagRole(account: string, name: string, tags: Tag[], at: number): Promise<void> {
    r.tagRole(this.#d, account, name, tags, at);
  }
  async untagRole(account: string, name: string, keys: string[], at: number): Promise<void> {
    r.untagRole(this.#d, account, name, keys, at);
  }
  async deleteRole(account: string, name: string): Promise<void> {
    r.deleteRole(this.#d, account, name);
  }
  async roleSnapshot(account: string, name: string): Promise<RoleSnapshot | undefined> {
    return r.roleSnapshot(this.#d, account, name);
  }

  async createOidcProvider(provider: IamOidcProviderRecord): Promise<void> {
    o.createOidcProvider(this.#d, provider);
  }
  async getOidcProvider(account: string, url: string): Promise<IamOidcProviderRecord | undefined> {
    return o.getOidcProvider(this.#d, account, url);
  }
  async listOidcProviders(account: string): Promise<IamOidcProviderRecord[]> {
    return o.listOidcProviders(this.#d, account);
  }
  async updateOidcProvider(
    account: string,
    url: string,
    patch: OidcProviderPatch,
    at: number,
  ): Promise<void> {
    o.updateOidcProvider(this.#d, account, url, patch, at);
  }
  async deleteOidcProvider(account: string, url: string): Promise<void> {
    o.deleteOidcProvider(this.#d, account, url);
  }

  async createPolicy(
    policy: Omit<IamPolicyRecord, 'defaultVersion' | 'attachmentCount'>,
    document: string,
  ): Promise<void> {
    p.createPolicy(this.#d, policy, document);
  }
  async getPolicy(account: string, name: string): Promise<IamPolicyRecord | undefined> {
    return p.getPolicy(this.#d, account, name);
  }
  async listPolicies(
    account: string,
    page?: ListPage & { onlyAttached?: boolean },
  ): Promise<IamPolicyRecord[]> {
    return p.listPolicies(this.#d, account, page);
  }
  async deletePolicy(account: string, name: string, opts: { deleteVersions?: boolean } = {}): Promise<void> {
    p.deletePolicy(this.#d, account, name, opts.deleteVersions === true);
  }
  async createPolicyVersion(
    account: string,
    name: string,
    document: string,
    setAsDefault: boolean,
    at: number,
  ): Promise<string> {
    return p.createPolicyVersion(this.#d, account, name, document, setAsDefault, at);
  }
  async getPolicyVersion(
    account: string,
    name: string,
    versionId: string,
  ): Promise<IamPolicyVersionRecord | undefined> {
    return p.getPolicyVersion(this.#d, account, name, versionId);
  }
  async listPolicyVersions(account: string, name: string): Promise<IamPolicyVersionRecord[]> {
    return p.listPolicyVersions(this.#d, account, name);
  }
  async setDefaultPolicyVersion(account: string, name: string, versionId: string, at: number): Promise<void> {
    p.setDefaultPolicyVersion(this.#d, account, name, versionId, at);
  }
  async deletePolicyVersion(account: string, name: string, versionId: string): Promise<void> {
    p.deletePolicyVersion(this.#d, account, name, versionId);
  }

  async attachPolicy(
    account: string,
    kind: Kind,
    entity: string,
    policy: string,
    builtin: boolean,
  ): Promise<void> {
    a.attachPolicy(this.#d, account, kind, entity, policy, builtin);
  }
  async detachPolicy(account: string, kind: Kind, entity: string, policy: string): Promise<void> {
    a.detachPolicy(this.#d, account, kind, entity, policy);
  }
  async listAttachedPolicies(account: string, kind: Kind, entity: string): Promise<string[]> {
    return a.listAttachedPolicies(this.#d, account, kind, entity);
  }
  async listEntitiesForPolicy(account: string, policy: string): Promise<PolicyEntities> {
    return a.listEntitiesForPolicy(this.#d, account, policy);
  }
  async putInlinePolicy(
    account: string,
    kind: Kind,
    entity: string,
    name: string,
    document: string,
  ): Promise<void> {
    a.putInlinePolicy(this.#d, account, kind, entity, name, document);
  }
  async getInlinePolicy(
    account: string,
    kind: Kind,
    entity: string,
    name: string,
  ): Promise<string | undefined> {
    return a.getInlinePolicy(this.#d, account, kind, entity, name);
  }
  async listInlinePolicies(account: string, kind: Kind, entity: string): Promise<IamInlinePolicyRecord[]> {
    return a.listInlinePolicies(this.#d, account, kind, entity);
  }
  async deleteInlinePolicy(account: string, kind: Kind, entity: string, name: string): Promise<void> {
    a.deleteInlinePolicy(this.#d, account, kind, entity, name);
  }

  async createServiceAccount(sa: IamServiceAccountRecord): Promise<void> {
    k.createServiceAccount(this.#d, sa);
  }
  async getServiceAccount(accessKey: string): Promise<IamServiceAccountRecord | undefined> {
    return k.getServiceAccount(this.#d, accessKey);
  }
  async listServiceAccounts(
    account: string,
    parent?: { type: 'root' | 'user'; name: string },
  ): Promise<IamServiceAccountRecord[]> {
    return k.listServiceAccounts(this.#d, account, parent);
  }
  async updateServiceAccount(accessKey: string, patch: ServiceAccountPatch, at: number): Promise<void> {
    k.updateServiceAccount(this.#d, accessKey, patch, at);
  }
  async deleteServiceAccount(accessKey: string): Promise<void> {
    k.deleteServiceAccount(this.#d, accessKey);
  }

  async getBucketPolicy(bucket: string): Promise<BucketPolicyRecord | undefined> {
    return k.getBucketPolicy(this.#d, bucket);
  }
  async putBucketPolicy(record: BucketPolicyRecord): Promise<void> {
    k.putBucketPolicy(this.#d, record);
  }
  async deleteBucketPolicy(bucket: string): Promise<boolean> {
    return k.deleteBucketPolicy(this.#d, bucket);
  }

  async putRevocation(
    record: IamRevocationRecord,
    opts: { maxSessions: number; now: number },
  ): Promise<void> {
    v.putRevocation(this.#d, record, opts);
  }
  async listRevocations(now: number): Promise<IamRevocationRecord[]> {
    return v.listRevocations(this.#d, now);
  }

  // LDAP mappings and users (sqlite-iam-ldap.ts).
  async attachLdapPolicies(a: string, k: LdapMappingKind, dn: string, p: readonly string[], at: number) {
    return l.attachLdapPolicies(this.#d, a, k, dn, p, at);
  }
  async detachLdapPolicies(a: string, k: LdapMappingKind, dn: string, p: readonly string[]) {
    return l.detachLdapPolicies(this.#d, a, k, dn, p);
  }
  async listLdapMappings(account: string, filter?: LdapMappingFilter) {
    return l.listLdapMappings(this.#d, account, filter);
  }
  async ldapSnapshot(account: string, directory: string, dn: string, groupDns?: readonly string[]) {
    return l.ldapSnapshot(this.#d, account, directory, dn, groupDns);
  }
  async getLdapUser(directory: string, dn: string) {
    return l.getLdapUser(this.#d, directory, dn);
  }
  async ldapSnapshotByUserName(account: string, userName: string) {
    return l.ldapSnapshotByUserName(this.#d, account, userName);
  }
  async listLdapUsers() {
    return l.listLdapUsers(this.#d);
  }
  async putLdapUser(u: IamLdapUserRecord) {
    return l.putLdapUser(this.#d, u);
  }
  async touchLdapUsers(keys: readonly { directory: string; dn: string }[], at: number) {
    l.touchLdapUsers(this.#d, keys, at);
  }
  async claimLdapSyncLease(holder: string, now: number, until: number) {
    return l.claimLdapSyncLease(this.#d, holder, now, until);
  }

  async identitySnapshot(account: string, user: string): Promise<IdentitySnapshot | undefined> {
    return a.identitySnapshot(this.#d, account, user);
  }

  async latestChangeSeq(): Promise<number> {
    return k.latestChangeSeq(this.#d);
  }
  async changesSince(seq: number, limit?: number): Promise<IamChangesResult> {
    return k.changesSince(this.#d, seq, limit);
  }
  async pruneChanges(before: number): Promise<number> {
    return k.pruneChanges(this.#d, before);
  }

  async close(): Promise<void> {
    this.#d.close();
  }
}
