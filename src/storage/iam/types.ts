import type { Tag } from '../types.js';
import type { AccountStore } from './account-types.js';
import type { LdapStore } from './ldap-types.js';
import type { OidcProviderStore } from './oidc-provider-types.js';
import type { RevocationStore } from './revocation-types.js';
import type { RoleStore } from './role-types.js';

export type { AccountHoldings, AccountStore, IamAccountRecord } from './account-types.js';
export type {
  IamLdapMappingRecord,
  IamLdapUserRecord,
  LdapMappingFilter,
  LdapMappingKind,
  LdapSnapshot,
  LdapStore,
  LdapUserStateName,
} from './ldap-types.js';
export type { IamOidcProviderRecord, OidcProviderPatch, OidcProviderStore } from './oidc-provider-types.js';
export type { IamRevocationRecord, RevocationStore } from './revocation-types.js';
export type { IamRoleRecord, RolePatch, RoleSnapshot, RoleStore } from './role-types.js';

/**
 * The IAM store ports (one per entity, below): the identity directory's persistence. Records
 * are plain data; the store enforces what must hold atomically across processes (uniqueness,
 * existence of what a row references, DeleteConflict, version and tag limits) and appends one
 * row per mutation to the change feed in the same transaction. Names are validated by the IAM
 * service, not here.
 *
 * Entity names are unique per account without regard to case (AWS: "names are not distinguished
 * by case"); lookups by name are case-insensitive and return the stored spelling. Access keys are
 * global (a request names no account) and case-sensitive. Secrets arrive and leave encrypted.
 */

export type IamStatus = 'enabled' | 'disabled';
export type IamEntityKind = 'user' | 'group' | 'role';

export interface IamUserRecord {
  account: string;
  name: string;
  /** The unique id AWS returns as UserId (aws:userid), e.g. AIDA + 17 characters. */
  id: string;
  /** The access key that signs as this user (= name in the default account). */
  accessKey: string;
  /** The encrypted secret; absent for users without a password (they sign with access keys). */
  secretCiphertext?: string;
  status: IamStatus;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
}

export interface IamGroupRecord {
  account: string;
  name: string;
  id: string;
  status: IamStatus;
  createdAt: number;
  updatedAt: number;
}

export interface IamPolicyRecord {
  account: string;
  name: string;
  id: string;
  description?: string;
  /** The default version's id, `v1`, `v2`, … (never reused). */
  defaultVersion: string;
  createdAt: number;
  updatedAt: number;
  /** Users and groups the policy is attached to (filled by getPolicy/listPolicies). */
  attachmentCount: number;
}

export interface IamPolicyVersionRecord {
  versionId: string;
  /** The document exactly as submitted. */
  document: string;
  isDefault: boolean;
  createdAt: number;
}

export interface IamInlinePolicyRecord {
  name: string;
  document: string;
}

export interface IamServiceAccountRecord {
  accessKey: string;
  account: string;
  secretCiphertext: string;
  /** 'root': the account root (parent is ''), 'user': the user named by `parent`. */
  parentType: 'root' | 'user';
  parent: string;
  /** The embedded policy JSON, or absent: inherits the parent's permissions unchanged. */
  policy?: string;
  /** Epoch ms after which the key no longer works. */
  expiresAt?: number;
  name?: string;
  description?: string;
  status: IamStatus;
  createdAt: number;
  updatedAt: number;
}

export interface BucketPolicyRecord {
  bucket: string;
  account: string;
  document: string;
  updatedAt: number;
}

/**
 * What changed: `name` is the user, group, role, policy, service account access key or bucket;
 * for `account`, `account` is the account's id and `name` its root access key.
 */
export type IamChangeKind =
  | 'user'
  | 'group'
  | 'role'
  | 'policy'
  | 'serviceAccount'
  | 'bucketPolicy'
  | 'account'
  /** LDAP mappings or an LDAP user's groups/state (ldap-types.ts): evicts LDAP sessions' entries. */
  | 'ldap';

export interface IamChange {
  seq: number;
  kind: IamChangeKind;
  account: string;
  name: string;
  at: number;
}

/** What the feed carries: entity changes, and `revocation` (name = the parent's revocation key: reload the list). */
export type IamFeedKind = IamChangeKind | 'revocation';

export interface IamFeedChange extends Omit<IamChange, 'kind'> {
  kind: IamFeedKind;
}

export interface IamChangesResult {
  changes: IamFeedChange[];
  /** True when changes after `seq` were pruned before being read: drop every cache. */
  reset: boolean;
}

/** Everything that decides one user's identity policies, read in one snapshot. */
export interface IdentitySnapshot {
  user: IamUserRecord;
  /** Every group the user is a member of (enabled or not). */
  groups: IamGroupRecord[];
  /** Policy names attached to the user, then to each group (group name → names). */
  attached: { user: string[]; groups: Record<string, string[]> };
  inline: { user: IamInlinePolicyRecord[]; groups: Record<string, IamInlinePolicyRecord[]> };
  /** Default-version documents of the attached policies found in the store (built-ins are not). */
  documents: Record<string, string>;
}

export interface ListPage {
  /** Exclusive lower bound (by name / access key, case-insensitive order). */
  after?: string;
  limit?: number;
}

export interface UserPatch {
  status?: IamStatus;
  /** A new encrypted secret; `null` removes the password. */
  secretCiphertext?: string | null;
}

export interface ServiceAccountPatch {
  status?: IamStatus;
  secretCiphertext?: string;
  /** A new embedded policy; `null` removes it. */
  policy?: string | null;
  expiresAt?: number | null;
  name?: string | null;
  description?: string | null;
}

/** Who a managed policy is attached to; `roles` only when some are. */
export interface PolicyEntities {
  users: string[];
  groups: string[];
  roles?: string[];
}

/** AWS limits the store enforces atomically. */
export const iamLimits = {
  /** "You can have up to five versions of a managed policy" (CreatePolicyVersion). */
  policyVersions: 5,
  /** "You can attach up to 50 tags to an IAM resource." */
  tags: 50,
  /** Managed policies attached to one user or group (AWS's maximum quota). */
  attachments: 20,
} as const;

/*
 * The IAM store ports, one per entity (one contract suite each). Every
 * mutation is atomic, durable when it resolves, and appends its change(s) to the feed in the
 * same transaction. Errors are TesseraError with IAM codes. A port may check what another
 * entity holds (deleteUser's DeleteConflict looks at groups, attachments and service accounts):
 * one implementation serves all of them over one database.
 */

/** Users (IAM users and their tags). */
export interface UserStore {
  createUser(user: IamUserRecord): Promise<void>; // EntityAlreadyExists (name or access key taken)
  getUser(account: string, name: string): Promise<IamUserRecord | undefined>;
  getUserByAccessKey(accessKey: string): Promise<IamUserRecord | undefined>;
  listUsers(account: string, page?: ListPage): Promise<IamUserRecord[]>;
  updateUser(account: string, name: string, patch: UserPatch, at: number): Promise<void>; // NoSuchEntity
  /** Adds or replaces tags (keys compared case-insensitively); LimitExceeded past 50. */
  tagUser(account: string, name: string, tags: Tag[], at: number): Promise<void>;
  untagUser(account: string, name: string, keys: string[], at: number): Promise<void>;
  /**
   * AWS: DeleteConflict while the user has groups, attached or inline policies or service
   * accounts. `cascade` (MinIO's behaviour) removes them with the user instead.
   */
  deleteUser(account: string, name: string, opts?: { cascade?: boolean }): Promise<void>;
}

/** Groups and their members. */
export interface GroupStore {
  createGroup(group: IamGroupRecord): Promise<void>;
  getGroup(account: string, name: string): Promise<IamGroupRecord | undefined>;
  listGroups(account: string, page?: ListPage): Promise<IamGroupRecord[]>;
  setGroupStatus(account: string, name: string, status: IamStatus, at: number): Promise<void>;
  /** AWS: DeleteConflict while it has members or policies; `cascade` removes them. */
  deleteGroup(account: string, name: string, opts?: { cascade?: boolean }): Promise<void>;
  addGroupMember(account: string, group: string, user: string): Promise<void>; // NoSuchEntity
  removeGroupMember(account: string, group: string, user: string): Promise<void>; // NoSuchEntity
  listGroupMembers(account: string, group: string): Promise<string[]>;
  listGroupsForUser(account: string, user: string): Promise<IamGroupRecord[]>;
}

/** Managed policies and their versions. */
export interface PolicyStore {
  /** Creates a policy with version v1 as its default. */
  createPolicy(
    policy: Omit<IamPolicyRecord, 'defaultVersion' | 'attachmentCount'>,
    document: string,
  ): Promise<void>;
  getPolicy(account: string, name: string): Promise<IamPolicyRecord | undefined>;
  listPolicies(account: string, page?: ListPage & { onlyAttached?: boolean }): Promise<IamPolicyRecord[]>;
  /** DeleteConflict while attached, or while it has non-default versions unless `deleteVersions`. */
  deletePolicy(account: string, name: string, opts?: { deleteVersions?: boolean }): Promise<void>;
  /** Returns the new version id; LimitExceeded when five versions exist. */
  createPolicyVersion(
    account: string,
    name: string,
    document: string,
    setAsDefault: boolean,
    at: number,
  ): Promise<string>;
  getPolicyVersion(
    account: string,
    name: string,
    versionId: string,
  ): Promise<IamPolicyVersionRecord | undefined>;
  listPolicyVersions(account: string, name: string): Promise<IamPolicyVersionRecord[]>; // NoSuchEntity
  setDefaultPolicyVersion(account: string, name: string, versionId: string, at: number): Promise<void>;
  /** DeleteConflict for the default version. */
  deletePolicyVersion(account: string, name: string, versionId: string): Promise<void>;
}

/** Which policies apply to whom: managed-policy attachments and inline policies of users and groups. */
export interface AttachmentStore {
  /**
   * Attaches a policy (idempotent). NoSuchEntity when the user/group or (unless `builtin`) the
   * policy does not exist; LimitExceeded past iamLimits.attachments.
   */
  attachPolicy(
    account: string,
    kind: IamEntityKind,
    entity: string,
    policy: string,
    builtin: boolean,
  ): Promise<void>;
  detachPolicy(account: string, kind: IamEntityKind, entity: string, policy: string): Promise<void>; // NoSuchEntity
  listAttachedPolicies(account: string, kind: IamEntityKind, entity: string): Promise<string[]>; // NoSuchEntity
  listEntitiesForPolicy(account: string, policy: string): Promise<PolicyEntities>;

  putInlinePolicy(
    account: string,
    kind: IamEntityKind,
    entity: string,
    name: string,
    document: string,
  ): Promise<void>;
  getInlinePolicy(
    account: string,
    kind: IamEntityKind,
    entity: string,
    name: string,
  ): Promise<string | undefined>;
  listInlinePolicies(account: string, kind: IamEntityKind, entity: string): Promise<IamInlinePolicyRecord[]>; // NoSuchEntity
  deleteInlinePolicy(account: string, kind: IamEntityKind, entity: string, name: string): Promise<void>; // NoSuchEntity
}

/** Service accounts (MinIO's access keys with an optional embedded policy). */
export interface ServiceAccountStore {
  /** EntityAlreadyExists when the key is taken (by a user too); NoSuchEntity for a missing parent user. */
  createServiceAccount(sa: IamServiceAccountRecord): Promise<void>;
  getServiceAccount(accessKey: string): Promise<IamServiceAccountRecord | undefined>;
  /** An account's service accounts, optionally only those of one parent. */
  listServiceAccounts(
    account: string,
    parent?: { type: 'root' | 'user'; name: string },
  ): Promise<IamServiceAccountRecord[]>;
  updateServiceAccount(accessKey: string, patch: ServiceAccountPatch, at: number): Promise<void>; // NoSuchEntity
  deleteServiceAccount(accessKey: string): Promise<void>; // NoSuchEntity
}

/** Bucket (resource) policies. */
export interface BucketPolicyStore {
  getBucketPolicy(bucket: string): Promise<BucketPolicyRecord | undefined>;
  putBucketPolicy(record: BucketPolicyRecord): Promise<void>;
  /** Returns whether a policy existed. */
  deleteBucketPolicy(bucket: string): Promise<boolean>;
}

/** The read that authorization needs, across users, groups, attachments and policies. */
export interface IdentitySnapshotStore {
  /** One user's groups, attachments, inline policies and attached documents, in one snapshot. */
  identitySnapshot(account: string, user: string): Promise<IdentitySnapshot | undefined>;
}

/** The change feed: one entry per mutation, in commit order (keeps caches coherent across processes). */
export interface ChangeFeedStore {
  /** The highest change sequence number so far (0 when none). */
  latestChangeSeq(): Promise<number>;
  /** Changes with seq > `seq`, ascending, at most `limit` (default 1000). */
  changesSince(seq: number, limit?: number): Promise<IamChangesResult>;
  /** Deletes changes recorded before `before` (epoch ms), keeping the latest; returns how many. */
  pruneChanges(before: number): Promise<number>;
}

/**
 * The IAM store: every port over one database. Implementations: SQLite (embedded); PostgreSQL
 * later. Consumers that need one entity can take that port instead.
 */
export type IamStore = UserStore &
  AccountStore &
  GroupStore &
  RoleStore &
  OidcProviderStore &
  RevocationStore &
  LdapStore &
  PolicyStore &
  AttachmentStore &
  ServiceAccountStore &
  BucketPolicyStore &
  IdentitySnapshotStore &
  ChangeFeedStore & {
    close(): Promise<void>;
  };
