import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  RemoveUserFromGroupCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import type { Command } from 'commander';
import { type Connection, describeError } from './connection.js';
import { type AdminContext, enabledOf, type JsonOption, shortDate, withJson } from './context.js';
import { accessKeysOf, attachedToUser, groupsOfUser, inlineOfUser } from './lists.js';
import { fields, table } from './table.js';

const codeOf = (e: unknown) => describeError(e).code;

/** Sets the user's own secret (a login profile): creates it, or replaces the existing one. */
async function setSecret(c: Connection, user: string, secret: string): Promise<void> {
  try {
    await c.iam.send(new CreateLoginProfileCommand({ UserName: user, Password: secret }));
  } catch (e) {
    if (codeOf(e) !== 'EntityAlreadyExists') throw e;
    await c.iam.send(new UpdateLoginProfileCommand({ UserName: user, Password: secret }));
  }
}

/**
 * `user add`: CreateUser, then with SECRET CreateLoginProfile (the user signs as NAME / SECRET,
 * MinIO-style). As `mc admin user add`, adding an existing user with a SECRET sets its secret;
 * a new user whose secret is refused is deleted again.
 */
async function addUser(
  c: Connection,
  name: string,
  secret: string | undefined,
): Promise<'created' | 'updated'> {
  try {
    await c.iam.send(new CreateUserCommand({ UserName: name }));
  } catch (e) {
    if (secret === undefined || codeOf(e) !== 'EntityAlreadyExists') throw e;
    await setSecret(c, name, secret);
    return 'updated';
  }
  if (secret !== undefined) {
    try {
      await setSecret(c, name, secret);
    } catch (e) {
      await c.iam.send(new DeleteUserCommand({ UserName: name })).catch(() => undefined);
      throw e;
    }
  }
  return 'created';
}

/** `user remove`, lenient as `mc admin user remove`: groups, policies and access keys go with the user. */
async function removeUser(c: Connection, name: string): Promise<void> {
  await c.query('GetUser', { UserName: name });
  for (const g of await groupsOfUser(c.iam, name))
    await c.iam.send(new RemoveUserFromGroupCommand({ GroupName: g, UserName: name }));
  for (const p of await attachedToUser(c.iam, name))
    await c.iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: p.PolicyArn }));
  for (const p of await inlineOfUser(c.iam, name))
    await c.iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: p }));
  for (const k of await accessKeysOf(c.iam, name))
    await c.iam.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: k }));
  await c.iam.send(new DeleteUserCommand({ UserName: name }));
}

async function userInfo(c: Connection, name: string) {
  const { User: u } = await c.query('GetUser', { UserName: name });
  const hasSecret = await c.iam.send(new GetLoginProfileCommand({ UserName: u.UserName })).then(
    () => true,
    (e) => {
      if (codeOf(e) === 'NoSuchEntity') return false;
      throw e;
    },
  );
  const tags: { Key: string; Value: string }[] = u.Tags?.member ?? [];
  return {
    name: u.UserName as string,
    status: enabledOf(u.Status),
    arn: u.Arn as string,
    userId: u.UserId as string,
    created: u.CreateDate as string,
    secret: hasSecret,
    groups: await groupsOfUser(c.iam, u.UserName),
    policies: (await attachedToUser(c.iam, u.UserName)).map((p) => p.PolicyName!),
    inlinePolicies: await inlineOfUser(c.iam, u.UserName),
    tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value ?? ''])),
  };
}

/** `tessera admin user add|list|info|enable|disable|remove`. */
export function registerUserCommands(admin: Command, ctx: AdminContext): void {
  const user = admin.command('user').description('Manage users');

  withJson(
    user
      .command('add')
      .description(
        'add a user; with SECRET it signs as NAME / SECRET (MinIO-style), else only with access keys',
      )
      .argument('<alias>')
      .argument('<name>')
      .argument('[secret]', 'the secret key (8-128 characters)'),
  ).action(
    ctx.action(async (alias: string, name: string, secret: string | undefined, opts: JsonOption) => {
      const result = await ctx.with(alias, (c) => addUser(c, name, secret));
      ctx.emit(opts, { user: name, [result]: true, secret: secret !== undefined }, () =>
        result === 'created' ? `Added user ${name}.\n` : `Set the secret of user ${name}.\n`,
      );
    }),
  );

  withJson(user.command('list').alias('ls').description('list users').argument('<alias>')).action(
    ctx.action(async (alias: string, opts: JsonOption) => {
      const users = await ctx.with(alias, (c) => c.queryAll('ListUsers', {}, 'Users'));
      const rows = users.map((u) => ({
        name: u.UserName as string,
        status: enabledOf(u.Status),
        arn: u.Arn as string,
        created: u.CreateDate as string,
      }));
      ctx.emit(opts, rows, () =>
        table(
          ['NAME', 'STATUS', 'CREATED'],
          rows.map((r) => [r.name, r.status, shortDate(r.created)]),
        ),
      );
    }),
  );

  withJson(user.command('info').description('show a user').argument('<alias>').argument('<name>')).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      const info = await ctx.with(alias, (c) => userInfo(c, name));
      ctx.emit(opts, info, () =>
        fields([
          ['Name', info.name],
          ['Status', info.status],
          ['ARN', info.arn],
          ['User ID', info.userId],
          ['Created', shortDate(info.created)],
          ['Secret', info.secret ? 'set' : 'none (signs only with access keys)'],
          ['Groups', info.groups],
          ['Policies', info.policies],
          ['Inline policies', info.inlinePolicies],
          ['Tags', Object.entries(info.tags).map(([k, v]) => `${k}=${v}`)],
        ]),
      );
    }),
  );

  for (const [verb, status] of [
    ['enable', 'Active'],
    ['disable', 'Inactive'],
  ] as const) {
    withJson(user.command(verb).description(`${verb} a user`).argument('<alias>').argument('<name>')).action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        await ctx.with(alias, (c) => c.query('UpdateUser', { UserName: name, Status: status }));
        ctx.emit(opts, { user: name, status: enabledOf(status) }, () => `User ${name} is ${verb}d.\n`);
      }),
    );
  }

  withJson(
    user
      .command('remove')
      .alias('rm')
      .description('remove a user with its group memberships, policies and access keys')
      .argument('<alias>')
      .argument('<name>'),
  ).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      await ctx.with(alias, (c) => removeUser(c, name));
      ctx.emit(opts, { user: name, removed: true }, () => `Removed user ${name}.\n`);
    }),
  );
}
