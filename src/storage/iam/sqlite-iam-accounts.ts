import { TesseraError } from '../../core/index.js';
import type { AccountHoldings, IamAccountRecord } from './account-types.js';
import { alreadyExists, deleteConflict, type IamDb } from './sqlite-iam-db.js';
import { accessKeyTaken } from './sqlite-iam-users.js';

/** Accounts (tenants): table iam_accounts (migration 12). */

const SELECT = 'SELECT * FROM iam_accounts';

interface AccountRow {
  id: string;
  name: string;
  root_access_key: string;
  root_secret: string;
  created_at: number;
}

function toAccount(r: AccountRow): IamAccountRecord {
  return {
    id: r.id,
    name: r.name,
    rootAccessKey: r.root_access_key,
    rootSecretCiphertext: r.root_secret,
    createdAt: r.created_at,
  };
}

function noSuchAccount(id: string): TesseraError {
  return new TesseraError('NoSuchEntity', `The account with id ${id.slice(0, 64)} cannot be found.`);
}

export function createAccount(d: IamDb, a: IamAccountRecord): void {
  d.write(() => {
    if (d.one(`${SELECT} WHERE id = ?`, a.id)) throw alreadyExists('account', a.id);
    if (d.one(`${SELECT} WHERE name = ?`, a.name)) throw alreadyExists('account', a.name);
    if (accessKeyTaken(d, a.rootAccessKey)) throw alreadyExists('access key', a.rootAccessKey);
    d.run(
      `INSERT INTO iam_accounts (id, name, root_access_key, root_secret, created_at) VALUES (?, ?, ?, ?, ?)`,
      a.id,
      a.name,
      a.rootAccessKey,
      a.rootSecretCiphertext,
      a.createdAt,
    );
    d.change('account', a.id, a.rootAccessKey);
  });
}

function one(d: IamDb, where: string, value: string): IamAccountRecord | undefined {
  const row = d.guard(() => d.one<AccountRow>(`${SELECT} WHERE ${where} = ?`, value));
  return row === undefined ? undefined : toAccount(row);
}

export function getAccount(d: IamDb, id: string): IamAccountRecord | undefined {
  return one(d, 'id', id);
}

export function getAccountByName(d: IamDb, name: string): IamAccountRecord | undefined {
  return one(d, 'name', name);
}

export function getAccountByAccessKey(d: IamDb, accessKey: string): IamAccountRecord | undefined {
  return one(d, 'root_access_key', accessKey);
}

export function listAccounts(d: IamDb): IamAccountRecord[] {
  return d.guard(() => d.all<AccountRow>(`${SELECT} ORDER BY name, id`)).map(toAccount);
}

function count(d: IamDb, table: string, id: string): number {
  return d.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE account = ?`, id)?.n ?? 0;
}

function holdings(d: IamDb, id: string): AccountHoldings {
  return {
    users: count(d, 'iam_users', id),
    groups: count(d, 'iam_groups', id),
    roles: count(d, 'iam_roles', id),
    policies: count(d, 'iam_policies', id),
    serviceAccounts: count(d, 'iam_service_accounts', id),
  };
}

export function accountHoldings(d: IamDb, id: string): AccountHoldings {
  return d.read(() => holdings(d, id));
}

export function deleteAccount(d: IamDb, id: string): void {
  d.write(() => {
    const row = d.one<AccountRow>(`${SELECT} WHERE id = ?`, id);
    if (row === undefined) throw noSuchAccount(id);
    const held = Object.entries(holdings(d, id)).filter(([, n]) => n > 0);
    if (held.length > 0) {
      const what = held.map(([k, n]) => `${n} ${k}`).join(', ');
      throw deleteConflict(`Cannot delete account ${row.name}: it still owns ${what}.`);
    }
    d.run('DELETE FROM iam_accounts WHERE id = ?', id);
    d.change('account', id, row.root_access_key);
  });
}
