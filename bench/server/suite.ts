import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Case, type Scale, scale, selectCases } from './cases.js';
import { closeClients } from './client.js';
import { cpuPlan, fixtureBytes } from './common.js';
import { loadTool } from './load.js';
import { type Ctx, measure, type Prepared, prepare, toRow, waitForQuiet } from './measure.js';
import { setAffinity } from './procs.js';
import { fmtCpu, type Row, TARGETS, type Target } from './row.js';
import { type RunServers, startServers } from './servers.js';

export interface ServerBenchOptions {
  names: string[];
  quick: boolean;
  /** Write Tessera's CPU profiles (node --cpu-prof) here, one folder per case (the baseline's in DIR/previous). */
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
  /** nginx's version, or why it was not measured (only when a file GET was selected). */
  nginx?: string;
  /** How cases departed from the usual placement, for the report. */
  notes: string[];
}

/** The servers of a case, in report order, before the rotation of a round. */
export function caseTargets(c: Case, available: Target[]): Target[] {
  const wanted: Target[] = c.targets ?? [
    'bare',
    'minimal',
    'verify',
    ...(c.file ? ['nginx' as const] : []),
    'tessera',
    'previous',
  ];
  return TARGETS.filter((t) => wanted.includes(t) && available.includes(t));
}

/**
 * The order of the servers in a round: rotated by one place every round, so that no server is
 * always measured first or right after the same other one (drift in other load, caches, clock).
 */
export function roundOrder(targets: Target[], round: number): Target[] {
  const k = targets.length ? round % targets.length : 0;
  return [...targets.slice(k), ...targets.slice(0, k)];
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

/** Every core ("0-1"), for the cases whose servers run unpinned. */
const allCpus = () => `0-${cpus().length - 1}`;

/**
 * Starts Tessera (one worker), the reference servers (and nginx, Tessera with two workers, the
 * baseline when a case needs them), preloads the objects the selected cases need, then runs
 * every case against each of its servers in turn, one at a time.
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
  const rows: Row[] = [];
  const notes: string[] = [];
  let run: RunServers | undefined;
  // Interrupted (Ctrl-C, kill): stop the servers this run started before leaving.
  const onSignal = () => {
    void (run?.stopAll() ?? Promise.resolve()).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let nginx: string | undefined;
  try {
    run = await startServers({
      cases,
      s,
      workDir,
      cpu: plan.server,
      log: o.log,
      ...(o.baseline ? { baseline: o.baseline } : {}),
      ...(o.profileDir ? { profileDir: o.profileDir } : {}),
    });
    nginx = run.nginx;
    const servers = run.servers;
    const ctx: Ctx = { s, workDir, clientCpus: plan.client };
    const largeData = cases.some((c) => c.kind === 'put-large') ? fixtureBytes(s.large, 3) : undefined;
    for (const c of cases) {
      o.log(`${c.id}: ${c.title}`);
      if (o.profileDir) await run.restartTessera(join(o.profileDir, c.id));
      const targets = caseTargets(c, Object.keys(servers) as Target[]);
      if (c.unpinned && plan.server) {
        for (const t of targets) setAffinity(servers[t]!, allCpus());
        notes.push(
          `${c.id}: every server on CPUs ${allCpus()} (unpinned), the load generator on CPU ${plan.client}`,
        );
      }
      try {
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
        for (const target of targets) {
          const row = toRow(c, prepared.get(target)!);
          rows.push(row);
          printRow(o.log, row);
        }
      } finally {
        if (c.unpinned && plan.server) for (const t of targets) setAffinity(servers[t]!, plan.server);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeClients();
    await run?.stopAll();
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
  if (rows.some((r) => r.target === 'tessera2'))
    notes.push(
      `get-1k-workers: Tessera with TESSERA_WORKERS=2 unpinned (both cores, shared with the load generator on CPU ${plan.client ?? '–'}), against TESSERA_WORKERS=1 on CPU ${plan.server ?? '–'}`,
    );
  return {
    rows,
    scale: s,
    tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
    pinned,
    notes,
    ...(nginx ? { nginx } : {}),
    ...(o.baseline ? { baseline: o.baseline } : {}),
  };
}
