import { type RoleIdentity, TesseraError } from '../core/index.js';
import { isPolicyError, parsePolicy } from '../policy/index.js';
import type { IamRoleRecord, ListPage, RolePatch, Tag } from '../storage/index.js';
import { type DirectoryContext, newEntityId } from './context.js';
import { validateTags } from './names.js';

/** A role as the directory shows it. */
export interface IamRole {
  account: string;
  name: string;
  /** RoleId (AROA…). */
  id: string;
  path: string;
  arn: string;
  /** The AssumeRolePolicyDocument as submitted (JSON text). */
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
}

export interface CreateRoleInput {
  name: string;
  trustPolicy: string;
  path?: string;
  description?: string;
  maxSessionDuration?: number;
  tags?: Tag[];
}

/** AWS: MaxSessionDuration 3600–43200 seconds, default 3600. */
export const ROLE_SESSION_LIMITS = { min: 3600, max: 43_200, default: 3600 } as const;

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;

/** RoleName: `[\w+=,.@-]{1,64}`. */
export function validateRoleName(name: string): string {
  if (typeof name !== 'string' || !ROLE_NAME.test(name)) {
    throw new TesseraError(
      'ValidationError',
      `RoleName must be 1 to 64 characters of letters, digits and _+=,.@- (got ${JSON.stringify(String(name).slice(0, 80))}).`,
    );
  }
  return name;
}

function validatePath(path: string): string {
  if (path.length > 512 || !PATH.test(path)) {
    throw new TesseraError('ValidationError', 'Path must begin and end with / (at most 512 characters).');
  }
  return path;
}

function validateDuration(seconds: number): number {
  const { min, max } = ROLE_SESSION_LIMITS;
  if (!Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
    throw new TesseraError(
      'ValidationError',
      `1 validation error detected: Value '${seconds}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return seconds;
}

function validateDescription(d: string): string {
  if (d.length > 1000)
    throw new TesseraError('ValidationError', 'Description must be at most 1000 characters.');
  return d;
}

/**
 * A role's trust policy (AssumeRolePolicyDocument): every statement names a Principal and only
 * sts:AssumeRole* / sts:TagSession / sts:SetSourceIdentity actions; no Resource.
 */
export function validateTrustPolicy(text: string): string {
  try {
    parsePolicy(text, { kind: 'trust' });
  } catch (e) {
    if (isPolicyError(e)) throw new TesseraError('MalformedPolicyDocument', e.message);
    throw e;
  }
  return text;
}

/** Roles: AWS IAM semantics (RoleName rules, case-insensitive uniqueness, DeleteConflict). */
export class RoleDirectory {
  constructor(private readonly c: DirectoryContext) {}

  view(r: IamRoleRecord): IamRole {
    const role: IamRole = {
      account: r.account,
      name: r.name,
      id: r.id,
      path: r.path,
      arn: this.c.arns.role(r.account, r.path, r.name),
      trustPolicy: r.trustPolicy,
      maxSessionDuration: r.maxSessionDuration,
      tags: r.tags,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
    if (r.description !== undefined) role.description = r.description;
    return role;
  }

  /** What sessions of the role act as. */
  identity(r: IamRole): RoleIdentity {
    return Object.freeze({
      kind: 'role',
      account: r.account,
      name: r.name,
      arn: r.arn,
      roleId: r.id,
      assumedRoleArn: this.c.arns.assumedRole(r.account, r.name),
      tags: Object.freeze(Object.fromEntries(r.tags.map((t) => [t.key, t.value]))),
    });
  }

  async create(account: string, input: CreateRoleInput): Promise<IamRole> {
    const name = validateRoleName(input.name);
    const tags = input.tags ?? [];
    validateTags(tags);
    if (tags.length > 50) throw new TesseraError('LimitExceeded', 'A role can have at most 50 tags.');
    const now = this.c.clock.now();
    const record: IamRoleRecord = {
      account,
      name,
      id: newEntityId('AROA'),
      path: validatePath(input.path ?? '/'),
      trustPolicy: validateTrustPolicy(input.trustPolicy),
      maxSessionDuration: validateDuration(input.maxSessionDuration ?? ROLE_SESSION_LIMITS.default),
      tags: tags.map((t) => ({ key: t.key, value: t.value })),
      createdAt: now,
      updatedAt: now,
    };
    if (input.description !== undefined) record.description = validateDescription(input.description);
    await this.c.store.createRole(record);
    this.c.changed('role', account, name);
    return this.view(record);
  }

  /** NoSuchEntity when missing. */
  async get(account: string, name: string): Promise<IamRole> {
    const r = await this.c.store.getRole(account, name);
    if (r === undefined)
      throw new TesseraError('NoSuchEntity', `The role with name ${name} cannot be found.`);
    return this.view(r);
  }

  /** The role, or undefined. */
  async find(account: string, name: string): Promise<IamRole | undefined> {
    const r = await this.c.store.getRole(account, name);
    return r === undefined ? undefined : this.view(r);
  }

  async list(account: string, page?: ListPage): Promise<IamRole[]> {
    return (await this.c.store.listRoles(account, page)).map((r) => this.view(r));
  }

  /** UpdateRole: Description and MaxSessionDuration. */
  async update(
    account: string,
    name: string,
    patch: { description?: string; maxSessionDuration?: number },
  ): Promise<void> {
    const p: RolePatch = {};
    if (patch.description !== undefined) p.description = validateDescription(patch.description);
    if (patch.maxSessionDuration !== undefined)
      p.maxSessionDuration = validateDuration(patch.maxSessionDuration);
    await this.c.store.updateRole(account, name, p, this.c.clock.now());
    this.c.changed('role', account, name);
  }

  /** UpdateAssumeRolePolicy. */
  async updateTrust(account: string, name: string, trustPolicy: string): Promise<void> {
    const p: RolePatch = { trustPolicy: validateTrustPolicy(trustPolicy) };
    await this.c.store.updateRole(account, name, p, this.c.clock.now());
    this.c.changed('role', account, name);
  }

  async tag(account: string, name: string, tags: Tag[]): Promise<void> {
    validateTags(tags);
    await this.c.store.tagRole(account, name, tags, this.c.clock.now());
    this.c.changed('role', account, name);
  }

  async untag(account: string, name: string, keys: string[]): Promise<void> {
    await this.c.store.untagRole(account, name, keys, this.c.clock.now());
    this.c.changed('role', account, name);
  }

  /** DeleteConflict while policies are attached or inline; its live sessions stop at once. */
  async delete(account: string, name: string): Promise<void> {
    await this.c.store.deleteRole(account, name);
    this.c.changed('role', account, name);
  }
}
