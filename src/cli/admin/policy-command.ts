import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  paginateListEntitiesForPolicy,
  paginateListPolicyVersions,
} from '@aws-sdk/client-iam';
import type { Command } from 'commander';
import { AdminError, type Connection, describeError } from './connection.js';
import { type AdminContext, type JsonOption, shortDate, withJson } from './context.js';
import { allPolicies, collect, policyArn } from './lists.js';
import { registerSimulateCommand } from './simulate-command.js';
import { fields, table } from './table.js';

const isBuiltin = (arn: string | undefined) => arn?.includes(':aws:policy/') === true;

/**
 * `policy create` replaces an existing policy's document, as `mc admin policy create` does: a
 * new default version, after deleting the oldest other version when all five are taken.
 */
async function createPolicy(c: Connection, name: string, document: string): Promise<'created' | 'updated'> {
  try {
    await c.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }));
    return 'created';
  } catch (e) {
    if (describeError(e).code !== 'EntityAlreadyExists') throw e;
  }
  const arn = await policyArn(c.iam, name);
  const versions = await collect(
    paginateListPolicyVersions({ client: c.iam }, { PolicyArn: arn }),
    (p) => p.Versions,
  );
  const others = versions.filter((v) => !v.IsDefaultVersion);
  if (versions.length >= 5 && others.length > 0) {
    const oldest = others.reduce((a, b) =>
      (a.CreateDate?.getTime() ?? 0) <= (b.CreateDate?.getTime() ?? 0) ? a : b,
    );
    await c.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
  }
  await c.iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document, SetAsDefault: true }),
  );
  return 'updated';
}

async function policyInfo(c: Connection, name: string) {
  const arn = await policyArn(c.iam, name);
  const { Policy: p } = await c.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const { PolicyVersion: v } = await c.iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p!.DefaultVersionId }),
  );
  return {
    name: p!.PolicyName!,
    arn,
    type: isBuiltin(arn) ? 'built-in' : 'custom',
    defaultVersion: p!.DefaultVersionId!,
    attachments: p!.AttachmentCount ?? 0,
    created: p!.CreateDate?.toISOString(),
    updated: p!.UpdateDate?.toISOString(),
    document: JSON.parse(decodeURIComponent(v!.Document!)) as unknown,
  };
}

/** `policy remove`: the policy with all its versions (refused while attached). */
async function removePolicy(c: Connection, name: string): Promise<void> {
  const arn = await policyArn(c.iam, name);
  const versions = await collect(
    paginateListPolicyVersions({ client: c.iam }, { PolicyArn: arn }),
    (p) => p.Versions,
  );
  for (const v of versions.filter((x) => !x.IsDefaultVersion))
    await c.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId }));
  await c.iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
}

interface TargetOptions extends JsonOption {
  user?: string;
  group?: string;
}

function target(opts: TargetOptions): { user: string } | { group: string } {
  if ((opts.user === undefined) === (opts.group === undefined))
    throw new AdminError('InvalidInput', 'give exactly one of --user USER or --group GROUP');
  return opts.user !== undefined ? { user: opts.user } : { group: opts.group! };
}

async function attachOrDetach(
  c: Connection,
  attach: boolean,
  names: string[],
  opts: TargetOptions,
): Promise<void> {
  const t = target(opts);
  for (const name of names) {
    const PolicyArn = await policyArn(c.iam, name);
    if ('user' in t) {
      const input = { UserName: t.user, PolicyArn };
      await c.iam.send(attach ? new AttachUserPolicyCommand(input) : new DetachUserPolicyCommand(input));
    } else {
      const input = { GroupName: t.group, PolicyArn };
      await c.iam.send(attach ? new AttachGroupPolicyCommand(input) : new DetachGroupPolicyCommand(input));
    }
  }
}

/** `tessera admin policy create|list|info|remove|attach|detach|entities|simulate`. */
export function registerAdminPolicyCommands(admin: Command, ctx: AdminContext): void {
  const policy = admin.command('policy').description('Manage policies on a server');

  withJson(
    policy
      .command('create')
      .description('create a policy, or replace its document with a new default version')
      .argument('<alias>')
      .argument('<name>')
      .argument('<file>', 'policy JSON file'),
  ).action(
    ctx.action(async (alias: string, name: string, file: string, opts: JsonOption) => {
      const document = ctx.io.readFile(file);
      const result = await ctx.with(alias, (c) => createPolicy(c, name, document));
      ctx.emit(opts, { policy: name, [result]: true }, () =>
        result === 'created' ? `Created policy ${name}.\n` : `Updated policy ${name}.\n`,
      );
    }),
  );

  withJson(policy.command('list').alias('ls').description('list policies').argument('<alias>')).action(
    ctx.action(async (alias: string, opts: JsonOption) => {
      const rows = (await ctx.with(alias, (c) => allPolicies(c.iam))).map((p) => ({
        name: p.PolicyName!,
        type: isBuiltin(p.Arn) ? 'built-in' : 'custom',
        attachments: p.AttachmentCount ?? 0,
        arn: p.Arn!,
      }));
      ctx.emit(opts, rows, () =>
        table(
          ['NAME', 'TYPE', 'ATTACHED', 'ARN'],
          rows.map((r) => [r.name, r.type, r.attachments, r.arn]),
        ),
      );
    }),
  );

  withJson(
    policy
      .command('info')
      .description('show a policy and its document')
      .argument('<alias>')
      .argument('<name>'),
  ).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      const info = await ctx.with(alias, (c) => policyInfo(c, name));
      ctx.emit(opts, info, () => {
        const { document, created, updated, ...rest } = info;
        return `${fields([
          ['Name', rest.name],
          ['ARN', rest.arn],
          ['Type', rest.type],
          ['Default version', rest.defaultVersion],
          ['Attachments', rest.attachments],
          ['Created', shortDate(created)],
          ['Updated', shortDate(updated)],
        ])}\n${JSON.stringify(document, null, 2)}\n`;
      });
    }),
  );

  withJson(
    policy
      .command('remove')
      .alias('rm')
      .description('delete a policy (refused while attached)')
      .argument('<alias>')
      .argument('<name>'),
  ).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      await ctx.with(alias, (c) => removePolicy(c, name));
      ctx.emit(opts, { policy: name, removed: true }, () => `Removed policy ${name}.\n`);
    }),
  );

  for (const attach of [true, false]) {
    const verb = attach ? 'attach' : 'detach';
    withJson(
      policy
        .command(verb)
        .description(`${verb} policies ${attach ? 'to' : 'from'} a user or a group`)
        .argument('<alias>')
        .argument('<policies...>', 'policy names or ARNs')
        .option('--user <user>', 'the user')
        .option('--group <group>', 'the group'),
    ).action(
      ctx.action(async (alias: string, names: string[], opts: TargetOptions) => {
        await ctx.with(alias, (c) => attachOrDetach(c, attach, names, opts));
        const to = opts.user !== undefined ? `user ${opts.user}` : `group ${opts.group}`;
        ctx.emit(
          opts,
          { [`${verb}ed`]: names, ...target(opts) },
          () => `${attach ? 'Attached' : 'Detached'} ${names.join(', ')} ${attach ? 'to' : 'from'} ${to}.\n`,
        );
      }),
    );
  }

  withJson(
    policy
      .command('entities')
      .description('list the users and groups a policy is attached to')
      .argument('<alias>')
      .argument('<policy>'),
  ).action(
    ctx.action(async (alias: string, name: string, opts: JsonOption) => {
      const result = await ctx.with(alias, async (c) => {
        const PolicyArn = await policyArn(c.iam, name);
        const pages = paginateListEntitiesForPolicy({ client: c.iam }, { PolicyArn });
        const users: string[] = [];
        const groups: string[] = [];
        for await (const p of pages) {
          users.push(...(p.PolicyUsers ?? []).map((u) => u.UserName!));
          groups.push(...(p.PolicyGroups ?? []).map((g) => g.GroupName!));
        }
        return { policy: name, users, groups };
      });
      ctx.emit(opts, result, () =>
        table(
          ['TYPE', 'NAME'],
          [...result.users.map((u) => ['user', u]), ...result.groups.map((g) => ['group', g])],
        ),
      );
    }),
  );

  registerSimulateCommand(policy, ctx);
}
