import { newAccessKeyId, newSecretKey, TesseraError } from '../core/index.js';
import { parsePolicy } from '../policy/index.js';
import type { IamServiceAccountRecord, IamStatus, ServiceAccountPatch } from '../storage/index.js';
import { type DirectoryContext, secretContext } from './context.js';
import { validateAccessKey, validateSecretKey, validateServiceAccountInfo } from './names.js';

export type ServiceAccountParent = { type: 'root' } | { type: 'user'; name: string };

/** A service account as the directory shows it (never the secret, except once on creation). */
export interface IamServiceAccount {
  accessKey: string;
  account: string;
  parent: ServiceAccountParent;
  /** The embedded policy JSON; absent = the parent's permissions unchanged. */
  policy?: string;
  expiresAt?: number;
  name?: string;
  description?: string;
  status: IamStatus;
  createdAt: number;
  updatedAt: number;
}

export interface CreateServiceAccountInput {
  parent: ServiceAccountParent;
  /** Chosen key (3–128 characters) or generated (20 characters). */
  accessKey?: string;
  /** Chosen secret (8–128) or generated (40 characters). */
  secretKey?: string;
  /** Narrows the parent's permissions (intersection). Service-account grammar, at most 4,096 bytes. */
  policy?: string;
  expiresAt?: number;
  name?: string;
  description?: string;
  status?: IamStatus;
}

export interface ServiceAccountUpdate {
  status?: IamStatus;
  secretKey?: string;
  policy?: string | null;
  expiresAt?: number | null;
  name?: string | null;
  description?: string | null;
}

/**
 * Service accounts: access keys that belong to a user or to root, inherit the parent's current
 * permissions, optionally narrowed by an embedded policy, with an optional expiry.
 */
export class ServiceAccountDirectory {
  /**
   * @param maxExpiryMs TESSERA_SVCACCT_MAX_EXPIRY: the longest lifetime of a user's (directory or
   * federated) service account: one created without an expiry gets it, a later one is refused.
   */
  constructor(
    private readonly c: DirectoryContext,
    private readonly maxExpiryMs?: number,
  ) {}

  view(r: IamServiceAccountRecord): IamServiceAccount {
    const v: IamServiceAccount = {
      accessKey: r.accessKey,
      account: r.account,
      parent: r.parentType === 'root' ? { type: 'root' } : { type: 'user', name: r.parent },
      status: r.status,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
    if (r.policy !== undefined) v.policy = r.policy;
    if (r.expiresAt !== undefined) v.expiresAt = r.expiresAt;
    if (r.name !== undefined) v.name = r.name;
    if (r.description !== undefined) v.description = r.description;
    return v;
  }

  #checkPolicy(policy: string | null | undefined): void {
    if (policy != null) parsePolicy(policy, { kind: 'serviceAccount' });
  }

  #checkExpiry(expiresAt: number | null | undefined): void {
    if (expiresAt != null && (!Number.isFinite(expiresAt) || expiresAt <= this.c.clock.now())) {
      throw new TesseraError('InvalidInput', 'The expiration must be a time in the future.');
    }
  }

  /**
   * The server-wide cap of a user's service accounts (root's are not capped): no expiry → the
   * cap (on create) or InvalidInput (on update: removing it); one beyond the cap → InvalidInput.
   */
  #capExpiry(parent: ServiceAccountParent['type'], expiresAt: number | null | undefined, creating: boolean) {
    if (this.maxExpiryMs === undefined || parent === 'root' || expiresAt === undefined) {
      return creating && this.maxExpiryMs !== undefined && parent !== 'root'
        ? this.c.clock.now() + this.maxExpiryMs
        : expiresAt;
    }
    const latest = this.c.clock.now() + this.maxExpiryMs;
    if (expiresAt === null || expiresAt > latest) {
      throw new TesseraError(
        'InvalidInput',
        `A user's service account must expire within ${Math.round(this.maxExpiryMs / 1000)} seconds (TESSERA_SVCACCT_MAX_EXPIRY): at the latest ${new Date(latest).toISOString()}.`,
      );
    }
    return expiresAt;
  }

  /**
   * Creates a service account; the result carries the secret, the only time it is shown.
   * The parent user must exist and be enabled.
   * @example const { accessKey, secretKey } = await iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } })
   */
  async create(
    account: string,
    input: CreateServiceAccountInput,
  ): Promise<IamServiceAccount & { secretKey: string }> {
    validateServiceAccountInfo(input);
    this.#checkPolicy(input.policy);
    this.#checkExpiry(input.expiresAt);
    const expiresAt = this.#capExpiry(input.parent.type, input.expiresAt, true);
    let parent = '';
    if (input.parent.type === 'user') {
      const user = await this.c.store.getUser(account, input.parent.name);
      if (user === undefined)
        throw new TesseraError('NoSuchEntity', `The user with name ${input.parent.name} cannot be found.`);
      if (user.status !== 'enabled')
        throw new TesseraError('InvalidInput', `The user ${user.name} is disabled.`);
      parent = user.name;
    }
    const accessKey = input.accessKey === undefined ? newAccessKeyId() : validateAccessKey(input.accessKey);
    if (accessKey === this.c.rootAccessKey)
      throw new TesseraError('EntityAlreadyExists', 'The access key is taken.');
    const secretKey = input.secretKey === undefined ? newSecretKey() : validateSecretKey(input.secretKey);
    const now = this.c.clock.now();
    const record: IamServiceAccountRecord = {
      accessKey,
      account,
      secretCiphertext: this.c.box.encrypt(secretKey, secretContext.serviceAccount(accessKey)),
      parentType: input.parent.type,
      parent,
      status: input.status ?? 'enabled',
      createdAt: now,
      updatedAt: now,
    };
    if (input.policy !== undefined) record.policy = input.policy;
    if (expiresAt != null) record.expiresAt = expiresAt;
    if (input.name !== undefined) record.name = input.name;
    if (input.description !== undefined) record.description = input.description;
    await this.c.store.createServiceAccount(record);
    this.c.changed('serviceAccount', account, accessKey);
    return { ...this.view(record), secretKey };
  }

  /** NoSuchEntity when missing or in another account. */
  async get(account: string, accessKey: string): Promise<IamServiceAccount> {
    const r = await this.c.store.getServiceAccount(accessKey);
    if (r === undefined || r.account !== account) {
      throw new TesseraError('NoSuchEntity', `The Access Key with id ${accessKey} cannot be found.`);
    }
    return this.view(r);
  }

  /** A service account's secret in clear. Only for MinIO's export-iam (as get: NoSuchEntity). */
  async exportSecret(account: string, accessKey: string): Promise<string> {
    const r = await this.c.store.getServiceAccount(accessKey);
    if (r === undefined || r.account !== account)
      throw new TesseraError('NoSuchEntity', `The Access Key with id ${accessKey} cannot be found.`);
    return this.c.box.decrypt(r.secretCiphertext, secretContext.serviceAccount(accessKey));
  }

  /** All of an account's service accounts, or one parent's. */
  async list(account: string, parent?: ServiceAccountParent): Promise<IamServiceAccount[]> {
    const filter =
      parent === undefined
        ? undefined
        : { type: parent.type, name: parent.type === 'user' ? parent.name : '' };
    return (await this.c.store.listServiceAccounts(account, filter)).map((r) => this.view(r));
  }

  /** Changes status, secret, policy, expiry, name or description (null clears). */
  async update(account: string, accessKey: string, update: ServiceAccountUpdate): Promise<void> {
    const current = await this.get(account, accessKey);
    validateServiceAccountInfo(update);
    this.#checkPolicy(update.policy);
    this.#checkExpiry(update.expiresAt);
    this.#capExpiry(current.parent.type, update.expiresAt, false);
    const patch: ServiceAccountPatch = {};
    if (update.status !== undefined) patch.status = update.status;
    if (update.policy !== undefined) patch.policy = update.policy;
    if (update.expiresAt !== undefined) patch.expiresAt = update.expiresAt;
    if (update.name !== undefined) patch.name = update.name;
    if (update.description !== undefined) patch.description = update.description;
    if (update.secretKey !== undefined) {
      patch.secretCiphertext = this.c.box.encrypt(
        validateSecretKey(update.secretKey),
        secretContext.serviceAccount(accessKey),
      );
    }
    await this.c.store.updateServiceAccount(accessKey, patch, this.c.clock.now());
    this.c.changed('serviceAccount', account, accessKey);
  }

  async delete(account: string, accessKey: string): Promise<void> {
    await this.get(account, accessKey);
    await this.c.store.deleteServiceAccount(accessKey);
    this.c.changed('serviceAccount', account, accessKey);
  }
}
