import { TesseraError } from '../../core/index.js';
import type { AccountHoldings, IamAccountRecord } from './account-types.js';
import { alreadyExists, deleteConflict } from './iam-store-errors.js';
import type { PgIamDb, PgQueries } from './pg-iam-db.js';
import { accessKeyTaken } from './pg-iam-users.js';

/** Accounts (tenants): table iam_accounts. */

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

export function createAccount(d: PgIamDb, a: IamAccountRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await tx.one(`${SELECT} WHERE id = $1`, a.id)) throw alreadyExists('account', a.id);
    if (await tx.one(`${SELECT} WHERE lower(name) = lower($1)`, a.name))
      throw alreadyExists('account', a.name);
    if (await accessKeyTaken(tx, a.rootAccessKey)) throw alreadyExists('access key', a.rootAccessKey);
    await tx.run(
      `INSERT INTO iam_accounts (id, name, root_access_key, root_secret, created_at) VALUES ($1, $2, $3, $4, $5)`,
      a.id,
      a.name,
      a.rootAccessKey,
      a.rootSecretCiphertext,
      a.createdAt,
    );
    await tx.change('account', a.id, a.rootAccessKey);
  });
}

async function one(d: PgIamDb, where: string, value: string): Promise<IamAccountRecord | undefined> {
  const row = await d.one<AccountRow>(`${SELECT} WHERE ${where}`, value);
  return row === undefined ? undefined : toAccount(row);
}

export function getAccount(d: PgIamDb, id: string): Promise<IamAccountRecord | undefined> {
  return one(d, 'id = $1', id);
}

export function getAccountByName(d: PgIamDb, name: string): Promise<IamAccountRecord | undefined> {
  return one(d, 'lower(name) = lower($1)', name);
}

export function getAccountByAccessKey(d: PgIamDb, accessKey: string): Promise<IamAccountRecord | undefined> {
  return one(d, 'root_access_key = $1', accessKey);
}

export async function listAccounts(d: PgIamDb): Promise<IamAccountRecord[]> {
  return (await d.all<AccountRow>(`${SELECT} ORDER BY lower(name), id`)).map(toAccount);
}

async function holdings(q: PgQueries, id: string): Promise<AccountHoldings> {
  const row = await q.one<AccountHoldings>(
    `SELECT (SELECT count(*) FROM iam_users WHERE account = $1) AS users,
       (SELECT count(*) FROM iam_groups WHERE account = $1) AS groups,
       (SELECT count(*) FROM iam_roles WHERE account = $1) AS roles,
       (SELECT count(*) FROM iam_policies WHERE account = $1) AS policies,
       (SELECT count(*) FROM iam_service_accounts WHERE account = $1) AS "serviceAccounts"`,
    id,
  );
  return row!;
}

export function accountHoldings(d: PgIamDb, id: string): Promise<AccountHoldings> {
  return holdings(d, id);
}

export function deleteAccount(d: PgIamDb, id: string): Promise<void> {
  return d.write(async (tx) => {
    const row = await tx.one<AccountRow>(`${SELECT} WHERE id = $1`, id);
    if (row === undefined) throw noSuchAccount(id);
    const held = Object.entries(await holdings(tx, id)).filter(([, n]) => n > 0);
    if (held.length > 0) {
      const what = held.map(([k, n]) => `${n} ${k}`).join(', ');
      throw deleteConflict(`Cannot delete account ${row.name}: it still owns ${what}.`);
    }
    await tx.run('DELETE FROM iam_accounts WHERE id = $1', id);
    await tx.change('account', id, row.root_access_key);
  });
}
