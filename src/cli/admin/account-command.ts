import type { Command } from 'commander';
import { AdminError, type Connection } from './connection.js';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { fields, table } from './table.js';

/** The accounts endpoint under MinIO's admin prefix (docs/accounts.md). */
const ACCOUNTS_PATH = '/minio/admin/v3/tessera/accounts';

interface Account {
  id: string;
  name: string;
  rootAccessKey: string;
  rootSecretKey?: string;
  createdAt: number;
  owns?: Record<string, number>;
}

function isAccount(v: unknown): v is Account {
  const a = v as Account | null;
  return typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.name === 'string';
}

async function call(c: Connection, method: string, params: Record<string, string> = {}): Promise<unknown> {
  return c.admin(method, ACCOUNTS_PATH, params);
}

function expectAccount(v: unknown): Account {
  if (!isAccount(v))
    throw new AdminError('InvalidResponse', 'the server answered something else than an account');
  return v;
}

const created = (a: Account) =>
  new Date(a.createdAt)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');

/**
 * `tessera admin account add|list|info|remove ALIAS …` (deployment root only): accounts
 * (tenants), each with its own IAM namespace, buckets and root credentials. `add` prints the
 * root secret once; `remove` refuses while the account owns buckets or IAM entities.
 */
export function registerAccountCommands(admin: Command, ctx: AdminContext): void {
  const account = admin
    .command('account')
    .description('Manage accounts (tenants): each has its own root credentials, IAM users and buckets');

  withJson(account.command('add').description('create an account and its root credentials (shown once)'))
    .argument('<alias>')
    .argument('<name>')
    .action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        const a = expectAccount(await ctx.with(alias, (c) => call(c, 'POST', { name })));
        ctx.emit(
          opts,
          a,
          () =>
            fields([
              ['Account', a.name],
              ['Id', a.id],
              ['AccessKey', a.rootAccessKey],
              ['SecretKey', a.rootSecretKey],
            ]) + 'The secret key is shown only now: keep it.\n',
        );
      }),
    );

  withJson(account.command('list').description('list the accounts (not the default account)'))
    .argument('<alias>')
    .action(
      ctx.action(async (alias: string, opts: JsonOption) => {
        const r = (await ctx.with(alias, (c) => call(c, 'GET'))) as { accounts?: unknown[] } | null;
        const list = (r?.accounts ?? []).filter(isAccount);
        ctx.emit(opts, list, () =>
          table(
            ['NAME', 'ID', 'ROOT ACCESS KEY', 'CREATED'],
            list.map((a) => [a.name, a.id, a.rootAccessKey, created(a)]),
          ),
        );
      }),
    );

  withJson(account.command('info').description('show an account and what it owns'))
    .argument('<alias>')
    .argument('<name>', 'the account name (or id)')
    .action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        const a = expectAccount(await ctx.with(alias, (c) => call(c, 'GET', { name })));
        const owns = Object.entries(a.owns ?? {})
          .map(([k, n]) => `${n} ${k}`)
          .join(', ');
        ctx.emit(opts, a, () =>
          fields([
            ['Account', a.name],
            ['Id', a.id],
            ['AccessKey', a.rootAccessKey],
            ['Created', created(a)],
            ['Owns', owns],
          ]),
        );
      }),
    );

  withJson(account.command('remove').description('remove an account that owns no bucket and no IAM entity'))
    .argument('<alias>')
    .argument('<name>', 'the account name (or id)')
    .action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        const r = expectAccount(await ctx.with(alias, (c) => call(c, 'DELETE', { name })));
        ctx.emit(opts, r, () => `Removed account ${r.name} (${r.id}).\n`);
      }),
    );
}
