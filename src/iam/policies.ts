import { createHash } from 'node:crypto';
import { TesseraError } from '../core/index.js';
import { builtinNames, builtinPolicy, isBuiltinName, parsePolicy, serializePolicy } from '../policy/index.js';
import type {
  IamEntityKind,
  IamInlinePolicyRecord,
  IamPolicyRecord,
  IamPolicyVersionRecord,
  PolicyEntities,
} from '../storage/index.js';
import { type DirectoryContext, newEntityId } from './context.js';
import { validatePolicyName, validateVersionId } from './names.js';

export interface IamPolicy {
  account: string;
  name: string;
  id: string;
  arn: string;
  description?: string;
  defaultVersion: string;
  attachmentCount: number;
  /** Built-in (MinIO's canned policies): read-only, always present, ARN `arn:aws:iam::aws:policy/<name>`. */
  builtin: boolean;
  createdAt: number;
  updatedAt: number;
}

const builtinId = (name: string) =>
  `ANPA${createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase()}`;

function readOnly(name: string): TesseraError {
  return new TesseraError('InvalidInput', `Policy ${name} is a built-in policy and cannot be changed.`);
}

/** Checks a managed or inline identity policy document (20 KiB, AWS grammar). Throws MalformedPolicyDocument. */
function validateDocument(document: string): string {
  parsePolicy(document, { kind: 'identity' });
  return document;
}

/** Named (managed) policies with versions, attachments, and inline policies of users and groups. */
export class PolicyDirectory {
  constructor(private readonly c: DirectoryContext) {}

  view(r: IamPolicyRecord): IamPolicy {
    return { ...r, arn: this.c.arns.policy(r.account, r.name), builtin: false };
  }

  #builtinView(name: string, account: string, attachmentCount: number): IamPolicy {
    return {
      account,
      name,
      id: builtinId(name),
      arn: this.c.arns.policy(account, name, true),
      defaultVersion: 'v1',
      attachmentCount,
      builtin: true,
      createdAt: 0,
      updatedAt: 0,
    };
  }

  /** True for a built-in name, or a name that differs from one only in case (reserved). */
  #reserved(name: string): boolean {
    return builtinNames.some((b) => b.toLowerCase() === name.toLowerCase());
  }

  async create(
    account: string,
    name: string,
    document: string,
    opts: { description?: string } = {},
  ): Promise<IamPolicy> {
    validatePolicyName(name);
    if (this.#reserved(name))
      throw new TesseraError('EntityAlreadyExists', `A policy called ${name} already exists.`);
    if (opts.description !== undefined && opts.description.length > 1000) {
      throw new TesseraError('InvalidInput', 'Description must be at most 1000 characters.');
    }
    validateDocument(document);
    const now = this.c.clock.now();
    const record = { account, name, id: newEntityId('ANPA'), createdAt: now, updatedAt: now };
    await this.c.store.createPolicy(
      opts.description === undefined ? record : { ...record, description: opts.description },
      document,
    );
    this.c.changed('policy', account, name);
    return this.get(account, name);
  }

  /** A custom or built-in policy; NoSuchEntity when neither. */
  async get(account: string, name: string): Promise<IamPolicy> {
    if (isBuiltinName(name)) {
      const { users, groups, roles = [] } = await this.c.store.listEntitiesForPolicy(account, name);
      return this.#builtinView(name, account, users.length + groups.length + roles.length);
    }
    const r = await this.c.store.getPolicy(account, name);
    if (r === undefined) throw new TesseraError('NoSuchEntity', `Policy ${name} was not found.`);
    return this.view(r);
  }

  /** `scope`: 'all' (default), 'builtin' (AWS's "AWS" scope) or 'local'. */
  async list(
    account: string,
    opts: { scope?: 'all' | 'builtin' | 'local'; onlyAttached?: boolean } = {},
  ): Promise<IamPolicy[]> {
    const scope = opts.scope ?? 'all';
    const out: IamPolicy[] = [];
    if (scope !== 'local') {
      for (const name of builtinNames) {
        const p = await this.get(account, name);
        if (opts.onlyAttached !== true || p.attachmentCount > 0) out.push(p);
      }
    }
    if (scope !== 'builtin') {
      const page = opts.onlyAttached === true ? { onlyAttached: true } : {};
      for (const r of await this.c.store.listPolicies(account, page)) out.push(this.view(r));
    }
    return out;
  }

  /** DeleteConflict while attached, or while it has other versions (unless `deleteVersions`). */
  async delete(account: string, name: string, opts: { deleteVersions?: boolean } = {}): Promise<void> {
    if (isBuiltinName(name)) throw readOnly(name);
    await this.c.store.deletePolicy(account, name, opts);
    this.c.changed('policy', account, name);
  }

  /** The default version's document, as submitted (built-ins: MinIO's canonical JSON). */
  async document(account: string, name: string): Promise<string> {
    return (await this.getVersion(account, name, (await this.get(account, name)).defaultVersion)).document;
  }

  async createVersion(
    account: string,
    name: string,
    document: string,
    setAsDefault: boolean,
  ): Promise<string> {
    if (isBuiltinName(name)) throw readOnly(name);
    validateDocument(document);
    const id = await this.c.store.createPolicyVersion(
      account,
      name,
      document,
      setAsDefault,
      this.c.clock.now(),
    );
    this.c.changed('policy', account, name);
    return id;
  }

  async getVersion(account: string, name: string, versionId: string): Promise<IamPolicyVersionRecord> {
    validateVersionId(versionId);
    if (isBuiltinName(name) && versionId === 'v1') {
      return { versionId, document: serializePolicy(builtinPolicy(name)), isDefault: true, createdAt: 0 };
    }
    const v = await this.c.store.getPolicyVersion(account, name, versionId);
    if (v === undefined)
      throw new TesseraError('NoSuchEntity', `Policy ${name} version ${versionId} does not exist.`);
    return v;
  }

  /** Newest first. */
  async listVersions(account: string, name: string): Promise<IamPolicyVersionRecord[]> {
    if (isBuiltinName(name)) return [await this.getVersion(account, name, 'v1')];
    return this.c.store.listPolicyVersions(account, name);
  }

  async setDefaultVersion(account: string, name: string, versionId: string): Promise<void> {
    if (isBuiltinName(name)) throw readOnly(name);
    await this.c.store.setDefaultPolicyVersion(
      account,
      name,
      validateVersionId(versionId),
      this.c.clock.now(),
    );
    this.c.changed('policy', account, name);
  }

  async deleteVersion(account: string, name: string, versionId: string): Promise<void> {
    if (isBuiltinName(name)) throw readOnly(name);
    await this.c.store.deletePolicyVersion(account, name, validateVersionId(versionId));
    this.c.changed('policy', account, name);
  }

  /** Attaches a custom or built-in policy to a user or group (idempotent; at most 20 per entity). */
  async attach(account: string, kind: IamEntityKind, entity: string, policy: string): Promise<void> {
    await this.c.store.attachPolicy(account, kind, entity, policy, isBuiltinName(policy));
    this.c.changed(kind, account, entity);
  }

  /** NoSuchEntity when not attached. */
  async detach(account: string, kind: IamEntityKind, entity: string, policy: string): Promise<void> {
    await this.c.store.detachPolicy(account, kind, entity, policy);
    this.c.changed(kind, account, entity);
  }

  async listAttached(account: string, kind: IamEntityKind, entity: string): Promise<IamPolicy[]> {
    const names = await this.c.store.listAttachedPolicies(account, kind, entity);
    return Promise.all(names.map((n) => this.get(account, n)));
  }

  /** ListEntitiesForPolicy. NoSuchEntity when the policy does not exist. */
  async entities(account: string, policy: string): Promise<PolicyEntities> {
    const p = await this.get(account, policy);
    return this.c.store.listEntitiesForPolicy(account, p.name);
  }

  async putInline(
    account: string,
    kind: IamEntityKind,
    entity: string,
    name: string,
    document: string,
  ): Promise<void> {
    validatePolicyName(name);
    validateDocument(document);
    await this.c.store.putInlinePolicy(account, kind, entity, name, document);
    this.c.changed(kind, account, entity);
  }

  /** NoSuchEntity when the entity or the policy is missing. */
  async getInline(account: string, kind: IamEntityKind, entity: string, name: string): Promise<string> {
    const doc = await this.c.store.getInlinePolicy(account, kind, entity, name);
    if (doc === undefined)
      throw new TesseraError('NoSuchEntity', `The ${kind} policy with name ${name} cannot be found.`);
    return doc;
  }

  async listInline(account: string, kind: IamEntityKind, entity: string): Promise<IamInlinePolicyRecord[]> {
    return this.c.store.listInlinePolicies(account, kind, entity);
  }

  async deleteInline(account: string, kind: IamEntityKind, entity: string, name: string): Promise<void> {
    await this.c.store.deleteInlinePolicy(account, kind, entity, name);
    this.c.changed(kind, account, entity);
  }
}
