/**
 * Shared-mode benchmark (issue 18, docs/shared-mode.md): the same Tessera build and the same
 * client load on the embedded SQLite store and on PostgreSQL, measured in the same run, and two
 * servers on one database against one.
 *
 *   npm run build && node dist/bench/run.js shared-mode
 *   node dist/bench/run.js --quick shared-mode          # seconds: proves it works
 *
 * PostgreSQL is Debian's (/usr/lib/postgresql/<v>/bin), a throwaway cluster started here with
 * PostgreSQL's default durability (fsync on, synchronous_commit on: a commit waits for its WAL
 * flush, as SQLite's synchronous=FULL does), on the local disk, over loopback TCP. Every server
 * runs with TESSERA_WORKERS=1; the servers and PostgreSQL share CPU 0, the load generator (wrk,
 * pre-signed requests as in the server benchmarks) CPU 1. Sides, every round measuring each in
 * turn (order rotating), 3 rounds of 4 s, the best round reported:
 * - `sqlite`: one server, embedded;
 * - `postgres`: one server in shared mode;
 * - `postgres ×2`: two servers on the same database and data directory, half the connections each.
 * Cases: 1 KiB PUT (header-signed, distinct keys), 1 KiB GET (presigned URL), ListObjectsV2 of
 * 100 keys (max-keys 100 at a spread start-after) in a bucket of 1,000.
 * CPU is utime + stime from /proc (bench/server/procs.ts): Tessera's process trees, and
 * PostgreSQL's (postmaster and backends) apart. Two cores only, shared by everything: the two-server
 * side is judged by its CPU per request, not its rate.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinDir } from '../test/helpers/postgres.js';
import { PUT_1K_BODY } from './server/cases.js';
import { closeClients, inParallel, sendOk } from './server/client.js';
import { cpuPlan, fixtureBytes, freePort, KiB, ROOT_PASSWORD, ROOT_USER, sleep } from './server/common.js';
import { loadTool, runLoad } from './server/load.js';
import { waitForQuiet } from './server/measure.js';
import {
  processTree,
  type ServerProcess,
  spawnServer,
  TESSERA_MAIN,
  treeCpuSeconds,
} from './server/procs.js';
import { fmtCpu } from './server/row.js';
import { type PreparedRequest, presign, signMany, signRequest } from './server/signing.js';

const LIST_KEYS = 1000;
const keyName = (i: number) => `key${String(i).padStart(4, '0')}`;
const nonce = (i: number) => ({ 'x-bench-nonce': String(i) });
const isRoot = () => process.getuid?.() === 0;

interface Database {
  url: string;
  cpu: () => number;
  stop: () => Promise<void>;
}

/** A throwaway PostgreSQL cluster with default durability, pinned to `cpuList`. */
async function startDatabase(cpuList: string | undefined): Promise<Database> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  // Its own directory (mode 700, owned by postgres when we are root), outside the work dir.
  const dir = mkdtempSync(join(isRoot() ? '/tmp' : tmpdir(), 'tessera-bench-pg-'));
  const as = (cmd: string, args: string[]): [string, string[]] =>
    isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (isRoot()) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = as(join(bin, 'initdb'), ['-D', data, '-U', 'tessera', '-A', 'trust']);
  execFileSync(initCmd, [...initArgs, '-E', 'UTF8', '--locale=C.UTF-8'], { stdio: 'pipe' });
  const port = await freePort();
  const settings = [
    `listen_addresses=127.0.0.1`,
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    'log_min_messages=warning',
  ].flatMap((s) => ['-c', s]);
  const [cmd, args] = as(join(bin, 'postgres'), ['-D', data, ...settings]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const admin = `postgres://tessera@127.0.0.1:${port}/postgres`;
  for (let tries = 0; ; tries++) {
    const c = new pg.Client({ connectionString: admin });
    try {
      await c.connect();
      await c.query('CREATE DATABASE tessera_bench');
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (tries > 300 || child.exitCode !== null)
        throw new Error(`postgres did not start: ${String(e)}\n${stderr}`);
      await sleep(100);
    }
  }
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // Backends fork from the postmaster and inherit its placement.
  if (cpuList)
    for (const pid of processTree(postmaster))
      spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
  return {
    url: `postgres://tessera@127.0.0.1:${port}/tessera_bench`,
    cpu: () => treeCpuSeconds(postmaster),
    stop: async () => {
      try {
        process.kill(postmaster, 'SIGINT');
      } catch {}
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startServer(name: string, dataDir: string, cpuList: string | undefined, url?: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TESSERA_ROOT_USER: ROOT_USER,
    TESSERA_ROOT_PASSWORD: ROOT_PASSWORD,
    TESSERA_WORKERS: '1',
    TESSERA_CONSOLE_ADDRESS: 'off',
    ...(url ? { TESSERA_METADATA_URL: url } : {}),
  };
  delete env.TESSERA_LOG_REQUESTS;
  return spawnServer({
    name,
    args: [TESSERA_MAIN, 'server', dataDir, '--address', `127.0.0.1:${port}`],
    env,
    ready: 'Tessera S3 API:',
    cpuList,
    port,
  });
}

/** Buckets and objects every case reads, written through the S3 API of `port`. */
async function preload(port: number): Promise<void> {
  for (const bucket of ['bench', 'bench-put', 'bench-list'])
    await sendOk(port, await signRequest(port, 'PUT', `/${bucket}`));
  await sendOk(port, await signRequest(port, 'PUT', '/bench/obj-1k', { body: fixtureBytes(KiB) }));
  const body = fixtureBytes(64, 4);
  await inParallel(LIST_KEYS, 16, async (i) => {
    await sendOk(port, await signRequest(port, 'PUT', `/bench-list/${keyName(i)}`, { body }));
  });
}

interface BenchCase {
  id: string;
  title: string;
  build: (port: number, signed: number) => Promise<PreparedRequest[]>;
}

const CASES: BenchCase[] = [
  {
    id: 'put-1k',
    title: '1 KiB PUT, header-signed, distinct keys',
    build: (port, n) =>
      signMany(n, (i) =>
        signRequest(port, 'PUT', `/bench-put/${port}/${String(i).padStart(6, '0')}`, { body: PUT_1K_BODY }),
      ),
  },
  {
    id: 'get-1k',
    title: '1 KiB GET, presigned URL',
    build: async (port) => [await presign(port, 'GET', '/bench/obj-1k')],
  },
  {
    id: 'list-100',
    title: `ListObjectsV2, max-keys 100, in a bucket of ${LIST_KEYS.toLocaleString('en-US')} keys`,
    build: (port, n) =>
      signMany(n, (i) =>
        signRequest(port, 'GET', '/bench-list', {
          query: {
            'list-type': '2',
            'max-keys': '100',
            'start-after': keyName((i * 7919) % (LIST_KEYS - 100)),
          },
          headers: nonce(i),
        }),
      ),
  },
];

type SideName = 'sqlite' | 'postgres' | 'postgres ×2';
const SIDES: SideName[] = ['sqlite', 'postgres', 'postgres ×2'];

interface Sample {
  rps: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU seconds over the round: Tessera's process trees, PostgreSQL's. */
  tesseraCpu: number;
  dbCpu: number;
  machineBusy: number;
  errors: number;
}

export interface SideResult {
  side: SideName;
  best: Sample;
  rounds: number[];
}

export interface SharedModeResult {
  date: string;
  cases: { c: BenchCase; sides: SideResult[] }[];
  tool: string;
  seconds: number;
  rounds: number;
}

/** user + nice + system seconds of the whole machine (/proc/stat). */
function machineCpu(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  return (Number(f[1]) + Number(f[2]) + Number(f[3])) / 100;
}

/** One round of `connections` spread over `servers` (each its own load generator run). */
async function round(
  servers: { server: ServerProcess; requests: PreparedRequest[]; workDir: string }[],
  db: Database | undefined,
  seconds: number,
  clientCpus: string | undefined,
): Promise<Sample> {
  await sleep(200);
  const cpu0 = servers.map((s) => s.server.cpu());
  const db0 = db?.cpu() ?? 0;
  const all0 = machineCpu();
  const runs = await Promise.all(
    servers.map((s) =>
      runLoad({
        port: s.server.port,
        requests: s.requests,
        seconds,
        connections: 32 / servers.length,
        cpuList: clientCpus,
        workDir: s.workDir,
      }),
    ),
  );
  const tesseraCpu = servers.reduce((n, s, i) => n + s.server.cpu() - cpu0[i]!, 0);
  const dbCpu = db === undefined ? 0 : db.cpu() - db0;
  const secs = Math.max(...runs.map((r) => r.seconds));
  const clientCpu = runs.reduce((n, r) => n + r.clientCpuSec, 0);
  return {
    rps: runs.reduce((n, r) => n + r.rps, 0),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    tesseraCpu,
    dbCpu,
    machineBusy: Math.max(0, (machineCpu() - all0 - tesseraCpu - dbCpu - clientCpu) / secs),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

export async function runSharedModeBench(o: {
  quick: boolean;
  rounds?: number;
  keep?: boolean;
  log: (line: string) => void;
}): Promise<SharedModeResult> {
  const rounds = o.rounds ?? (o.quick ? 1 : 3);
  const seconds = o.quick ? 1 : 4;
  const signed = o.quick ? 300 : 20_000;
  const plan = cpuPlan();
  const tool = loadTool();
  o.log(
    `load generator: ${tool}; servers and PostgreSQL on CPU ${plan.server ?? 'any'}, load generator on CPU ${plan.client ?? 'any'}`,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-shared-'));
  const started: ServerProcess[] = [];
  let db: Database | undefined;
  try {
    db = await startDatabase(plan.server);
    const sqlite = await startServer('sqlite', join(workDir, 'embedded'), plan.server);
    started.push(sqlite);
    // One after the other: the first creates the master key file the second reads.
    const pg1 = await startServer('postgres', join(workDir, 'shared'), plan.server, db.url);
    started.push(pg1);
    const pg2 = await startServer('postgres-2', join(workDir, 'shared'), plan.server, db.url);
    started.push(pg2);
    o.log('preload: buckets, a 1 KiB object, 1,000 keys to list (embedded, then shared)');
    await preload(sqlite.port);
    await preload(pg1.port);
    const sideServers: Record<SideName, ServerProcess[]> = {
      sqlite: [sqlite],
      postgres: [pg1],
      'postgres ×2': [pg1, pg2],
    };
    const result: SharedModeResult = {
      date: new Date().toISOString().slice(0, 10),
      cases: [],
      tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
      seconds,
      rounds,
    };
    for (const c of CASES) {
      o.log(`${c.id}: ${c.title}`);
      const requests = new Map<ServerProcess, PreparedRequest[]>();
      for (const s of started) {
        const r = await c.build(s.port, signed);
        await sendOk(s.port, r[0]!); // every server answers the case
        requests.set(s, r);
      }
      const targets = (side: SideName) =>
        sideServers[side].map((server) => {
          const dir = join(workDir, 'load', server.name);
          mkdirSync(dir, { recursive: true });
          return { server, requests: requests.get(server)!, workDir: dir };
        });
      const samples = new Map<SideName, Sample[]>(SIDES.map((s) => [s, []]));
      if (!o.quick)
        for (const side of SIDES)
          await round(targets(side), side === 'sqlite' ? undefined : db, 1, plan.client);
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < SIDES.length; k++) {
          const side = SIDES[(k + r) % SIDES.length]!;
          if (!o.quick) await waitForQuiet(10_000, o.log);
          const s = await round(targets(side), side === 'sqlite' ? undefined : db, seconds, plan.client);
          samples.get(side)!.push(s);
          o.log(
            `  ${side.padEnd(12)} ${Math.round(s.rps).toLocaleString('en-US').padStart(7)} req/s  p50 ${s.p50Ms.toFixed(2)} ms  Tessera ${fmtCpu((s.tesseraCpu * 1000) / s.requests)}/req  db ${fmtCpu((s.dbCpu * 1000) / s.requests)}/req${s.errors ? `  ERRORS ${s.errors}` : ''}`,
          );
        }
      }
      result.cases.push({
        c,
        sides: SIDES.map((side) => {
          const all = samples.get(side)!;
          return { side, best: all.reduce((a, b) => (b.rps > a.rps ? b : a)), rounds: all.map((s) => s.rps) };
        }),
      });
    }
    return result;
  } finally {
    closeClients();
    for (const s of started.reverse()) await s.stop();
    await db?.stop();
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
}

const perReq = (cpuSec: number, s: Sample) => (cpuSec * 1000) / Math.max(1, s.requests);
const rate = (s: Sample) => `${Math.round(s.rps).toLocaleString('en-US')} req/s`;
const x = (v: number) => `${v.toFixed(2)}×`;

export function sharedModeErrors(r: SharedModeResult): number {
  return r.cases.reduce((n, c) => n + c.sides.reduce((m, s) => m + s.best.errors, 0), 0);
}

/** The result as Markdown tables (docs/benchmarks.md "Shared mode"). */
export function sharedModeTables(r: SharedModeResult): string {
  const side = (c: SharedModeResult['cases'][number], name: SideName) =>
    c.sides.find((s) => s.side === name)!.best;
  const lines = [
    '| benchmark | SQLite | PostgreSQL | PostgreSQL ÷ SQLite | Tessera CPU per request (SQLite / PostgreSQL) | PostgreSQL server CPU per request | server-side CPU per request, PostgreSQL (Tessera + database) ÷ SQLite | p50 / p99 ms (SQLite; PostgreSQL) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of r.cases) {
    const a = side(c, 'sqlite');
    const b = side(c, 'postgres');
    const cpuA = perReq(a.tesseraCpu, a);
    const cpuB = perReq(b.tesseraCpu, b);
    const dbB = perReq(b.dbCpu, b);
    lines.push(
      `| ${c.c.title} (\`${c.c.id}\`) | ${rate(a)} | ${rate(b)} | ${x(b.rps / a.rps)} | ${fmtCpu(cpuA)} / ${fmtCpu(cpuB)} | ${fmtCpu(dbB)} | ${x((cpuB + dbB) / cpuA)} | ${a.p50Ms.toFixed(2)} / ${a.p99Ms.toFixed(1)}; ${b.p50Ms.toFixed(2)} / ${b.p99Ms.toFixed(1)} |`,
    );
  }
  const two = [
    '| benchmark | 1 server | 2 servers | req/s₂ ÷ req/s₁ | Tessera CPU per request (1 / 2 servers) | database CPU per request (1 / 2 servers) | per busy core (Tessera CPU/request₁ ÷ CPU/request₂ × 2) | other load on the machine (1; 2 servers) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of r.cases) {
    const a = side(c, 'postgres');
    const b = side(c, 'postgres ×2');
    const [ta, tb] = [perReq(a.tesseraCpu, a), perReq(b.tesseraCpu, b)];
    two.push(
      `| ${c.c.title} (\`${c.c.id}\`) | ${rate(a)} | ${rate(b)} | ${x(b.rps / a.rps)} | ${fmtCpu(ta)} / ${fmtCpu(tb)} | ${fmtCpu(perReq(a.dbCpu, a))} / ${fmtCpu(perReq(b.dbCpu, b))} | ${x((ta / tb) * 2)} | ${(a.machineBusy * 100).toFixed(0)}%; ${(b.machineBusy * 100).toFixed(0)}% |`,
    );
  }
  const spread = [
    '| benchmark | rounds, req/s (SQLite; PostgreSQL; PostgreSQL ×2) |',
    '| --- | ---: |',
    ...r.cases.map(
      (c) =>
        `| \`${c.c.id}\` | ${c.sides.map((s) => s.rounds.map((v) => Math.round(v)).join(', ')).join('; ')} |`,
    ),
  ];
  return [...lines, '', ...two, '', ...spread].join('\n');
}
