/**
 * Runs the benchmarks and prints a summary.
 *
 *   npm run bench                                  # everything
 *   node dist/bench/run.js get-1k list             # selected benchmarks (server: all server ones)
 *   node dist/bench/run.js --quick get-1k          # seconds: proves the harness works
 *   node dist/bench/run.js workers                 # TESSERA_WORKERS=2 against 1 (get-1k-workers)
 *   node dist/bench/run.js --write-docs            # also rewrites "## Server" in docs/benchmarks.md
 *   node dist/bench/run.js --profile /tmp/prof get-1k-presigned   # a profile per case: /tmp/prof/<case>
 *   node dist/bench/run.js --baseline /tmp/tessera-prev server   # also an earlier build, as `previous`
 *   node dist/bench/run.js versioning             # versions vs unversioned data (bench/versioning.ts)
 *   node dist/bench/run.js sts                    # STS issuance and temporary credentials (bench/sts.ts)
 *   node dist/bench/run.js audit                  # 1 KiB GETs, audit off vs file, webhook, NATS (bench/audit.ts)
 *   node dist/bench/run.js ldap                   # LDAP logins against slapd, pooled vs fresh (bench/ldap.ts)
 *   node dist/bench/run.js sse                    # 256 MiB PUT/GET, SSE-S3 vs plain (bench/sse.ts)
 *   node dist/bench/run.js shared-mode            # PostgreSQL vs SQLite, 2 servers vs 1 (bench/shared-mode.ts; only when named)
 *
 * --baseline DIR: DIR is a built checkout of an earlier commit (DIR/dist/src/cli/main.js; prepare
 * it with bench/prepare-baseline.sh COMMIT DIR). With --write-docs the run then writes its own
 * section (--title, default "Against an earlier build: results (DATE)") instead of "## Server".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditErrors, auditTables, runAuditBench } from './audit.js';
import { ldapTables, runLdapBench } from './ldap.js';
import { aimsTable } from './server/aims.js';
import { SERVER_BENCH_NAMES } from './server/cases.js';
import { machine, writeBaselineSection } from './server/docs-section.js';
import { builtMain } from './server/procs.js';
import { summarizeProfiles, topSelfTime } from './server/profile-summary.js';
import { baselineTable, summaryTable, workersTable } from './server/report.js';
import { PROFILED_IN_DOCS, type ProfileTops, writeServerSection } from './server/server-section.js';
import { runServerBenches } from './server/suite.js';
import { runSharedModeBench, sharedModeErrors, sharedModeTables } from './shared-mode.js';
import { runSseBench, sseTables } from './sse.js';
import { runStsBench, stsErrors, stsTables } from './sts.js';
import { runVersioningBench, versioningTables } from './versioning.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = join(ROOT, 'docs/benchmarks.md');

interface Args {
  names: string[];
  quick: boolean;
  writeDocs: boolean;
  keep: boolean;
  profileDir?: string;
  baseline?: string;
  rounds?: number;
  title?: string;
  /** Where --write-docs writes (default docs/benchmarks.md); with --docs even a --quick run writes. */
  docs?: string;
}

function usage(): string {
  return [
    'usage: node dist/bench/run.js [--quick] [--write-docs [--docs FILE]] [--profile DIR] [--keep]',
    '                              [--baseline DIR [--title TITLE]] [--rounds N] [NAME...]',
    `names: policy, versioning, sts, audit, ldap, sse, shared-mode (needs PostgreSQL; only when named), server (every server benchmark), ${SERVER_BENCH_NAMES.join(', ')}`,
    '--baseline DIR: also measure the build in DIR (an earlier commit, see bench/prepare-baseline.sh)',
    '                as server "previous" in every round',
  ].join('\n');
}

function value(argv: string[], i: number, option: string): string {
  const v = argv[i];
  if (v === undefined || v.startsWith('--')) throw new Error(`${option} needs a value\n${usage()}`);
  return v;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { names: [], quick: false, writeDocs: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--quick') a.quick = true;
    else if (x === '--write-docs') a.writeDocs = true;
    else if (x === '--keep') a.keep = true;
    else if (x === '--profile') a.profileDir = resolve(argv[++i] ?? 'bench-profile');
    else if (x === '--baseline') a.baseline = resolve(value(argv, ++i, x));
    else if (x === '--title') a.title = value(argv, ++i, x);
    else if (x === '--docs') a.docs = resolve(value(argv, ++i, x));
    else if (x === '--rounds') {
      a.rounds = Number(value(argv, ++i, x));
      if (!Number.isInteger(a.rounds) || a.rounds < 1) throw new Error('--rounds needs a whole number ≥ 1');
    } else if (x === '--help' || x === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else if (x.startsWith('-')) throw new Error(`unknown option ${x}\n${usage()}`);
    else if (
      x === 'policy' ||
      x === 'versioning' ||
      x === 'sts' ||
      x === 'audit' ||
      x === 'ldap' ||
      x === 'sse' ||
      x === 'shared-mode' ||
      x === 'server' ||
      SERVER_BENCH_NAMES.includes(x)
    )
      a.names.push(x);
    else throw new Error(`unknown benchmark ${x}\n${usage()}`);
  }
  if (a.baseline && !existsSync(builtMain(a.baseline)))
    throw new Error(
      `--baseline ${a.baseline}: ${builtMain(a.baseline)} is missing (bench/prepare-baseline.sh COMMIT DIR builds it)`,
    );
  if (a.title && !a.baseline) throw new Error('--title applies only with --baseline');
  return a;
}

function git(dir: string, ...args: string[]): string | undefined {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** "commit `abc1234` (its subject), built in DIR", or just the directory when it is no git checkout. */
function describeBaseline(dir: string): string {
  const c = git(dir, 'log', '-1', '--format=%h%x00%s');
  if (!c) return `the build in \`${dir}\``;
  const [hash, subject = ''] = c.split('\0');
  const short = subject.length > 90 ? `${subject.slice(0, 87).replace(/\s+\S*$/, '')} …` : subject;
  return `commit \`${hash}\` ("${short.replaceAll('|', '/')}"), built in \`${dir}\``;
}

/** The working tree the server was built from (taken when the run starts: others may commit meanwhile). */
function describeCurrent(): string {
  const head = git(ROOT, 'rev-parse', '--short', 'HEAD');
  if (!head) return 'this build';
  const dirty = git(ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src');
  return `the working tree at \`${head}\` (${dirty ? 'with uncommitted changes in src/' : 'src/ as committed'})`;
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

/** The versioning benchmark (bench/versioning.ts): Tessera alone, versioned vs unversioned data. */
async function runVersioning(args: Args): Promise<void> {
  log('== versioning ==');
  const r = await runVersioningBench({
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.rounds ? { rounds: args.rounds } : {}),
  });
  log('');
  log(versioningTables(r));
  if (args.quick) log('(--quick: sizes and durations are reduced, the numbers mean nothing)');
  const errors = r.rows.reduce((n, x) => n + x.versioned.errors + x.unversioned.errors, 0);
  if (errors) {
    log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors) in the versioning benchmark`);
    process.exitCode = 1;
  }
}

/** The SSE benchmark (bench/sse.ts): SSE-S3 PUT and GET of a large object against plain. */
async function runSse(args: Args): Promise<void> {
  log('== sse ==');
  const r = await runSseBench({
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.rounds ? { rounds: args.rounds } : {}),
  });
  log('');
  log(sseTables(r));
  if (args.quick) log('(--quick: sizes and durations are reduced, the numbers mean nothing)');
}

/** The STS benchmark (bench/sts.ts): issuance and temporary credentials against baselines. */
async function runSts(args: Args): Promise<void> {
  log('== sts ==');
  const r = await runStsBench({
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.rounds ? { rounds: args.rounds } : {}),
    ...(args.profileDir ? { profileDir: join(args.profileDir, 'sts') } : {}),
  });
  log('');
  log(stsTables(r));
  if (r.profile) log(`\n${r.profile}`);
  const errors = stsErrors(r);
  if (errors) {
    log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors) in the STS benchmark`);
    process.exitCode = 1;
  }
}

/** The audit benchmark (bench/audit.ts): audit off against the file target, same run. */
async function runAudit(args: Args): Promise<void> {
  log('== audit ==');
  const r = await runAuditBench({
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.rounds ? { rounds: args.rounds } : {}),
    ...(args.profileDir ? { profileDir: join(args.profileDir, 'audit') } : {}),
  });
  log('');
  log(auditTables(r));
  if (r.profile) log(`\n${r.profile}`);
  const errors = auditErrors(r);
  if (errors) {
    log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors) in the audit benchmark`);
    process.exitCode = 1;
  }
}

/** The LDAP benchmark (bench/ldap.ts): pooled directory logins against a fresh connection per login. */
async function runLdap(args: Args): Promise<void> {
  log('== ldap ==');
  const r = await runLdapBench({ quick: args.quick, log });
  log('');
  log(ldapTables(r));
  if (r.errors) {
    log(`\nWARNING: ${r.errors} failed logins in the LDAP benchmark`);
    process.exitCode = 1;
  }
}

/** The shared-mode benchmark (bench/shared-mode.ts): PostgreSQL against SQLite, 2 servers against 1. */
async function runSharedMode(args: Args): Promise<void> {
  log('== shared mode ==');
  const r = await runSharedModeBench({
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.rounds ? { rounds: args.rounds } : {}),
  });
  log('');
  log(sharedModeTables(r));
  if (args.quick) log('(--quick: sizes and durations are reduced, the numbers mean nothing)');
  const errors = sharedModeErrors(r);
  if (errors) {
    log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors) in the shared-mode benchmark`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const m = machine();
  log(
    `${new Date().toISOString().slice(0, 10)}  ${m.nproc} × ${m.cpu}  Node ${m.node}${args.quick ? '  (--quick)' : ''}`,
  );
  const all = args.names.length === 0;
  if (all || args.names.includes('policy')) await runPolicy();
  if (all || args.names.includes('versioning')) await runVersioning(args);
  if (all || args.names.includes('sts')) await runSts(args);
  if (all || args.names.includes('audit')) await runAudit(args);
  if (all || args.names.includes('ldap')) await runLdap(args);
  if (all || args.names.includes('sse')) await runSse(args);
  if (args.names.includes('shared-mode')) await runSharedMode(args);
  const serverNames = args.names.filter(
    (n) =>
      n !== 'policy' &&
      n !== 'versioning' &&
      n !== 'sts' &&
      n !== 'audit' &&
      n !== 'ldap' &&
      n !== 'sse' &&
      n !== 'shared-mode',
  );
  const allServer = all || serverNames.includes('server');
  if (!all && serverNames.length === 0) return;
  log('== server ==');
  if (args.profileDir) mkdirSync(args.profileDir, { recursive: true });
  const current = args.baseline ? describeCurrent() : '';
  const result = await runServerBenches({
    names: allServer ? [] : serverNames,
    quick: args.quick,
    keep: args.keep,
    log,
    ...(args.profileDir ? { profileDir: args.profileDir } : {}),
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args.rounds ? { rounds: args.rounds } : {}),
  });
  log('');
  log(summaryTable(result.rows));
  const workers = workersTable(result.rows);
  if (workers)
    log(`\nWorkers (${result.notes.find((n) => n.startsWith('get-1k-workers')) ?? ''}):\n${workers}`);
  if (result.nginx && !result.rows.some((r) => r.target === 'nginx')) log(`\nnginx: ${result.nginx}`);
  if (args.baseline)
    log(`\nTessera against previous (${describeBaseline(args.baseline)}):\n${baselineTable(result.rows)}`);
  const aims = aimsTable(result.rows);
  if (aims)
    log(
      `\n${aims}${args.quick ? '\n(--quick: sizes and durations are reduced, the aims do not apply)' : ''}`,
    );
  const errors = result.rows.reduce((n, r) => n + r.errors, 0);
  if (errors) log(`\nWARNING: ${errors} failed requests (non-2xx or socket errors); see the rows above`);
  const tops: ProfileTops = {};
  if (args.profileDir) {
    // One profile of the Tessera worker per case (the suite restarts it for each).
    for (const id of [...new Set(result.rows.map((r) => r.caseId))]) {
      log(`\n${id}:\n${summarizeProfiles(join(args.profileDir, id), 12)}`);
      if (PROFILED_IN_DOCS.includes(id)) tops[id] = topSelfTime(join(args.profileDir, id), 8);
    }
    if (args.baseline) log(`\nprevious:\n${summarizeProfiles(join(args.profileDir, 'previous'))}`);
  }
  const date = new Date().toISOString().slice(0, 10);
  if (args.writeDocs && args.baseline && !args.quick) {
    const title = args.title ?? `Against an earlier build: results (${date})`;
    const command = [
      'npm run build && node dist/bench/run.js',
      `--baseline ${args.baseline}`,
      ...(args.rounds ? [`--rounds ${args.rounds}`] : []),
      `--write-docs --title '${title}'`,
      ...serverNames,
    ].join(' ');
    writeBaselineSection(DOCS, result, {
      title,
      command: `bench/prepare-baseline.sh ${git(args.baseline, 'rev-parse', '--short', 'HEAD') ?? 'COMMIT'} ${args.baseline}\n${command}`,
      date,
      previous: describeBaseline(args.baseline),
      current,
    });
    log(`\nwrote the "## ${title}" section of ${DOCS}`);
  } else if (args.writeDocs) {
    // A --quick run writes only to a scratch copy (--docs FILE): its numbers mean nothing.
    if (args.quick && !args.docs) log('\n--write-docs ignored with --quick (unless --docs FILE)');
    else {
      const docs = args.docs ?? DOCS;
      const command = `npm run build && node dist/bench/run.js --write-docs${serverNames.length ? ` ${serverNames.join(' ')}` : ''}`;
      writeServerSection(docs, result, command, date, tops);
      log(`\nwrote the "## Server" section of ${docs}`);
    }
  }
  if (errors) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
