#!/usr/bin/env node
import { Command } from 'commander';
import { registerAuditCommands } from './audit-command.js';
import { registerCertsCommands } from './certs-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerPolicyCommands } from './policy-command.js';
import { serverCommand } from './server-command.js';

const program = new Command('tessera')
  .description('Tessera: S3-compatible object storage with zero-trust identity and access management')
  .version('0.1.0');

program
  .command('server')
  .description('run the S3 server on DATA_DIR (default ./data)')
  .argument('[DATA_DIR]', 'data directory')
  .option('--address <[host]:port>', 'address for the S3 API (default :9000, or TESSERA_ADDRESS)')
  .option('--read-header-timeout <duration>', 'time allowed for a request head (default 30s)')
  .option('--idle-timeout <duration>', 'close idle keep-alive connections after (default 30s)')
  .option('--stall-timeout <duration>', 'cut a request whose body or response stalls for (default 60s)')
  .option('--log-level <level>', 'error, warn, info (default) or debug')
  .option(
    '--certs-dir <dir>',
    'serve HTTPS with the certificates in DIR (MinIO layout; or TESSERA_CERTS_DIR)',
  )
  .option('--console-address <[host]:port>', 'address for the web console (default :9001; off disables it)')
  .action(serverCommand);

registerPolicyCommands(program);
registerAuditCommands(program);
registerCertsCommands(program);
registerMigrateCommand(program);
// The admin commands bring the AWS SDK's IAM client: the server (and each worker) never loads it.
if (process.argv[2] !== 'server') {
  const { registerAdminCommands } = await import('./admin/index.js');
  registerAdminCommands(program);
}

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`tessera: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
