import { randomInt } from 'node:crypto';
import { newAccessKeyId, newSecretKey, TesseraError } from '../core/index.js';
import type { AccountHoldings, IamAccountRecord } from '../storage/index.js';
import type { CachedAccount, IamCache } from './cache.js';
import { type DirectoryContext, secretContext } from './context.js';

/** An account as the admin API shows it (never its secret). */
export interface IamAccount {
  readonly id: string;
  readonly name: string;
  readonly rootAccessKey: string;
  readonly createdAt: number;
}

/** A new account with its root secret, shown once. */
export interface CreatedAccount extends IamAccount {
  readonly rootSecretKey: string;
}

/** Account names: 1–64 letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateAccountName(name: string): string {
  if (!NAME.test(name)) {
    throw new TesseraError(
      'ValidationError',
      'An account name has 1 to 64 letters, digits, ".", "_" or "-", and starts with a letter or digit.',
    );
  }
  return name;
}

function view(r: IamAccountRecord): IamAccount {
  return { id: r.id, name: r.name, rootAccessKey: r.rootAccessKey, createdAt: r.createdAt };
}

/** A random 12-digit id that does not start with 0 (AWS account ids are 12 digits). */
function newAccountId(): string {
  return String(randomInt(100_000, 1_000_000)) + String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Accounts (tenants, docs/accounts.md): each has its own IAM namespace, buckets and root
 * credentials. The default account ('') is the deployment's own and is not listed here.
 */
export class AccountDirectory {
  constructor(
    private readonly c: DirectoryContext,
    private readonly cache: IamCache,
  ) {}

  /** Creates an account with fresh root credentials; EntityAlreadyExists when the name is taken. */
  async create(name: string): Promise<CreatedAccount> {
    validateAccountName(name);
    if ((await this.c.store.getAccountByName(name)) !== undefined) {
      throw new TesseraError('EntityAlreadyExists', `Account with name ${name} already exists.`);
    }
    let id = newAccountId();
    while (id === this.c.arns.defaultAccountId || (await this.c.store.getAccount(id)) !== undefined) {
      id = newAccountId();
    }
    const rootAccessKey = newAccessKeyId();
    const rootSecretKey = newSecretKey();
    const record: IamAccountRecord = {
      id,
      name,
      rootAccessKey,
      rootSecretCiphertext: this.c.box.encrypt(rootSecretKey, secretContext.accountRoot(id)),
      createdAt: this.c.clock.now(),
    };
    await this.c.store.createAccount(record);
    this.c.changed('account', id, rootAccessKey);
    return { ...view(record), rootSecretKey };
  }

  async list(): Promise<IamAccount[]> {
    return (await this.c.store.listAccounts()).map(view);
  }

  /** By name (any case) or by id; NoSuchEntity when neither names one. */
  async get(nameOrId: string): Promise<IamAccount> {
    const found =
      (await this.c.store.getAccountByName(nameOrId)) ??
      (/^\d{12}$/.test(nameOrId) ? await this.c.store.getAccount(nameOrId) : undefined);
    if (found === undefined) {
      throw new TesseraError(
        'NoSuchEntity',
        `The account with name ${nameOrId.slice(0, 64)} cannot be found.`,
      );
    }
    return view(found);
  }

  holdings(id: string): Promise<AccountHoldings> {
    return this.c.store.accountHoldings(id);
  }

  /** DeleteConflict while it owns IAM entities (the caller checks buckets first). */
  async remove(id: string): Promise<void> {
    const found = await this.c.store.getAccount(id);
    await this.c.store.deleteAccount(id);
    if (found !== undefined) this.c.changed('account', id, found.rootAccessKey);
  }

  /**
   * The account's name and id for owners (DisplayName), cached; '' is the default account, named
   * `defaultName`. Undefined for an unknown (removed) account.
   */
  async info(account: string, defaultName: string): Promise<CachedAccount | undefined> {
    if (account === '') return { id: '', name: defaultName };
    const hit = this.cache.accounts.get(account);
    if (hit !== undefined) return hit ?? undefined;
    const version = this.cache.version;
    const found = await this.c.store.getAccount(account);
    const value = found === undefined ? null : { id: found.id, name: found.name };
    this.cache.fill(this.cache.accounts, account, value, version);
    return value ?? undefined;
  }
}
