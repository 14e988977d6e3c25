import { readFileSync } from 'node:fs';
import type { Case, Scale } from './cases.js';
import { sendOk } from './client.js';
import { MiB, PUT_BUCKET, sleep } from './common.js';
import { sanityCheck } from './fixtures.js';
import { runLoad } from './load.js';
import type { ServerProcess } from './procs.js';
import type { Row, Target } from './row.js';
import { type PreparedRequest, streamingPut } from './signing.js';

/** What every measurement of a run shares. */
export interface Ctx {
  s: Scale;
  workDir: string;
  clientCpus: string | undefined;
}

/** user + nice + system jiffies of the whole machine (/proc/stat), in seconds. */
function machineCpu(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    return (Number(f[1]) + Number(f[2]) + Number(f[3])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits (at most `maxMs`) until the rest of the machine is quiet: under a fifth of a core busy
 * over half a second. The machine may be shared; a round measured beside a compile is noise.
 */
export async function waitForQuiet(maxMs: number, log: (l: string) => void): Promise<void> {
  const until = performance.now() + maxMs;
  let waited = false;
  for (;;) {
    const before = machineCpu();
    await sleep(500);
    const busy = (machineCpu() - before) / 0.5;
    if (!(busy > 0.2) || performance.now() > until) {
      if (waited)
        log(
          `  (waited for other load to settle${busy > 0.2 ? `; still ${(busy * 100).toFixed(0)}% busy` : ''})`,
        );
      return;
    }
    waited = true;
  }
}

/** One round's numbers, before they are folded into a Row. */
interface Sample {
  value: number;
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  serverCpu: number;
  clientCpu: number;
  machineCpu: number;
  errors: number;
  tool: string;
}

/** A server made ready for a case: its requests built and checked, warmed up. */
export interface Prepared {
  target: Target;
  server: ServerProcess;
  requests: PreparedRequest[];
  samples: Sample[];
}

export async function prepare(
  c: Case,
  server: ServerProcess,
  target: Target,
  ctx: Ctx,
  large?: Buffer,
): Promise<Prepared> {
  if (c.kind === 'put-large') {
    const req = await streamingPut(server.port, `/${PUT_BUCKET}/put-large`, large!);
    if (ctx.s.warmSeconds > 0) await sendOk(server.port, req);
    return { target, server, requests: [req], samples: [] };
  }
  const requests = await c.build(server.port, ctx.s);
  await sanityCheck(c, server, requests[0]!);
  if (ctx.s.warmSeconds > 0)
    await runLoad({ ...loadOptions(c, server, requests, ctx), seconds: ctx.s.warmSeconds });
  return { target, server, requests, samples: [] };
}

function loadOptions(c: Case, server: ServerProcess, requests: PreparedRequest[], ctx: Ctx) {
  return {
    port: server.port,
    requests,
    connections: c.connections,
    cpuList: ctx.clientCpus,
    workDir: ctx.workDir,
    timeoutSec: c.kind === 'get-large' ? 60 : 10,
  };
}

/** One measured round on one server. */
export async function measure(c: Case, p: Prepared, ctx: Ctx): Promise<Sample> {
  await sleep(200);
  const cpu0 = p.server.cpu();
  const all0 = machineCpu();
  if (c.kind === 'put-large') {
    const client0 = process.cpuUsage();
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ctx.s.largePuts; i++) {
      const t = performance.now();
      await sendOk(p.server.port, p.requests[0]!);
      times.push(performance.now() - t);
    }
    const seconds = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(client0);
    times.sort((x, y) => x - y);
    return {
      value: (ctx.s.largePuts * ctx.s.large) / MiB / seconds,
      requests: ctx.s.largePuts,
      seconds,
      p50Ms: times[Math.floor(times.length / 2)]!,
      p99Ms: times[times.length - 1]!,
      serverCpu: p.server.cpu() - cpu0,
      clientCpu: (client.user + client.system) / 1e6,
      machineCpu: machineCpu() - all0,
      errors: 0,
      tool: 'node:http',
    };
  }
  const r = await runLoad({ ...loadOptions(c, p.server, p.requests, ctx), seconds: ctx.s.seconds });
  return {
    value: c.kind === 'get-large' ? r.bytes / r.seconds / 1e9 : r.rps,
    requests: r.requests,
    seconds: r.seconds,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    serverCpu: p.server.cpu() - cpu0,
    clientCpu: r.clientCpuSec,
    machineCpu: machineCpu() - all0,
    errors: r.errors,
    tool: r.tool === 'wrk' ? 'wrk' : 'node (built-in)',
  };
}

/** The best round of a server, with the spread over all rounds. */
export function toRow(c: Case, p: Prepared): Row {
  const best = p.samples.reduce((a, b) => (b.value > a.value ? b : a));
  const values = p.samples.map((x) => x.value);
  const other = best.machineCpu - best.serverCpu - best.clientCpu;
  return {
    caseId: c.id,
    title: c.title,
    target: p.target,
    unit: c.kind === 'get-large' ? 'GB/s' : c.kind === 'put-large' ? 'MiB/s' : 'req/s',
    value: best.value,
    min: Math.min(...values),
    max: Math.max(...values),
    rounds: values.length,
    roundValues: values,
    roundCpuMs: p.samples.map((x) => (x.serverCpu * 1000) / Math.max(1, x.requests)),
    requests: best.requests,
    seconds: best.seconds,
    p50Ms: best.p50Ms,
    p99Ms: best.p99Ms,
    cpuPerRequestMs: (best.serverCpu * 1000) / Math.max(1, best.requests),
    serverCpuPct: (best.serverCpu / best.seconds) * 100,
    clientCpuPct: (best.clientCpu / best.seconds) * 100,
    otherCpuPct: Math.max(0, (other / best.seconds) * 100),
    errors: p.samples.reduce((n, x) => n + x.errors, 0),
    tool: best.tool,
  };
}
