import { TesseraError } from '../core/index.js';
import type { IamStatus, IamUserRecord, ListPage, Tag } from '../storage/index.js';
import { type DirectoryContext, newEntityId, secretContext } from './context.js';
import { validateSecretKey, validateTags, validateUserName } from './names.js';

/** A user as the directory shows it: never the secret, only whether one is set. */
export interface IamUser {
  account: string;
  name: string;
  /** aws:userid, GetUser's UserId. */
  id: string;
  arn: string;
  /** The access key that signs as this user (= the user name). */
  accessKey: string;
  status: IamStatus;
  tags: Tag[];
  /** Whether the user can sign with its own secret (MinIO-style user) or only through access keys. */
  hasSecret: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface CreateUserInput {
  name: string;
  /** MinIO-style: the user signs with (name, secretKey). AWS-style users have none. */
  secretKey?: string;
  status?: IamStatus;
  tags?: Tag[];
}

/**
 * Users: AWS IAM semantics (UserName rules, case-insensitive uniqueness, DeleteConflict), with
 * MinIO's model of the access key being the user name and an optional secret.
 */
export class UserDirectory {
  constructor(private readonly c: DirectoryContext) {}

  view(r: IamUserRecord): IamUser {
    return {
      account: r.account,
      name: r.name,
      id: r.id,
      arn: this.c.arns.user(r.account, r.name),
      accessKey: r.accessKey,
      status: r.status,
      tags: r.tags,
      hasSecret: r.secretCiphertext !== undefined,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  /** @example await iam.users.create('', { name: 'alice', secretKey: 'alice-secret-1' }) */
  async create(account: string, input: CreateUserInput): Promise<IamUser> {
    const name = validateUserName(input.name);
    const tags = input.tags ?? [];
    validateTags(tags);
    if (tags.length > 50) throw new TesseraError('LimitExceeded', 'A user can have at most 50 tags.');
    if (name === this.c.rootAccessKey)
      throw new TesseraError('EntityAlreadyExists', `User with name ${name} already exists.`);
    const now = this.c.clock.now();
    const record: IamUserRecord = {
      account,
      name,
      id: newEntityId('AIDA'),
      // Access keys are global: another account's users sign as `<account id>.<name>` (docs/accounts.md).
      accessKey: account === '' ? name : `${account}.${name}`,
      status: input.status ?? 'enabled',
      tags: tags.map((t) => ({ key: t.key, value: t.value })),
      createdAt: now,
      updatedAt: now,
    };
    if (input.secretKey !== undefined) {
      record.secretCiphertext = this.c.box.encrypt(
        validateSecretKey(input.secretKey),
        secretContext.user(account, name),
      );
    }
    await this.c.store.createUser(record);
    this.c.changed('user', account, name);
    return this.view(record);
  }

  /** NoSuchEntity when missing. */
  async get(account: string, name: string): Promise<IamUser> {
    const r = await this.c.store.getUser(account, name);
    if (r === undefined)
      throw new TesseraError('NoSuchEntity', `The user with name ${name} cannot be found.`);
    return this.view(r);
  }

  async list(account: string, page?: ListPage): Promise<IamUser[]> {
    return (await this.c.store.listUsers(account, page)).map((r) => this.view(r));
  }

  /** Enables or disables; a disabled user's requests and service accounts stop at once. */
  async setStatus(account: string, name: string, status: IamStatus): Promise<void> {
    await this.c.store.updateUser(account, name, { status }, this.c.clock.now());
    this.c.changed('user', account, name);
  }

  /**
   * The user's own secret in clear (undefined: it has none). Only for MinIO's export-iam, whose
   * archive carries secrets as MinIO's does; never logged.
   */
  async exportSecret(account: string, name: string): Promise<string | undefined> {
    const r = await this.c.store.getUser(account, name);
    if (r?.secretCiphertext === undefined || r.secretCiphertext === null) return undefined;
    return this.c.box.decrypt(r.secretCiphertext, secretContext.user(r.account, r.name));
  }

  /** Sets (or with null removes) the user's own secret. */
  async setSecret(account: string, name: string, secretKey: string | null): Promise<void> {
    const user = await this.get(account, name);
    const secretCiphertext =
      secretKey === null
        ? null
        : this.c.box.encrypt(validateSecretKey(secretKey), secretContext.user(account, user.name));
    await this.c.store.updateUser(account, user.name, { secretCiphertext }, this.c.clock.now());
    this.c.changed('user', account, user.name);
  }

  /** Adds or replaces tags (keys case-insensitive); at most 50. */
  async tag(account: string, name: string, tags: Tag[]): Promise<void> {
    validateTags(tags);
    await this.c.store.tagUser(account, name, tags, this.c.clock.now());
    this.c.changed('user', account, name);
  }

  async untag(account: string, name: string, keys: string[]): Promise<void> {
    await this.c.store.untagUser(account, name, keys, this.c.clock.now());
    this.c.changed('user', account, name);
  }

  /**
   * AWS semantics: DeleteConflict while the user is in groups or has attached or inline policies
   * or service accounts. `cascade: true` is MinIO's `mc admin user remove`: all of it goes too.
   */
  async delete(account: string, name: string, opts: { cascade?: boolean } = {}): Promise<void> {
    await this.c.store.deleteUser(account, name, opts);
    this.c.changed('user', account, name);
  }
}
