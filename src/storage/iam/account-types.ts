/**
 * An account (tenant, docs/accounts.md): its own IAM namespace and buckets, and root credentials.
 * The default account ('') is not stored: its root is the deployment's configured root user.
 */
export interface IamAccountRecord {
  /** 12 decimal digits, random, never the default account's id. */
  id: string;
  /** Unique without regard to case; stored as given. */
  name: string;
  /** The account root's access key id (global, like every access key). */
  rootAccessKey: string;
  /** The root secret, encrypted as service-account secrets are. */
  rootSecretCiphertext: string;
  createdAt: number;
}

/** What an account still owns in IAM (remove refuses while any is non-zero; buckets are the metadata's). */
export interface AccountHoldings {
  users: number;
  groups: number;
  roles: number;
  policies: number;
  serviceAccounts: number;
}

/**
 * Accounts, unique by id and by name (case-insensitive). Mutations append an `account` change
 * (account = the id, name = the root access key) so every process drops the cached root credential.
 */
export interface AccountStore {
  /** EntityAlreadyExists when the id, the name or the access key is taken. */
  createAccount(account: IamAccountRecord): Promise<void>;
  getAccount(id: string): Promise<IamAccountRecord | undefined>;
  getAccountByName(name: string): Promise<IamAccountRecord | undefined>;
  getAccountByAccessKey(accessKey: string): Promise<IamAccountRecord | undefined>;
  /** By name (case-insensitive order). */
  listAccounts(): Promise<IamAccountRecord[]>;
  /** What the account owns in IAM. */
  accountHoldings(id: string): Promise<AccountHoldings>;
  /** DeleteConflict while it owns IAM entities; NoSuchEntity when missing. */
  deleteAccount(id: string): Promise<void>;
}
