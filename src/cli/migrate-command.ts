import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  type MigrationProgress,
  type MigrationReport,
  MigrationStopped,
  migrateToPostgres,
  redactText,
  redactUrl,
} from '../storage/index.js';
import { table } from './admin/table.js';
import { envValue } from './config.js';

/**
 * `tessera migrate [DATA_DIR] --to postgres://… [--dry-run] [--yes]` (docs/migrate.md): an
 * embedded deployment's metadata and IAM into PostgreSQL for shared mode. Exit codes: 0 done
 * (or, with --dry-run, it would be done), 1 failed (nothing committed), 2 refused (a safety
 * check; nothing written), 3 verification found a difference (rolled back, nothing committed).
 */
export const EXIT = { ok: 0, failed: 1, refused: 2, mismatch: 3 } as const;

/** Where the command reads and writes; replaced in tests. */
export interface MigrateIO {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: a progress bar instead of progress lines. */
  errIsTty: boolean;
  /** Asks on the terminal; undefined when stdin is not one. */
  ask?: (question: string) => Promise<string>;
}

const processIO: MigrateIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  exit: (c) => {
    process.exitCode = c;
  },
  env: process.env,
  errIsTty: process.stderr.isTTY === true,
  ...(process.stdin.isTTY === true
    ? {
        ask: async (q: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return await rl.question(q);
          } finally {
            rl.close();
          }
        },
      }
    : {}),
};

interface MigrateFlags {
  to?: string;
  dryRun?: boolean;
  yes?: boolean;
  tlsCa?: string;
}

export function registerMigrateCommand(program: Command, io: MigrateIO = processIO): void {
  program
    .command('migrate')
    .description(
      "move an embedded deployment's metadata and IAM into an empty PostgreSQL database (shared mode); blobs stay in DATA_DIR",
    )
    .argument('[DATA_DIR]', 'data directory (default TESSERA_DATA_DIR or ./data)')
    .option('--to <url>', 'postgres://user:password@host:port/database (default TESSERA_METADATA_URL)')
    .option('--dry-run', 'check both sides and count what would move; write nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--tls-ca <file>', "PEM of the database's CA, verify-full (default TESSERA_METADATA_TLS_CA)")
    .addHelpText(
      'after',
      '\nExit codes: 0 migrated and verified (dry run: would be), 1 failed (nothing committed),\n' +
        '2 refused by a safety check (nothing written), 3 verification found a difference (rolled back).\n' +
        'Stop every server on DATA_DIR first; the target must be an empty database. See docs/migrate.md.\n',
    )
    .action((dir: string | undefined, flags: MigrateFlags) => migrateCommand(dir, flags, io));
}

export async function migrateCommand(
  dir: string | undefined,
  flags: MigrateFlags,
  io: MigrateIO,
): Promise<void> {
  const url = flags.to ?? envValue(io.env, 'TESSERA_METADATA_URL');
  const fail = (code: number, message: string) => {
    io.err(`tessera migrate: ${url === undefined ? message : redactText(message, url)}\n`);
    io.exit(code);
  };
  if (url === undefined) return fail(EXIT.failed, 'give the target database: --to postgres://…');
  if (!isPostgresUrl(url)) return fail(EXIT.failed, '--to must be a postgres:// (or postgresql://) URL');
  const dataDir = resolve(dir ?? envValue(io.env, 'TESSERA_DATA_DIR') ?? './data');
  const caFile = flags.tlsCa ?? envValue(io.env, 'TESSERA_METADATA_TLS_CA');
  let tlsCa: string | undefined;
  try {
    if (caFile !== undefined) tlsCa = readFileSync(caFile, 'utf8');
  } catch (e) {
    return fail(EXIT.failed, `cannot read the CA file ${caFile}: ${(e as Error).message}`);
  }
  const dryRun = flags.dryRun === true;
  if (!dryRun && flags.yes !== true) {
    const question = `Move the metadata and IAM of ${dataDir} into ${redactUrl(url)}? [y/N] `;
    if (io.ask === undefined)
      return fail(EXIT.refused, 'not a terminal: add --yes to migrate without asking');
    if (!/^y(es)?$/i.test((await io.ask(question)).trim())) return fail(EXIT.refused, 'not confirmed');
  }
  const progress = new ProgressView(io);
  try {
    const report = await migrateToPostgres({
      dataDir,
      url,
      dryRun,
      onProgress: (p) => progress.show(p),
      ...(tlsCa === undefined ? {} : { tlsCa }),
    });
    progress.end();
    io.out(redactText(summary(report), url));
    io.exit(EXIT.ok);
  } catch (e) {
    progress.end();
    if (!(e instanceof MigrationStopped))
      return fail(EXIT.failed, e instanceof Error ? e.message : String(e));
    if (e.report !== undefined) io.out(redactText(summary(e.report), url));
    fail(EXIT[e.reason], e.message);
  }
}

function isPostgresUrl(url: string): boolean {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Progress on stderr: a bar redrawn in place on a terminal, else a line per table (and per 10 %). */
class ProgressView {
  readonly #io: MigrateIO;
  #drawn = false;
  #lastDraw = 0;
  #milestone = new Map<string, number>();

  constructor(io: MigrateIO) {
    this.#io = io;
  }

  show(p: MigrationProgress): void {
    const label = `${p.phase === 'copy' ? 'copying' : 'verifying'} ${p.table}`;
    const finished = p.done >= p.total;
    if (this.#io.errIsTty) {
      const now = Date.now();
      if (!finished && now - this.#lastDraw < 100) return;
      this.#lastDraw = now;
      const width = 30;
      const filled = p.total === 0 ? width : Math.floor((width * p.done) / p.total);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      this.#io.err(`\r\x1b[K${label.padEnd(36)} ${bar} ${p.done}/${p.total}${finished ? '\n' : ''}`);
      this.#drawn = !finished;
      return;
    }
    const key = `${p.phase} ${p.table}`;
    const step = finished ? 10 : p.total >= 10_000 ? Math.floor((10 * p.done) / p.total) : 0;
    if (step <= (this.#milestone.get(key) ?? 0)) return;
    this.#milestone.set(key, step);
    this.#io.err(`${label}: ${p.done}/${p.total} rows\n`);
  }

  end(): void {
    if (this.#drawn) this.#io.err('\n');
    this.#drawn = false;
  }
}

/** The final summary (stdout): per table rows and verification, totals, what to do next. */
export function summary(r: MigrationReport): string {
  const rows = r.tables.map((t) => [
    t.store,
    t.table,
    t.rows,
    r.dryRun
      ? '-'
      : t.targetRows === t.rows && t.targetDigest === t.digest
        ? 'verified'
        : `DIFFERS (${t.targetRows ?? '?'} rows)`,
  ]);
  const total = (s: string) => r.tables.filter((t) => t.store === s).reduce((n, t) => n + t.rows, 0);
  const head = r.dryRun
    ? `Dry run: nothing was written. ${r.dataDir} → ${r.target}\n` +
      `The target is reachable and empty (schema: ${versions(r)}).\n`
    : `${r.dataDir} → ${r.target}\n`;
  const totals =
    `metadata: ${total('metadata')} rows, IAM: ${total('iam')} rows; ` +
    `change feed at ${r.feed.seq} (pruned through ${r.feed.prunedThrough})\n`;
  const tail = r.dryRun
    ? 'Would copy these rows (blobs stay in the data directory).\n'
    : r.mismatches.length > 0
      ? 'Verification failed: nothing was committed.\n'
      : 'Copied and verified (row counts and digests equal on both sides).\n' +
        `Next: start the servers with TESSERA_METADATA_URL and TESSERA_DATA_DIR=${r.dataDir};\n` +
        'never start a server on this directory without TESSERA_METADATA_URL again (docs/migrate.md).\n';
  return head + table(['STORE', 'TABLE', 'ROWS', 'CHECK'], rows) + totals + tail;
}

function versions(r: MigrationReport): string {
  const m = r.targetVersions.metadata;
  const i = r.targetVersions.iam;
  return m === undefined && i === undefined
    ? 'not created yet; migrate will create it'
    : `metadata ${m ?? 'none'}, IAM ${i ?? 'none'}`;
}
