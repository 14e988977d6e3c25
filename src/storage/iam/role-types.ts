import type { Tag } from '../types.js';
import type { IamInlinePolicyRecord, ListPage } from './types.js';

/** An IAM role: assumed through STS AssumeRole when its trust policy allows the caller. */
export interface IamRoleRecord {
  account: string;
  name: string;
  /** RoleId, e.g. AROA + 17 characters (the first half of an assumed-role session's aws:userid). */
  id: string;
  /** `/` or `/a/b/`. */
  path: string;
  /** The AssumeRolePolicyDocument exactly as submitted. */
  trustPolicy: string;
  description?: string;
  /** Seconds (3600–43200). */
  maxSessionDuration: number;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
}

export interface RolePatch {
  description?: string;
  maxSessionDuration?: number;
  trustPolicy?: string;
}

/** Everything that decides a role's permissions, read in one snapshot. */
export interface RoleSnapshot {
  role: IamRoleRecord;
  attached: string[];
  inline: IamInlinePolicyRecord[];
  /** Default-version documents of the attached policies found in the store (built-ins are not). */
  documents: Record<string, string>;
}

/** Roles (AWS IAM roles) and their tags; their policies are in the AttachmentStore (kind 'role'). */
export interface RoleStore {
  createRole(role: IamRoleRecord): Promise<void>; // EntityAlreadyExists
  getRole(account: string, name: string): Promise<IamRoleRecord | undefined>;
  listRoles(account: string, page?: ListPage): Promise<IamRoleRecord[]>;
  /** Description, MaxSessionDuration, trust policy (UpdateRole, UpdateAssumeRolePolicy); NoSuchEntity. */
  updateRole(account: string, name: string, patch: RolePatch, at: number): Promise<void>;
  /** Adds or replaces tags (keys compared case-insensitively); LimitExceeded past 50. */
  tagRole(account: string, name: string, tags: Tag[], at: number): Promise<void>;
  untagRole(account: string, name: string, keys: string[], at: number): Promise<void>;
  /** AWS: DeleteConflict while policies are attached to it or it has inline policies. */
  deleteRole(account: string, name: string): Promise<void>;
  /** The role, its attached and inline policies and the attached documents, in one snapshot. */
  roleSnapshot(account: string, name: string): Promise<RoleSnapshot | undefined>;
}
