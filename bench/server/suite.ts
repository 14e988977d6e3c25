import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Scale, scale, selectCases } from './cases.js';
import { closeClients } from './client.js';
import { cpuPlan, fixtureBytes } from './common.js';
import { fixturesFrom, preload } from './fixtures.js';
import { loadTool } from './load.js';
import { type Ctx, measure, type Prepared, prepare, toRow, waitForQuiet } from './measure.js';
import { type ServerProcess, startReference, startTessera } from './procs.js';
import { fmtCpu, type Row, TARGETS, type Target } from './row.js';

export interface ServerBenchOptions {
  names: string[];
  quick: boolean;
  /** Write Tessera's CPU profiles (node --cpu-prof) here. */
  profileDir?: string;
  keep?: boolean;
  log: (line: string) => void;
}

/** What the suite measured, and how. */
export interface ServerBenchResult {
  rows: Row[];
  scale: Scale;
  tool: string;
  pinned: string;
}

type Servers = Record<Target, ServerProcess>;

/** Pins this process (the Node clients) to the load generator's cores. */
function pinSelf(cpuList: string | undefined): void {
  if (cpuList) spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}

const fmtValue = (v: number, unit: Row['unit']) => (unit === 'GB/s' ? v.toFixed(2) : v.toFixed(0));

function printRow(log: (l: string) => void, r: Row): void {
  const v = fmtValue(r.value, r.unit);
  log(
    `  ${r.target.padEnd(8)} ${v.padStart(8)} ${r.unit.padEnd(5)}  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms` +
      `  cpu/req ${fmtCpu(r.cpuPerRequestMs)}  server ${r.serverCpuPct.toFixed(0)}%  client ${r.clientCpuPct.toFixed(0)}%` +
      (r.otherCpuPct >= 10 ? `  other load ${r.otherCpuPct.toFixed(0)}%` : '') +
      (r.rounds > 1 ? `  (rounds ${fmtValue(r.min, r.unit)}–${fmtValue(r.max, r.unit)})` : '') +
      (r.errors ? `  ERRORS ${r.errors}` : ''),
  );
}

/**
 * Starts Tessera (one worker) and both reference servers, preloads the objects the selected
 * cases need, then runs every case against each server in turn, one at a time.
 */
export async function runServerBenches(o: ServerBenchOptions): Promise<ServerBenchResult> {
  const cases = selectCases(o.names);
  const s = scale(o.quick);
  const plan = cpuPlan();
  const tool = loadTool();
  const pinned = plan.server
    ? `server on CPU ${plan.server}, load generator on CPU ${plan.client}`
    : 'no pinning (one CPU)';
  o.log(
    `load generator: ${tool === 'wrk' ? 'wrk' : 'built-in Node client (wrk not found: apt-get install wrk)'}; ${pinned}`,
  );
  pinSelf(plan.client);
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  mkdirSync(join(workDir, 'data'));
  const started: ServerProcess[] = [];
  const rows: Row[] = [];
  // Interrupted (Ctrl-C, kill): stop the servers this run started before leaving.
  const onSignal = () => {
    void Promise.all(started.map((p) => p.stop())).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const tessera = await startTessera(join(workDir, 'data'), plan.server, o.profileDir);
    started.push(tessera);
    await preload(tessera.port, cases, s, o.log);
    const fixturesFile = join(workDir, 'fixtures.json');
    writeFileSync(fixturesFile, JSON.stringify(await fixturesFrom(tessera.port, cases, s)));
    const bare = await startReference('bare', fixturesFile, plan.server);
    started.push(bare);
    const verify = await startReference('verify', fixturesFile, plan.server);
    started.push(verify);
    const servers: Servers = { bare, verify, tessera };
    const ctx: Ctx = { s, workDir, clientCpus: plan.client };
    const largeData = cases.some((c) => c.kind === 'put-large') ? fixtureBytes(s.large, 3) : undefined;
    for (const c of cases) {
      o.log(`${c.id}: ${c.title}`);
      const prepared: Prepared[] = [];
      for (const target of TARGETS) prepared.push(await prepare(c, servers[target], target, ctx, largeData));
      for (let round = 0; round < s.rounds; round++) {
        for (const p of prepared) {
          if (!s.quick) await waitForQuiet(30_000, o.log);
          p.samples.push(await measure(c, p, ctx));
        }
      }
      for (const p of prepared) {
        const row = toRow(c, p);
        rows.push(row);
        printRow(o.log, row);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeClients();
    for (const p of started.reverse()) await p.stop();
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
  return { rows, scale: s, tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client', pinned };
}
