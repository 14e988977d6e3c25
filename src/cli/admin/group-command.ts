import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import type { Command } from 'commander';
import { AdminError, type Connection, describeError, type Xml } from './connection.js';
import { type AdminContext, enabledOf, type JsonOption, shortDate, withJson } from './context.js';
import { attachedToGroup, inlineOfGroup } from './lists.js';
import { fields, table } from './table.js';

/** GetGroup over every page of members: the group and its member names. */
async function getGroup(c: Connection, name: string): Promise<{ group: Xml; members: string[] }> {
  let group: Xml;
  const members: string[] = [];
  let marker: string | undefined;
  do {
    const r = await c.query('GetGroup', {
      GroupName: name,
      ...(marker === undefined ? {} : { Marker: marker }),
    });
    group = r.Group;
    members.push(...(r.Users?.member ?? []).map((u: Xml) => u.UserName as string));
    marker = r.IsTruncated === 'true' ? r.Marker : undefined;
  } while (marker !== undefined);
  return { group, members };
}

/** `group add`: creates the group if needed (as `mc admin group add`), then adds the members. */
async function addGroup(c: Connection, name: string, members: string[]): Promise<void> {
  try {
    await c.iam.send(new CreateGroupCommand({ GroupName: name }));
  } catch (e) {
    if (members.length === 0 || describeError(e).code !== 'EntityAlreadyExists') throw e;
  }
  for (const m of members) await c.iam.send(new AddUserToGroupCommand({ GroupName: name, UserName: m }));
}

/** `group remove` without members: an empty group is deleted with its policies, as mc does. */
async function deleteGroup(c: Connection, name: string): Promise<void> {
  const { group, members } = await getGroup(c, name);
  if (members.length > 0) {
    throw new AdminError(
      'DeleteConflict',
      `Group ${group.GroupName} has members (${members.join(', ')}): remove them first.`,
    );
  }
  for (const p of await attachedToGroup(c.iam, name))
    await c.iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn: p.PolicyArn }));
  for (const p of await inlineOfGroup(c.iam, name))
    await c.iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName: p }));
  await c.iam.send(new DeleteGroupCommand({ GroupName: name }));
}

/** `tessera admin group add|remove|list|info|enable|disable`. */
export function registerGroupCommands(admin: Command, ctx: AdminContext): void {
  const group = admin.command('group').description('Manage groups');

  withJson(
    group
      .command('add')
      .description('create a group and/or add members to it')
      .argument('<alias>')
      .argument('<group>')
      .argument('[members...]', 'user names to add'),
  ).action(
    ctx.action(async (alias: string, name: string, members: string[], opts: JsonOption) => {
      await ctx.with(alias, (c) => addGroup(c, name, members));
      ctx.emit(opts, { group: name, added: members }, () =>
        members.length === 0 ? `Added group ${name}.\n` : `Added ${members.join(', ')} to group ${name}.\n`,
      );
    }),
  );

  withJson(
    group
      .command('remove')
      .alias('rm')
      .description('remove members from a group; without members, delete the (empty) group')
      .argument('<alias>')
      .argument('<group>')
      .argument('[members...]', 'user names to remove'),
  ).action(
    ctx.action(async (alias: string, name: string, members: string[], opts: JsonOption) => {
      await ctx.with(alias, async (c) => {
        if (members.length === 0) return deleteGroup(c, name);
        for (const m of members)
          await c.iam.send(new RemoveUserFromGroupCommand({ GroupName: name, UserName: m }));
      });
      ctx.emit(opts, { group: name, removed: members.length === 0 ? true : members }, () =>
        members.length === 0
          ? `Removed group ${name}.\n`
          : `Removed ${members.join(', ')} from group ${name}.\n`,
      );
    }),
  );

  withJson(group.command('list').alias('ls').description('list groups').argument('<alias>')).action(
    ctx.action(async (alias: string, opts: JsonOption) => {
      const groups = await ctx.with(alias, (c) => c.queryAll('ListGroups', {}, 'Groups'));
      const rows = groups.map((g) => ({
        name: g.GroupName as string,
        status: enabledOf(g.Status),
        arn: g.Arn as string,
        created: g.CreateDate as string,
      }));
      ctx.emit(opts, rows, () =>
        table(
          ['NAME', 'STATUS', 'CREATED'],
          rows.map((r) => [r.name, r.status, shortDate(r.created)]),
        ),
      );
    }),
  );

  withJson(group.command('info').description('show a group').argument('<alias>').argument('<group>')).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      const info = await ctx.with(alias, async (c) => {
        const { group: g, members } = await getGroup(c, name);
        return {
          name: g.GroupName as string,
          status: enabledOf(g.Status),
          arn: g.Arn as string,
          created: g.CreateDate as string,
          members,
          policies: (await attachedToGroup(c.iam, g.GroupName)).map((p) => p.PolicyName!),
          inlinePolicies: await inlineOfGroup(c.iam, g.GroupName),
        };
      });
      ctx.emit(opts, info, () =>
        fields([
          ['Group', info.name],
          ['Status', info.status],
          ['ARN', info.arn],
          ['Created', shortDate(info.created)],
          ['Members', info.members],
          ['Policies', info.policies],
          ['Inline policies', info.inlinePolicies],
        ]),
      );
    }),
  );

  for (const [verb, status] of [
    ['enable', 'Active'],
    ['disable', 'Inactive'],
  ] as const) {
    withJson(
      group
        .command(verb)
        .description(`${verb} a group (a disabled group grants nothing)`)
        .argument('<alias>')
        .argument('<group>'),
    ).action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        await ctx.with(alias, (c) => c.query('UpdateGroup', { GroupName: name, Status: status }));
        ctx.emit(opts, { group: name, status: enabledOf(status) }, () => `Group ${name} is ${verb}d.\n`);
      }),
    );
  }
}
