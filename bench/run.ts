/**
 * Runs the benchmarks and prints a summary.
 *
 *   npm run bench                                  # everything
 *   node dist/bench/run.js get-1k list             # selected benchmarks (server: all server ones)
 *   node dist/bench/run.js --quick get-1k          # seconds: proves the harness works
 *   node dist/bench/run.js --write-docs            # also rewrites "## Server" in docs/benchmarks.md
 *   node dist/bench/run.js --profile /tmp/prof get-1k-presigned
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { SERVER_BENCH_NAMES } from './server/cases.js';
import { summarizeProfiles } from './server/profile-summary.js';
import { aimsTable, machine, summaryTable, writeServerSection } from './server/report.js';
import { runServerBenches } from './server/suite.js';

const DOCS = resolve(import.meta.dirname, '../../docs/benchmarks.md');

interface Args {
  names: string[];
  quick: boolean;
  writeDocs: boolean;
  keep: boolean;
  profileDir?: string;
}

function usage(): string {
  return [
    'usage: node dist/bench/run.js [--quick] [--write-docs] [--profile DIR] [--keep] [NAME...]',
    `names: policy, server (every server benchmark), ${SERVER_BENCH_NAMES.join(', ')}`,
  ].join('\n');
}

function parseArgs(argv: string[]): Args {
  const a: Args = { names: [], quick: false, writeDocs: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--quick') a.quick = true;
    else if (x === '--write-docs') a.writeDocs = true;
    else if (x === '--keep') a.keep = true;
    else if (x === '--profile') a.profileDir = resolve(argv[++i] ?? 'bench-profile');
    else if (x === '--help' || x === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else if (x.startsWith('-')) throw new Error(`unknown option ${x}\n${usage()}`);
    else if (x === 'policy' || x === 'server' || SERVER_BENCH_NAMES.includes(x)) a.names.push(x);
    else throw new Error(`unknown benchmark ${x}\n${usage()}`);
  }
  return a;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** The policy engine's benchmark (bench/policy.ts), when it exists. */
async function runPolicy(): Promise<void> {
  const spec = './policy.js';
  let mod: { main?: () => unknown };
  try {
    mod = (await import(spec)) as { main?: () => unknown };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      log('policy: bench/policy.ts is not there yet, skipped');
      return;
    }
    throw e;
  }
  if (typeof mod.main !== 'function') {
    log('policy: bench/policy.ts exports no main(), skipped');
    return;
  }
  log('== policy engine ==');
  await mod.main();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const m = machine();
  log(
    `${new Date().toISOString().slice(0, 10)}  ${m.nproc} × ${m.cpu}  Node ${m.node}${args.quick ? '  (--quick)' : ''}`,
  );
  const all = args.names.length === 0;
  if (all || args.names.includes('policy')) await runPolicy();
  const serverNames = args.names.filter((n) => n !== 'policy');
  const allServer = all || serverNames.includes('server');
  if (!all && serverNames.length === 0) return;
  log('== server ==');
  if (args.profileDir) mkdirSync(args.profileDir, { recursive: true });
  const result = await runServerBenches({
    names: allServer ? [] : serverNames,
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.profileDir ? { profileDir: args.profileDir } : {}),
  });
  log('');
  log(summaryTable(result.rows));
  const aims = aimsTable(result.rows);
  if (aims)
    log(
      `\n${aims}${args.quick ? '\n(--quick: sizes and durations are reduced, the aims do not apply)' : ''}`,
    );
  const errors = result.rows.reduce((n, r) => n + r.errors, 0);
  if (errors) log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors); see the rows above`);
  if (args.profileDir) log(`\n${summarizeProfiles(args.profileDir)}`);
  if (args.writeDocs) {
    if (args.quick) log('\n--write-docs ignored with --quick');
    else {
      const command = `npm run build && node dist/bench/run.js --write-docs${serverNames.length ? ` ${serverNames.join(' ')}` : ''}`;
      writeServerSection(DOCS, result, command, new Date().toISOString().slice(0, 10));
      log(`\nwrote the "## Server" section of ${DOCS}`);
    }
  }
  if (errors) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
