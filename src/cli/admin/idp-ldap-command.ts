import type { Command } from 'commander';
import { AdminError } from './connection.js';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { table } from './table.js';

/** MinIO's LDAP admin routes (docs/ldap.md "Administration"); bodies encrypted as madmin-go's. */
const ATTACH_PATH = '/minio/admin/v3/idp/ldap/policy/attach';
const DETACH_PATH = '/minio/admin/v3/idp/ldap/policy/detach';
const ENTITIES_PATH = '/minio/admin/v3/idp/ldap/policy-entities';

interface TargetOptions extends JsonOption {
  user?: string;
  group?: string;
}

interface EntitiesOptions extends JsonOption {
  user?: string;
  group?: string;
  policy?: string;
}

interface Entities {
  userMappings?: { user: string; policies: string[] }[];
  groupMappings?: { group: string; policies: string[] }[];
  policyMappings?: { policy: string; users: string[]; groups: string[] }[];
}

/** madmin-go's PolicyAssociationReq (sent encrypted, as madmin-go sends it). */
function associationBody(policies: string[], opts: TargetOptions): object {
  if ((opts.user === undefined) === (opts.group === undefined))
    throw new AdminError('InvalidInput', 'give exactly one of --user DN or --group DN');
  return opts.user !== undefined ? { policies, user: opts.user } : { policies, group: opts.group };
}

function entitiesTable(e: Entities): string {
  const rows: string[][] = [];
  for (const m of e.userMappings ?? []) rows.push(['user', m.user, m.policies.join(', ')]);
  for (const m of e.groupMappings ?? []) rows.push(['group', m.group, m.policies.join(', ')]);
  for (const m of e.policyMappings ?? []) {
    for (const u of m.users) rows.push(['policy', m.policy, `user ${u}`]);
    for (const g of m.groups) rows.push(['policy', m.policy, `group ${g}`]);
  }
  return table(['KIND', 'ENTITY', 'MAPPED'], rows);
}

/**
 * `tessera admin idp ldap policy attach|detach ALIAS POLICY… --user DN | --group DN` and
 * `… policy entities ALIAS [--user DN] [--group DN] [--policy P]` (MinIO's `mc idp ldap policy`).
 * Returns the `idp ldap` command, for its other subcommands (`check`).
 */
export function registerIdpLdapCommands(admin: Command, ctx: AdminContext): Command {
  const ldap = admin
    .command('idp')
    .description('Identity providers')
    .command('ldap')
    .description('LDAP / Active Directory: policies mapped to user and group DNs');
  const policy = ldap.command('policy').description('Map policies to LDAP user and group DNs');

  for (const attach of [true, false]) {
    withJson(
      policy
        .command(attach ? 'attach' : 'detach')
        .description(
          attach ? 'map policies to a user or group DN' : 'remove policies from a user or group DN',
        ),
    )
      .argument('<alias>')
      .argument('<policies...>')
      .option('--user <dn>', 'an LDAP user DN')
      .option('--group <dn>', 'an LDAP group DN')
      .action(
        ctx.action(async (alias: string, policies: string[], opts: TargetOptions) => {
          const body = associationBody(policies, opts);
          const r = (await ctx.with(alias, (c) =>
            c.adminEncrypted('POST', attach ? ATTACH_PATH : DETACH_PATH, {}, body),
          )) as { policiesAttached?: string[]; policiesDetached?: string[] } | null;
          const changed = (attach ? r?.policiesAttached : r?.policiesDetached) ?? [];
          const who = opts.user !== undefined ? `user ${opts.user}` : `group ${opts.group}`;
          ctx.emit(opts, r, () =>
            changed.length === 0
              ? `Nothing changed for ${who}.\n`
              : `${attach ? 'Attached' : 'Detached'} ${changed.join(', ')} ${attach ? 'to' : 'from'} ${who}.\n`,
          );
        }),
      );
  }

  withJson(policy.command('entities').description('list mappings (of a user, a group, a policy, or all)'))
    .argument('<alias>')
    .option('--user <dn>', 'an LDAP user DN')
    .option('--group <dn>', 'an LDAP group DN')
    .option('--policy <name>', 'a policy')
    .action(
      ctx.action(async (alias: string, opts: EntitiesOptions) => {
        const params: Record<string, string> = {};
        if (opts.user !== undefined) params['user'] = opts.user;
        if (opts.group !== undefined) params['group'] = opts.group;
        if (opts.policy !== undefined) params['policy'] = opts.policy;
        const r = ((await ctx.with(alias, (c) => c.adminEncrypted('GET', ENTITIES_PATH, params))) ??
          {}) as Entities;
        ctx.emit(opts, r, () => entitiesTable(r));
      }),
    );
  return ldap;
}
