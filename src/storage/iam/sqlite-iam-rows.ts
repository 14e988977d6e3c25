import type { Tag } from '../types.js';
import type {
  IamGroupRecord,
  IamPolicyRecord,
  IamServiceAccountRecord,
  IamStatus,
  IamUserRecord,
} from './types.js';

/** Row shapes of the IAM tables and their mapping to records (absent columns are NULL). */

export interface UserRow {
  account: string;
  name: string;
  id: string;
  access_key: string;
  secret: string | null;
  status: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

export function toUser(r: UserRow): IamUserRecord {
  const u: IamUserRecord = {
    account: r.account,
    name: r.name,
    id: r.id,
    accessKey: r.access_key,
    status: r.status as IamStatus,
    tags: JSON.parse(r.tags) as Tag[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.secret !== null) u.secretCiphertext = r.secret;
  return u;
}

export interface GroupRow {
  account: string;
  name: string;
  id: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export function toGroup(r: GroupRow): IamGroupRecord {
  return {
    account: r.account,
    name: r.name,
    id: r.id,
    status: r.status as IamStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface PolicyRow {
  account: string;
  name: string;
  id: string;
  description: string | null;
  default_version: string;
  created_at: number;
  updated_at: number;
  attachments: number;
}

/** Selects a policy row with its attachment count; append WHERE / ORDER clauses. */
export const POLICY_SELECT = `SELECT p.account, p.name, p.id, p.description, p.default_version, p.created_at,
  p.updated_at, (SELECT count(*) FROM iam_attachments a WHERE a.account = p.account AND a.policy = p.name)
  AS attachments FROM iam_policies p`;

export function toPolicy(r: PolicyRow): IamPolicyRecord {
  const p: IamPolicyRecord = {
    account: r.account,
    name: r.name,
    id: r.id,
    defaultVersion: r.default_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    attachmentCount: r.attachments,
  };
  if (r.description !== null) p.description = r.description;
  return p;
}

export interface ServiceAccountRow {
  access_key: string;
  account: string;
  secret: string;
  parent_type: string;
  parent: string;
  policy: string | null;
  expires_at: number | null;
  name: string | null;
  description: string | null;
  status: string;
  created_at: number;
  updated_at: number;
}

export function toServiceAccount(r: ServiceAccountRow): IamServiceAccountRecord {
  const sa: IamServiceAccountRecord = {
    accessKey: r.access_key,
    account: r.account,
    secretCiphertext: r.secret,
    parentType: r.parent_type as 'root' | 'user',
    parent: r.parent,
    status: r.status as IamStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.policy !== null) sa.policy = r.policy;
  if (r.expires_at !== null) sa.expiresAt = r.expires_at;
  if (r.name !== null) sa.name = r.name;
  if (r.description !== null) sa.description = r.description;
  return sa;
}
