import type { Command } from 'commander';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { table } from './table.js';

/**
 * `tessera alias set|list|remove`, like mc's aliases: servers and credentials kept in
 * `<config dir>/config.json` (mode 0600). Secrets are printed only with `list --show-secrets`.
 */
export function registerAliasCommands(program: Command, ctx: AdminContext): void {
  const alias = program.command('alias').description('Manage server aliases (URL and credentials)');

  withJson(
    alias
      .command('set')
      .description('add or replace an alias')
      .argument('<name>', 'alias name, e.g. local')
      .argument('<url>', 'server URL, e.g. http://127.0.0.1:9000')
      .argument('<accessKey>', 'access key')
      .argument('<secretKey>', 'secret key'),
  ).action(
    ctx.action(async (name: string, url: string, accessKey: string, secretKey: string, opts: JsonOption) => {
      const store = ctx.aliases();
      store.set(name, { url, accessKey, secretKey });
      const saved = store.get(name);
      ctx.emit(
        opts,
        { alias: name, url: saved.url, accessKey },
        () => `Added alias ${name} (${saved.url}).\n`,
      );
    }),
  );

  withJson(
    alias
      .command('list')
      .alias('ls')
      .description('list aliases (secrets only with --show-secrets)')
      .option('--show-secrets', 'include the secret keys'),
  ).action(
    ctx.action(async (opts: JsonOption & { showSecrets?: boolean }) => {
      const rows = ctx
        .aliases()
        .list()
        .map(([name, a]) => ({
          alias: name,
          url: a.url,
          accessKey: a.accessKey,
          ...(opts.showSecrets ? { secretKey: a.secretKey } : {}),
        }));
      ctx.emit(opts, rows, () =>
        opts.showSecrets
          ? table(
              ['ALIAS', 'URL', 'ACCESS KEY', 'SECRET KEY'],
              rows.map((r) => [r.alias, r.url, r.accessKey, r.secretKey]),
            )
          : table(
              ['ALIAS', 'URL', 'ACCESS KEY'],
              rows.map((r) => [r.alias, r.url, r.accessKey]),
            ),
      );
    }),
  );

  withJson(alias.command('remove').alias('rm').description('remove an alias').argument('<name>')).action(
    ctx.action(async (name: string, opts: JsonOption) => {
      if (!ctx.aliases().remove(name)) throw new Error(`no alias "${name}"`);
      ctx.emit(opts, { alias: name, removed: true }, () => `Removed alias ${name}.\n`);
    }),
  );
}
