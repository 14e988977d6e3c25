import type { Tag } from '../types.js';
import type { AccountHoldings, IamAccountRecord } from './account-types.js';
import * as acc from './pg-iam-accounts.js';
import * as a from './pg-iam-attachments.js';
import type { IamChangeListener } from './pg-iam-change-listener.js';
import { PgIamDb, type PgIamPoolOptions } from './pg-iam-db.js';
import * as f from './pg-iam-feed.js';
import * as g from './pg-iam-groups.js';
import * as k from './pg-iam-keys.js';
import * as l from './pg-iam-ldap.js';
import { listenIamChanges } from './pg-iam-listen.js';
import * as o from './pg-iam-oidc-providers.js';
import * as p from './pg-iam-policies.js';
import * as v from './pg-iam-revocations.js';
import * as r from './pg-iam-roles.js';
import { migratePgIam } from './pg-iam-schema.js';
import * as u from './pg-iam-users.js';
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

export interface PgIamStoreOptions extends PgIamPoolOptions {
  /** Told when the change listener's connection fails (it reconnects); default: ignored. */
  onListenError?: (err: unknown) => void;
}

/**
 * The shared IAM store: the IAM tables in a PostgreSQL database (docs/shared-mode.md), for
 * several servers at once. A bounded pool of connections, named prepared statements, its own
 * schema migrations (pg-iam-schema.ts, applied by open() under an advisory lock). Writers are
 * serialized by one row lock (pg-iam-db.ts), so the checks of the SQLite store hold here too and
 * change sequence numbers commit in order; each committing write NOTIFYs `tessera_iam`, which
 * listenChanges() follows.
 * @example const store = await PgIamStore.open({ url: 'postgres://tessera@db/tessera', poolSize: 10 });
 */
export class PgIamStore implements IamStore, IamChangeListener {
  readonly #d: PgIamDb;
  readonly #options: PgIamStoreOptions;
  readonly #listeners = new Set<() => void>();

  private constructor(options: PgIamStoreOptions) {
    this.#options = options;
    this.#d = new PgIamDb(options);
  }

  /** Connects and applies pending migrations; throws (and closes the pool) when either fails. */
  static async open(options: PgIamStoreOptions): Promise<PgIamStore> {
    const store = new PgIamStore(options);
    try {
      await migratePgIam(store.#d.pool);
      return store;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  async createUser(user: IamUserRecord): Promise<void> {
    return u.createUser(this.#d, user);
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
    return u.updateUser(this.#d, account, name, patch, at);
  }
  async tagUser(account: string, name: string, tags: Tag[], at: number): Promise<void> {
    return u.tagUser(this.#d, account, name, tags, at);
  }
  async untagUser(account: string, name: string, keys: string[], at: number): Promise<void> {
    return u.untagUser(this.#d, account, name, keys, at);
  }
  async deleteUser(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    return u.deleteUser(this.#d, account, name, opts.cascade === true);
  }

  async createAccount(account: IamAccountRecord): Promise<void> {
    return acc.createAccount(this.#d, account);
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
    return acc.deleteAccount(this.#d, id);
  }

  async createGroup(group: IamGroupRecord): Promise<void> {
    return g.createGroup(this.#d, group);
  }
  async getGroup(account: string, name: string): Promise<IamGroupRecord | undefined> {
    return g.getGroup(this.#d, account, name);
  }
  async listGroups(account: string, page?: ListPage): Promise<IamGroupRecord[]> {
    return g.listGroups(this.#d, account, page);
  }
  async setGroupStatus(account: string, name: string, status: IamStatus, at: number): Promise<void> {
    return g.setGroupStatus(this.#d, account, name, status, at);
  }
  async deleteGroup(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    return g.deleteGroup(this.#d, account, name, opts.cascade === true);
  }
  async addGroupMember(account: string, group: string, user: string): Promise<void> {
    return g.addGroupMember(this.#d, account, group, user);
  }
  async removeGroupMember(account: string, group: string, user: string): Promise<void> {
    return g.removeGroupMember(this.#d, account, group, user);
  }
  async listGroupMembers(account: string, group: string): Promise<string[]> {
    return g.listGroupMembers(this.#d, account, group);
  }
  async listGroupsForUser(account: string, user: string): Promise<IamGroupRecord[]> {
    return g.listGroupsForUser(this.#d, account, user);
  }

  async createRole(role: IamRoleRecord): Promise<void> {
    return r.createRole(this.#d, role);
  }
  async getRole(account: string, name: string): Promise<IamRoleRecord | undefined> {
    return r.getRole(this.#d, account, name);
  }
  async listRoles(account: string, page?: ListPage): Promise<IamRoleRecord[]> {
    return r.listRoles(this.#d, account, page);
  }
  async updateRole(account: string, name: string, patch: RolePatch, at: number): Promise<void> {
    return r.updateRole(this.#d, account, name, patch, at);
  }
  async tagRole(account: string, name: string, tags: Tag[], at: number): Promise<void> {
    return r.tagRole(this.#d, account, name, tags, at);
  }
  async untagRole(account: string, name: string, keys: string[], at: number): Promise<void> {
    return r.untagRole(this.#d, account, name, keys, at);
  }
  async deleteRole(account: string, name: string): Promise<void> {
    return r.deleteRole(this.#d, account, name);
  }
  async roleSnapshot(account: string, name: string): Promise<RoleSnapshot | undefined> {
    return r.roleSnapshot(this.#d, account, name);
  }

  async createOidcProvider(provider: IamOidcProviderRecord): Promise<void> {
    return o.createOidcProvider(this.#d, provider);
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
    return o.updateOidcProvider(this.#d, account, url, patch, at);
  }
  async deleteOidcProvider(account: string, url: string): Promise<void> {
    return o.deleteOidcProvider(this.#d, account, url);
  }

  async createPolicy(
    policy: Omit<IamPolicyRecord, 'defaultVersion' | 'attachmentCount'>,
    document: string,
  ): Promise<void> {
    return p.createPolicy(this.#d, policy, document);
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
    return p.deletePolicy(this.#d, account, name, opts.deleteVersions === true);
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
    return p.setDefaultPolicyVersion(this.#d, account, name, versionId, at);
  }
  async deletePolicyVersion(account: string, name: string, versionId: string): Promise<void> {
    return p.deletePolicyVersion(this.#d, account, name, versionId);
  }

  async attachPolicy(
    account: string,
    kind: Kind,
    entity: string,
    policy: string,
    builtin: boolean,
  ): Promise<void> {
    return a.attachPolicy(this.#d, account, kind, entity, policy, builtin);
  }
  async detachPolicy(account: string, kind: Kind, entity: string, policy: string): Promise<void> {
    return a.detachPolicy(this.#d, account, kind, entity, policy);
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
    return a.putInlinePolicy(this.#d, account, kind, entity, name, document);
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
    return a.deleteInlinePolicy(this.#d, account, kind, entity, name);
  }

  async createServiceAccount(sa: IamServiceAccountRecord): Promise<void> {
    return k.createServiceAccount(this.#d, sa);
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
    return k.updateServiceAccount(this.#d, accessKey, patch, at);
  }
  async deleteServiceAccount(accessKey: string): Promise<void> {
    return k.deleteServiceAccount(this.#d, accessKey);
  }

  async getBucketPolicy(bucket: string): Promise<BucketPolicyRecord | undefined> {
    return k.getBucketPolicy(this.#d, bucket);
  }
  async putBucketPolicy(record: BucketPolicyRecord): Promise<void> {
    return k.putBucketPolicy(this.#d, record);
  }
  async deleteBucketPolicy(bucket: string): Promise<boolean> {
    return k.deleteBucketPolicy(this.#d, bucket);
  }

  async putRevocation(
    record: IamRevocationRecord,
    opts: { maxSessions: number; now: number },
  ): Promise<void> {
    return v.putRevocation(this.#d, record, opts);
  }
  async listRevocations(now: number): Promise<IamRevocationRecord[]> {
    return v.listRevocations(this.#d, now);
  }

  // LDAP mappings and users (pg-iam-ldap.ts).
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
    return l.touchLdapUsers(this.#d, keys, at);
  }
  async claimLdapSyncLease(holder: string, now: number, until: number) {
    return l.claimLdapSyncLease(this.#d, holder, now, until);
  }

  async identitySnapshot(account: string, user: string): Promise<IdentitySnapshot | undefined> {
    return a.identitySnapshot(this.#d, account, user);
  }

  async latestChangeSeq(): Promise<number> {
    return f.latestChangeSeq(this.#d);
  }
  async changesSince(seq: number, limit?: number): Promise<IamChangesResult> {
    return f.changesSince(this.#d, seq, limit);
  }
  async pruneChanges(before: number): Promise<number> {
    return f.pruneChanges(this.#d, before);
  }

  listenChanges(onChange: (seq: number | undefined) => void): () => void {
    const stop = listenIamChanges(this.#options, onChange, this.#options.onListenError);
    const off = () => {
      this.#listeners.delete(off);
      stop();
    };
    this.#listeners.add(off);
    return off;
  }

  async close(): Promise<void> {
    for (const off of [...this.#listeners]) off();
    await this.#d.close();
  }
}
