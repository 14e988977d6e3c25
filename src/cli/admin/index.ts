import type { Command } from 'commander';
import { registerAccountCommands } from './account-command.js';
import { registerAliasCommands } from './alias-command.js';
import { AdminContext, type AdminIO, processIO } from './context.js';
import { registerGroupCommands } from './group-command.js';
import { registerLdapCheck } from './idp-ldap-check.js';
import { registerIdpLdapCommands } from './idp-ldap-command.js';
import { registerKmsCommands } from './kms-command.js';
import { registerAdminPolicyCommands } from './policy-command.js';
import { registerScanCommand } from './scan-command.js';
import { registerStsCommands } from './sts-command.js';
import { registerSvcacctCommands } from './svcacct-command.js';
import { registerUserCommands } from './user-command.js';

export type { AdminIO } from './context.js';

/**
 * Adds `tessera alias …` and `tessera admin user|group|policy|svcacct …`: a client of the IAM
 * Query API (docs/iam.md "Command line"); and `tessera admin scan` (docs/operations.md).
 * @example registerAdminCommands(program); await program.parseAsync(['admin', 'user', 'list', 'local'], { from: 'user' })
 */
export function registerAdminCommands(program: Command, io: AdminIO = processIO): void {
  const ctx = new AdminContext(io);
  registerAliasCommands(program, ctx);
  const admin = program
    .command('admin')
    .description(
      'Administer users, groups, policies and service accounts on a server, and scan its data (see `tessera alias`)',
    );
  registerUserCommands(admin, ctx);
  registerGroupCommands(admin, ctx);
  registerAdminPolicyCommands(admin, ctx);
  registerSvcacctCommands(admin, ctx);
  registerStsCommands(admin, ctx);
  registerScanCommand(admin, ctx);
  registerAccountCommands(admin, ctx);
  registerKmsCommands(admin, ctx);
  registerLdapCheck(registerIdpLdapCommands(admin, ctx), ctx);
}
