import type { Command } from 'commander';
import { type AdminContext, type JsonOption, withJson } from './context.js';

interface RevokeOptions extends JsonOption {
  session?: string;
  role?: boolean;
  accessKey?: boolean;
}

/**
 * `tessera admin sts revoke ALIAS USER [--session ID]`: Tessera's RevokeSessions IAM action
 * (docs/sts.md "Revocation"). Without --session every session of USER (and of its access keys)
 * issued until now stops working; with it only that session (a session id or its temporary
 * access key id). `--role` names a role instead, `--access-key` an access key.
 */
export function registerStsCommands(admin: Command, ctx: AdminContext): void {
  const sts = admin.command('sts').description('Manage temporary credentials (STS sessions)');
  withJson(
    sts
      .command('revoke')
      .description("revoke a user's (or a role's, an access key's) temporary credentials, or one session")
      .argument('<alias>')
      .argument('<user>', 'the user name (a federated user too), or with --role / --access-key those')
      .option('--session <id>', 'only this session: its session id or temporary access key id (ASIA…)')
      .option('--role', 'USER names a role')
      .option('--access-key', 'USER is an access key id'),
  ).action(
    ctx.action(async (alias: string, who: string, opts: RevokeOptions) => {
      const param = opts.role ? 'RoleName' : opts.accessKey ? 'AccessKeyId' : 'UserName';
      const params: Record<string, string> = { [param]: who };
      if (opts.session !== undefined) params['SessionId'] = opts.session;
      const res = await ctx.with(alias, (c) => c.query('RevokeSessions', params));
      const before = String(res?.RevokedBefore ?? '');
      const value = {
        [param]: who,
        revokedBefore: before,
        ...(opts.session ? { session: opts.session } : {}),
      };
      ctx.emit(opts, value, () =>
        opts.session !== undefined
          ? `Revoked session ${opts.session} of ${who}.\n`
          : `Revoked the sessions of ${who} issued before ${before}.\n`,
      );
    }),
  );
}
