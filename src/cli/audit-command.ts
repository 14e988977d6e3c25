import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type AuditFilter,
  type AuditKey,
  deriveAuditKey,
  queryFiles,
  type StoredEntry,
  verifyFiles,
} from '../audit/index.js';
import { loadMasterKey } from '../iam/index.js';
import { table } from './admin/table.js';

/** Where the audit commands write; replaced in tests. */
export interface AuditCommandIO {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  env: Record<string, string | undefined>;
}

const processIO: AuditCommandIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  exit: (c) => {
    process.exitCode = c;
  },
  env: process.env,
};

/** FILE arguments: files as given; a directory stands for its `*.jsonl` files. */
export function auditPaths(args: readonly string[]): string[] {
  return args.flatMap((a) =>
    existsSync(a) && statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.jsonl'))
          .sort()
          .map((f) => join(a, f))
      : [a],
  );
}

/**
 * The checkpoint key: from TESSERA_KMS_SECRET_KEY (MINIO_KMS_SECRET_KEY) when set, else from the
 * key file of `--data-dir` when it exists (never created here); none: signatures are not checked.
 */
function auditKeys(dataDir: string | undefined, env: AuditCommandIO['env']): AuditKey[] {
  const fromEnv = (env.TESSERA_KMS_SECRET_KEY ?? env.MINIO_KMS_SECRET_KEY ?? '') !== '';
  if (!fromEnv && (dataDir === undefined || !existsSync(join(dataDir, '.tessera', 'master.key')))) return [];
  const master = loadMasterKey(dataDir ?? '.', env);
  return [deriveAuditKey(master.id, master.key)];
}

interface QueryOptions {
  principal?: string;
  accessKey?: string;
  action?: string;
  bucket?: string;
  prefix?: string;
  decision?: string;
  reason?: string;
  since?: string;
  until?: string;
  json?: boolean;
  explain?: boolean;
}

function filterOf(o: QueryOptions): AuditFilter {
  if (o.decision !== undefined && !['allow', 'deny', 'none'].includes(o.decision))
    throw new Error(`--decision must be allow, deny or none (got "${o.decision}")`);
  const f: AuditFilter = {};
  if (o.principal !== undefined) f.principal = o.principal;
  if (o.accessKey !== undefined) f.accessKey = o.accessKey;
  if (o.action !== undefined) f.action = o.action;
  if (o.bucket !== undefined) f.bucket = o.bucket;
  if (o.prefix !== undefined) f.objectPrefix = o.prefix;
  if (o.decision !== undefined) f.decision = o.decision as 'allow' | 'deny' | 'none';
  if (o.reason !== undefined) f.reason = o.reason;
  if (o.since !== undefined) f.since = o.since;
  if (o.until !== undefined) f.until = o.until;
  return f;
}

const HEAD = ['TIME', 'PRINCIPAL', 'API', 'RESOURCE', 'STATUS', 'DECISION', 'REASON'];

function row(e: StoredEntry): unknown[] {
  const who = e.auth.accessKey ?? (e.auth.outcome === 'anonymous' ? 'anonymous' : undefined);
  const resource =
    e.api.bucket === undefined ? undefined : `${e.api.bucket}${e.api.object ? `/${e.api.object}` : ''}`;
  return [
    e.time,
    who,
    e.api.name,
    resource,
    e.api.statusCode,
    e.authz.decision,
    e.authz.reason ?? e.auth.failureReason,
  ];
}

/** The deciding statements of a denied request (--explain). */
function explain(e: StoredEntry): string {
  const lines = [
    `${e.time}  ${e.requestID}  ${e.api.name}  ${row(e)[3] ?? '-'}  ${e.auth.principalArn ?? e.auth.accessKey ?? 'anonymous'}`,
  ];
  if (e.auth.outcome === 'failure') lines.push(`  authentication failed: ${e.auth.failureReason ?? '-'}`);
  else {
    lines.push(`  decision: ${e.authz.decision} (${e.authz.reason ?? '-'})`);
    for (const [i, a] of (e.authz.actions ?? []).entries())
      lines.push(`  checked: ${a} on ${e.authz.resources?.[i] ?? '-'}`);
    const st = e.authz.statements ?? [];
    if (st.length === 0) lines.push('  no statement allowed it (implicit deny)');
    for (const s of st)
      lines.push(`  ${s.effect} by ${s.policy} statement #${s.index}${s.sid ? ` (Sid ${s.sid})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Adds `audit verify FILE…` and `audit query FILE…` (docs/audit.md "Command line").
 * @example registerAuditCommands(program); await program.parseAsync(['audit', 'verify', 'audit.jsonl'], { from: 'user' })
 */
export function registerAuditCommands(program: Command, io: AuditCommandIO = processIO): void {
  const audit = program.command('audit').description('Verify and search audit trail files');

  audit
    .command('verify')
    .description('Check the hash chains and checkpoints of audit files; exit 1 at the first problem')
    .argument('<files...>', 'audit files (a directory: its *.jsonl files)')
    .option('--data-dir <dir>', 'the server data directory whose master key checks checkpoint signatures')
    .action(async (files: string[], o: { dataDir?: string }) => {
      const keys = auditKeys(o.dataDir, io.env);
      const r = await verifyFiles(auditPaths(files), { keys });
      if (!r.ok) {
        io.out(`${r.problem!.file}:${r.problem!.line}: ${r.problem!.message}\n`);
        io.exit(1);
        return;
      }
      io.out(`ok: ${r.entries} entries, ${r.checkpoints} checkpoints\n`);
      if (r.dropped > 0) io.out(`note: the writers recorded ${r.dropped} dropped entries\n`);
      if (keys.length === 0 && r.checkpoints > 0)
        io.out(
          'note: checkpoint signatures not checked (no master key: pass --data-dir or set TESSERA_KMS_SECRET_KEY)\n',
        );
      for (const n of r.notes) io.out(`note: ${n}\n`);
      io.exit(0);
    });

  audit
    .command('query')
    .description('Search audit files: a table, JSON lines (--json), or the deciding statements (--explain)')
    .argument('<files...>', 'audit files (a directory: its *.jsonl files)')
    .option('--principal <who>', 'access key, parent user or principal ARN (or part of one)')
    .option('--access-key <key>', 'the access key used')
    .option('--action <name>', 'API name (GetObject) or action checked (s3:GetObject)')
    .option('--bucket <name>', 'bucket')
    .option('--prefix <prefix>', 'object key prefix')
    .option('--decision <decision>', 'allow, deny or none')
    .option(
      '--reason <reason>',
      'explicitDeny, implicitDeny, allowed, root, anonymous-denied, bad-signature, …',
    )
    .option('--since <iso>', 'from this time (inclusive)')
    .option('--until <iso>', 'until this time (inclusive)')
    .option('--json', 'one JSON entry per line')
    .option('--explain', 'the deciding statements of each denied request')
    .action(async (files: string[], o: QueryOptions) => {
      const filter = filterOf(o);
      if (o.explain === true && filter.decision === undefined) filter.decision = 'deny';
      const rows: unknown[][] = [];
      for await (const { file: _f, line: _l, ...e } of queryFiles(auditPaths(files), filter)) {
        if (o.json === true) io.out(`${JSON.stringify(e)}\n`);
        else if (o.explain === true) io.out(explain(e));
        else rows.push(row(e));
      }
      if (o.json !== true && o.explain !== true) io.out(table(HEAD, rows));
      io.exit(0);
    });
}
