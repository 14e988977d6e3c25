import type { Command } from 'commander';
import type { Connection } from './connection.js';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { fields, table } from './table.js';

/** MinIO's admin KMS calls (docs/encryption.md "Keys"). */
const KMS = '/minio/admin/v3/kms';

interface KeyInfo {
  name: string;
  createdAt?: string;
  createdBy?: string;
}

interface KeyStatus {
  'key-id': string;
  'encryption-error'?: string;
  'decryption-error'?: string;
}

const call = (c: Connection, method: string, path: string, params: Record<string, string> = {}) =>
  c.admin(method, `${KMS}/${path}`, params);

/**
 * `tessera admin kms key create|list|status ALIAS …` and `tessera admin kms status ALIAS`: the
 * built-in KMS's named keys (SSE-KMS), as `mc admin kms key …` manages MinIO's.
 */
export function registerKmsCommands(admin: Command, ctx: AdminContext): void {
  const kms = admin.command('kms').description('Manage the KMS keys of server-side encryption (SSE-KMS)');
  withJson(kms.command('status').description("show the KMS and its default key (SSE-S3's)"))
    .argument('<alias>')
    .action(
      ctx.action(async (alias: string, opts: JsonOption) => {
        const s = (await ctx.with(alias, (c) => call(c, 'GET', 'status'))) as Record<string, unknown>;
        ctx.emit(opts, s, () =>
          fields([
            ['KMS', String(s['name'] ?? '')],
            ['Default key', String(s['default-key-id'] ?? '')],
          ]),
        );
      }),
    );
  const key = kms.command('key').description('Create, list and check KMS keys');
  withJson(key.command('create').description('create a KMS key (its material derives from the master key)'))
    .argument('<alias>')
    .argument('<key>', 'the key name')
    .action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        await ctx.with(alias, (c) => call(c, 'POST', 'key/create', { 'key-id': name }));
        ctx.emit(opts, { key: name, created: true }, () => `Created KMS key ${name}\n`);
      }),
    );
  withJson(key.command('list').description('list the KMS keys (pattern: * matches any characters)'))
    .argument('<alias>')
    .argument('[pattern]', 'names to list', '*')
    .action(
      ctx.action(async (alias: string, pattern: string, opts: JsonOption) => {
        const keys = (await ctx.with(alias, (c) => call(c, 'GET', 'key/list', { pattern }))) as KeyInfo[];
        ctx.emit(opts, keys, () =>
          table(
            ['KEY', 'CREATED'],
            keys.map((k) => [k.name, k.createdBy === '' ? (k.createdAt ?? '') : 'default key']),
          ),
        );
      }),
    );
  withJson(key.command('status').description('check that a KMS key encrypts and decrypts'))
    .argument('<alias>')
    .argument('<key>', 'the key name')
    .action(
      ctx.action(async (alias: string, name: string, opts: JsonOption) => {
        const s = (await ctx.with(alias, (c) =>
          call(c, 'GET', 'key/status', { 'key-id': name }),
        )) as KeyStatus;
        ctx.emit(opts, s, () =>
          fields([
            ['Key', s['key-id']],
            ['Encryption', s['encryption-error'] ?? 'OK'],
            ['Decryption', s['decryption-error'] ?? 'OK'],
          ]),
        );
      }),
    );
}
