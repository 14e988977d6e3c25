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
import { builtMain, type ServerProcess, startReference, startTessera } from './procs.js';
import { fmtCpu, type Row, TARGETS, type Target } from './row.js';

export interface ServerBenchOptions {
  names: string[];
  quick: boolean;
  /** Write Tessera's CPU profiles (node --cpu-prof) here (the baseline's in DIR/previous). */
  profileDir?: string;
  /**
   * A built checkout of an earlier commit (DIR/dist/src/cli/main.js), measured as server
   * `previous` beside `tessera` in every round.
   */
  baseline?: string;
  /** Rounds per case (default: the scale's). */
  rounds?: number;
  keep?: boolean;
  log: (line: string) => void;
}

/** What the suite measured, and how. */
export interface ServerBenchResult {
  rows: Row[];
  scale: Scale;
  tool: string;
  pinned: string;
  /** The baseline checkout measured as `previous` (--baseline), if any. */
  baseline?: string;
}

type Servers = Partial<Record<Target, ServerProcess>>;

/**
 * The order of the servers in a round. Tessera and the baseline swap places every other round,
 * so that neither is always measured right after the other (drift in other load, caches, clock).
 */
export function roundOrder(targets: Target[], round: number): Target[] {
  const order = [...targets];
  const a = order.indexOf('tessera');
  const b = order.indexOf('previous');
  if (round % 2 === 1 && a >= 0 && b >= 0) [order[a], order[b]] = [order[b]!, order[a]!];
  return order;
}

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
  const s = { ...scale(o.quick), ...(o.rounds ? { rounds: o.rounds } : {}) };
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
  if (o.baseline) mkdirSync(join(workDir, 'data-previous'));
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
    if (o.baseline) {
      // The same objects, written through the baseline's own S3 API into its own data directory.
      const profile = o.profileDir ? join(o.profileDir, 'previous') : undefined;
      if (profile) mkdirSync(profile, { recursive: true });
      const previous = await startTessera(
        join(workDir, 'data-previous'),
        plan.server,
        profile,
        builtMain(o.baseline),
        'previous',
      );
      started.push(previous);
      o.log(`baseline: ${o.baseline} (server previous)`);
      await preload(previous.port, cases, s, o.log);
      servers.previous = previous;
    }
    const targets = TARGETS.filter((t) => servers[t]);
    const ctx: Ctx = { s, workDir, clientCpus: plan.client };
    const largeData = cases.some((c) => c.kind === 'put-large') ? fixtureBytes(s.large, 3) : undefined;
    for (const c of cases) {
      o.log(`${c.id}: ${c.title}`);
      const prepared = new Map<Target, Prepared>();
      for (const target of targets)
        prepared.set(target, await prepare(c, servers[target]!, target, ctx, largeData));
      for (let round = 0; round < s.rounds; round++) {
        for (const target of roundOrder(targets, round)) {
          const p = prepared.get(target)!;
          if (!s.quick) await waitForQuiet(30_000, o.log);
          p.samples.push(await measure(c, p, ctx));
        }
      }
      for (const p of prepared.values()) {
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
  return {
    rows,
    scale: s,
    tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
    pinned,
    ...(o.baseline ? { baseline: o.baseline } : {}),
  };
}
