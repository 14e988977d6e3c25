import type { Command } from 'commander';
import { AdminError, type Connection, type Xml } from './connection.js';
import { type AdminContext, type JsonOption, shortDate, withJson } from './context.js';
import { fields, table } from './table.js';

/**
 * `tessera admin svcacct …`: service accounts through the IAM API's access keys with Tessera's
 * extra parameters (Policy, Expiration, Name, Description, chosen AccessKeyId / SecretAccessKey)
 * and GetAccessKeyInfo. USER naming the alias's own access key means the caller itself (root's
 * own service accounts when the alias is root).
 */

function owner(c: Connection, user: string): Record<string, string> {
  return user === c.alias.accessKey ? {} : { UserName: user };
}

/** The key's details; its owner as the `UserName` parameter of later calls (none for root's keys). */
async function keyInfo(c: Connection, key: string): Promise<{ info: Xml; owner: Record<string, string> }> {
  const info = await c.query('GetAccessKeyInfo', { AccessKeyId: key });
  return { info, owner: info.UserName === undefined ? {} : { UserName: info.UserName } };
}

function infoJson(i: Xml) {
  return {
    accessKey: i.AccessKeyId as string,
    parent: (i.UserName as string | undefined) ?? 'root',
    parentArn: i.ParentArn as string,
    status: i.Status as string,
    name: i.Name as string | undefined,
    description: i.Description as string | undefined,
    expiration: i.Expiration as string | undefined,
    policy: i.Policy === undefined ? undefined : (JSON.parse(decodeURIComponent(i.Policy)) as unknown),
    created: i.CreateDate as string,
  };
}

interface AddOptions extends JsonOption {
  accessKey?: string;
  secretKey?: string;
  policy?: string;
  expiry?: string;
  name?: string;
  description?: string;
  ldapUser?: string;
}

/** `--ldap-user DN`: the LDAP user's directory user, provisioned if needed (docs/ldap.md). */
async function ldapParent(c: Connection, dn: string): Promise<string> {
  const r = (await c.admin('POST', '/minio/admin/v3/tessera/idp/ldap/user', { dn })) as {
    user?: unknown;
  } | null;
  if (typeof r?.user !== 'string')
    throw new AdminError('InvalidResponse', 'the server named no directory user');
  return r.user;
}

interface EditOptions extends JsonOption {
  policy?: string;
  removePolicy?: boolean;
  expiry?: string;
  status?: string;
  name?: string;
  description?: string;
  secretKey?: string;
}

/** UpdateAccessKey's parameters for `edit`; an empty --expiry / --name / --description removes it. */
function editParams(ctx: AdminContext, opts: EditOptions): Record<string, string> {
  if (opts.policy !== undefined && opts.removePolicy)
    throw new AdminError('InvalidInput', 'give --policy or --remove-policy, not both');
  const p: Record<string, string> = {};
  if (opts.policy !== undefined) p['Policy'] = ctx.io.readFile(opts.policy);
  if (opts.removePolicy) p['Policy'] = '';
  if (opts.expiry !== undefined) p['Expiration'] = opts.expiry === 'none' ? '' : opts.expiry;
  if (opts.name !== undefined) p['Name'] = opts.name;
  if (opts.description !== undefined) p['Description'] = opts.description;
  if (opts.secretKey !== undefined) p['SecretAccessKey'] = opts.secretKey;
  if (opts.status !== undefined) {
    if (opts.status !== 'enabled' && opts.status !== 'disabled')
      throw new AdminError('InvalidInput', '--status must be enabled or disabled');
    p['Status'] = opts.status === 'enabled' ? 'Active' : 'Inactive';
  }
  if (Object.keys(p).length === 0)
    throw new AdminError('InvalidInput', 'nothing to change: give at least one option');
  return p;
}

export function registerSvcacctCommands(admin: Command, ctx: AdminContext): void {
  const svc = admin
    .command('svcacct')
    .description('Manage service accounts (access keys of a user or of root)');

  withJson(
    svc
      .command('add')
      .description('add a service account; the secret is shown once')
      .argument('<alias>')
      .argument('[user]', "the parent user (the alias's own access key: the caller)")
      .option(
        '--ldap-user <dn>',
        "an LDAP user's DN instead of USER (its service accounts follow its directory status)",
      )
      .option('--access-key <key>', 'choose the access key')
      .option('--secret-key <secret>', 'choose the secret key')
      .option('--policy <file>', "embedded policy JSON file narrowing the parent's permissions")
      .option('--expiry <iso>', 'expiry time, ISO-8601 (e.g. 2030-01-01T00:00:00Z)')
      .option('--name <name>', 'name (up to 32 characters)')
      .option('--description <text>', 'description (up to 256 characters)'),
  ).action(
    ctx.action(async (alias: string, named: string | undefined, opts: AddOptions) => {
      if ((named === undefined) === (opts.ldapUser === undefined))
        throw new AdminError('InvalidInput', 'give exactly one of USER or --ldap-user DN');
      const params: Record<string, string> = {};
      if (opts.accessKey !== undefined) params['AccessKeyId'] = opts.accessKey;
      if (opts.secretKey !== undefined) params['SecretAccessKey'] = opts.secretKey;
      if (opts.policy !== undefined) params['Policy'] = ctx.io.readFile(opts.policy);
      if (opts.expiry !== undefined) params['Expiration'] = opts.expiry;
      if (opts.name !== undefined) params['Name'] = opts.name;
      if (opts.description !== undefined) params['Description'] = opts.description;
      const k = await ctx.with(alias, async (c) => {
        const user = named ?? (await ldapParent(c, opts.ldapUser!));
        const r = await c.query('CreateAccessKey', { ...owner(c, user), ...params });
        return r.AccessKey as Xml;
      });
      const out = {
        accessKey: k.AccessKeyId as string,
        secretKey: k.SecretAccessKey as string,
        parent: (k.UserName as string | undefined) ?? 'root',
        expiration: k.Expiration as string | undefined,
      };
      ctx.emit(opts, out, () =>
        fields([
          ['Access Key', out.accessKey],
          ['Secret Key', out.secretKey],
          ['Parent', out.parent],
          ['Expiration', out.expiration ?? 'never'],
        ]),
      );
    }),
  );

  withJson(
    svc
      .command('list')
      .alias('ls')
      .description("list a user's service accounts")
      .argument('<alias>')
      .argument('<user>'),
  ).action(
    ctx.action(async (alias: string, user: string, opts: JsonOption) => {
      const keys = await ctx.with(alias, (c) =>
        c.queryAll('ListAccessKeys', owner(c, user), 'AccessKeyMetadata'),
      );
      const rows = keys.map((k) => ({
        accessKey: k.AccessKeyId as string,
        status: k.Status as string,
        name: k.Name as string | undefined,
        expiration: k.Expiration as string | undefined,
        created: k.CreateDate as string,
      }));
      ctx.emit(opts, rows, () =>
        table(
          ['ACCESS KEY', 'STATUS', 'NAME', 'EXPIRES', 'CREATED'],
          rows.map((r) => [
            r.accessKey,
            r.status,
            r.name,
            r.expiration && shortDate(r.expiration),
            shortDate(r.created),
          ]),
        ),
      );
    }),
  );

  withJson(
    svc.command('info').description('show a service account').argument('<alias>').argument('<key>'),
  ).action(
    ctx.action(async (alias: string, key: string, opts: JsonOption) => {
      const i = infoJson((await ctx.with(alias, (c) => keyInfo(c, key))).info);
      ctx.emit(opts, i, () => {
        const head = fields([
          ['Access Key', i.accessKey],
          ['Parent', i.parent],
          ['Status', i.status],
          ['Name', i.name],
          ['Description', i.description],
          ['Expiration', i.expiration ?? 'never'],
          ['Created', shortDate(i.created)],
          ['Policy', i.policy === undefined ? "none (the parent's permissions)" : 'embedded'],
        ]);
        return i.policy === undefined ? head : `${head}\n${JSON.stringify(i.policy, null, 2)}\n`;
      });
    }),
  );

  withJson(
    svc
      .command('edit')
      .description('change a service account')
      .argument('<alias>')
      .argument('<key>')
      .option('--policy <file>', 'replace the embedded policy')
      .option('--remove-policy', "remove the embedded policy (the parent's permissions apply)")
      .option('--expiry <iso>', "new expiry (ISO-8601); 'none' removes it")
      .option('--status <status>', 'enabled or disabled')
      .option('--name <name>', "new name ('' removes it)")
      .option('--description <text>', "new description ('' removes it)")
      .option('--secret-key <secret>', 'new secret key'),
  ).action(
    ctx.action(async (alias: string, key: string, opts: EditOptions) => {
      const params = editParams(ctx, opts);
      await ctx.with(alias, async (c) => {
        const { owner: o } = await keyInfo(c, key);
        await c.query('UpdateAccessKey', { ...o, AccessKeyId: key, ...params });
      });
      ctx.emit(opts, { accessKey: key, updated: true }, () => `Updated service account ${key}.\n`);
    }),
  );

  withJson(
    svc
      .command('remove')
      .alias('rm')
      .description('delete a service account')
      .argument('<alias>')
      .argument('<key>'),
  ).action(
    ctx.action(async (alias: string, key: string, opts: JsonOption) => {
      await ctx.with(alias, async (c) => {
        const { owner: o } = await keyInfo(c, key);
        await c.query('DeleteAccessKey', { ...o, AccessKeyId: key });
      });
      ctx.emit(opts, { accessKey: key, removed: true }, () => `Removed service account ${key}.\n`);
    }),
  );
}
