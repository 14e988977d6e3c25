import type { Command } from 'commander';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { table } from './table.js';

/** Tessera's check route (docs/ldap.md "Administration"). */
const CHECK_PATH = '/minio/admin/v3/tessera/idp/ldap/check';

interface CheckOptions extends JsonOption {
  username?: string;
}

interface Step {
  step: string;
  ok: boolean;
  detail: string;
}

interface Report {
  directory: string;
  steps: Step[];
}

/**
 * `tessera admin idp ldap check ALIAS [DIRECTORY] [--username NAME]`: the server connects to the
 * directory, binds with its lookup account, runs the user search (for NAME when given) and the
 * group search, and says what works and what does not. Exits 1 when a step failed.
 */
export function registerLdapCheck(ldap: Command, ctx: AdminContext): void {
  withJson(
    ldap
      .command('check')
      .description('connect, bind and search a configured directory, step by step (default: every one)'),
  )
    .argument('<alias>')
    .argument('[directory]', 'the configuration name (default: every configured directory)')
    .option('--username <name>', 'look this user up (no password is sent)')
    .action(
      ctx.action(async (alias: string, directory: string | undefined, opts: CheckOptions) => {
        const params: Record<string, string> = {};
        if (directory !== undefined) params['directory'] = directory;
        if (opts.username !== undefined) params['username'] = opts.username;
        const r = (await ctx.with(alias, (c) => c.admin('GET', CHECK_PATH, params))) as {
          directories: Report[];
        };
        ctx.emit(opts, r, () =>
          r.directories
            .map(
              (d) =>
                `Directory ${d.directory}\n${table(
                  ['STEP', 'OK', 'DETAIL'],
                  d.steps.map((s) => [s.step, s.ok ? 'yes' : 'NO', s.detail]),
                )}`,
            )
            .join('\n'),
        );
        if (r.directories.some((d) => d.steps.some((s) => !s.ok))) ctx.io.exit(1);
      }),
    );
}
