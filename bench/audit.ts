/**
 * Audit benchmark (issue 12): what the audit trail costs the request path. The same 1 KiB GET
 * load against Tessera with audit off, with the file target (TESSERA_AUDIT_FILE), the webhook
 * target (to an endpoint in this process, bench/audit-sinks.ts) and the NATS JetStream target
 * (to a `nats-server -js` started here), each its own server process (one worker, TESSERA_WORKERS=1, pinned like the server benchmarks;
 * bench/server/*), measured in the same run, the order of the servers rotating every round, with
 * the same load generator (wrk on the other core, or the built-in Node client).
 *
 *   npm run build && node dist/bench/run.js audit        # 3 rounds of 4 s per case and server
 *   node dist/bench/run.js --quick audit                 # seconds: proves it works
 *   node dist/bench/run.js --profile /tmp/prof audit     # --cpu-prof of every server
 *   BENCH_AUDIT_QUIET=0 node dist/bench/run.js --rounds 11 audit   # a busy machine: no quiet waits
 *   BENCH_AUDIT_TARGETS=off,file,file-shm,webhook,nats node dist/bench/run.js audit   # more targets
 *
 * Cases: header-signed GETs (a fresh signature each, as get-1k-signed) and one presigned URL
 * replayed (the cheapest authenticated request: the audit's share is the largest). After the run
 * the audit files are read back: the entries written and any `dropped` lines are reported, so
 * a queue that overflowed (entries not written: a cost not paid) cannot pass for a cheap trail.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EntryCost, entryCost } from './audit-entry.js';
import { type Sink, startNats, startWebhookSink } from './audit-sinks.js';
import type { Case, Scale } from './server/cases.js';
import { closeClients, sendOk } from './server/client.js';
import { cpuPlan, fixtureBytes, KiB } from './server/common.js';
import { loadTool } from './server/load.js';
import { type Ctx, measure, type Prepared, prepare, toRow, waitForQuiet } from './server/measure.js';
import { type ServerProcess, startTessera } from './server/procs.js';
import { summarizeProfiles } from './server/profile-summary.js';
import { fmtCpu, type Row } from './server/row.js';
import { presign, signMany, signRequest } from './server/signing.js';

const BUCKET = 'bench';
const KEY = 'obj-1k';

/** One server configuration: audit off, or one target. */
export interface AuditVariant {
  id: string;
  title: string;
  /** Environment of the server (TESSERA_AUDIT_*); `dir` is the variant's own directory. */
  env: (dir: string, sinkUrl: string) => Record<string, string>;
  /** A receiver the target sends to (started before the server). */
  sink?: 'webhook' | 'nats';
  /** Measured only when BENCH_AUDIT_TARGETS names it. */
  optional?: boolean;
  /** Where its audit files are (read back after the run). */
  files?: (dir: string) => string;
}

export const VARIANTS: AuditVariant[] = [
  { id: 'off', title: 'audit off', env: () => ({}) },
  {
    id: 'file',
    title: 'file target (TESSERA_AUDIT_FILE)',
    env: (dir) => ({ TESSERA_AUDIT_FILE: join(dir, 'audit') }),
    files: (dir) => join(dir, 'audit'),
  },
  {
    // Not measured by default (BENCH_AUDIT_TARGETS=off,file,file-shm): the file target on tmpfs,
    // where fdatasync costs nothing, to tell the disk's share of the cost from the CPU's.
    id: 'file-shm',
    title: 'file target on tmpfs (/dev/shm)',
    optional: true,
    env: (dir) => ({ TESSERA_AUDIT_FILE: join('/dev/shm', `tessera-bench-${dir.split('/').at(-2)}`) }),
    files: (dir) => join('/dev/shm', `tessera-bench-${dir.split('/').at(-2)}`),
  },
  {
    id: 'webhook',
    title: 'webhook target (TESSERA_AUDIT_WEBHOOK_ENDPOINT, defaults)',
    sink: 'webhook',
    env: (_dir, url) => ({ TESSERA_AUDIT_WEBHOOK_ENDPOINT: url }),
  },
  {
    id: 'nats',
    title: 'NATS JetStream target (TESSERA_AUDIT_NATS_ADDRESS, defaults)',
    sink: 'nats',
    env: (_dir, url) => ({ TESSERA_AUDIT_NATS_ADDRESS: url }),
  },
];

/** BENCH_AUDIT_TARGETS=off,file,…: the variants measured (default: all). */
function selected(): AuditVariant[] {
  const ids = process.env.BENCH_AUDIT_TARGETS?.split(',').filter(Boolean);
  if (!ids) return VARIANTS.filter((v) => v.optional !== true);
  const out = VARIANTS.filter((v) => ids.includes(v.id));
  if (!out.some((v) => v.id === 'off')) out.unshift(VARIANTS[0]!);
  return out;
}

export function auditScale(quick: boolean, rounds?: number): Scale {
  return {
    quick,
    rounds: rounds ?? (quick ? 1 : 3),
    seconds: quick ? 1 : 4,
    warmSeconds: quick ? 0 : 1,
    signed: quick ? 300 : 30_000,
    large: 0,
    folders: 0,
    keysPerFolder: 0,
    largePuts: 0,
  };
}

const nonce = (i: number) => ({ 'x-bench-nonce': String(i) });

export const CASES: Case[] = [
  {
    id: 'get-1k-signed',
    group: 'audit',
    title: '1 KiB GET, header-signed (fresh signature each)',
    kind: 'rate',
    connections: 32,
    build: (port, s) =>
      signMany(s.signed, (i) => signRequest(port, 'GET', `/${BUCKET}/${KEY}`, { headers: nonce(i) })),
    reads: { key: KEY, size: KiB },
  },
  {
    id: 'get-1k-presigned',
    group: 'audit',
    title: '1 KiB GET, presigned URL',
    kind: 'rate',
    connections: 32,
    build: async (port) => [await presign(port, 'GET', `/${BUCKET}/${KEY}`)],
    reads: { key: KEY, size: KiB },
  },
];

/** What the audit files of a variant hold after the run. */
export interface FilesRead {
  entries: number;
  checkpoints: number;
  dropped: number;
  bytes: number;
}

export interface AuditRow {
  variant: string;
  row: Row;
}

export interface AuditResult {
  scale: Scale;
  entry: EntryCost;
  variants: AuditVariant[];
  rows: AuditRow[];
  files: Record<string, FilesRead>;
  /** Entries the webhook receiver got. */
  received: Record<string, number>;
  tool: string;
  pinned: string;
  profile?: string;
}

function readBack(dir: string): FilesRead {
  const out: FilesRead = { entries: 0, checkpoints: 0, dropped: 0, bytes: 0 };
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return out;
  }
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    out.bytes += Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.includes('"type":"checkpoint"')) out.checkpoints++;
      else if (line.includes('"type":"dropped"')) {
        const m = /"count":(\d+)/.exec(line);
        out.dropped += m ? Number(m[1]) : 0;
      } else out.entries++;
    }
  }
  return out;
}

function pinSelf(cpuList: string | undefined): void {
  if (cpuList) spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}

/** Starts one server with `env` added to the environment it inherits. */
async function startWith(
  env: Record<string, string>,
  dataDir: string,
  cpu: string | undefined,
  profileDir: string | undefined,
): Promise<ServerProcess> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    return await startTessera(dataDir, cpu, profileDir);
  } finally {
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

export async function runAuditBench(o: {
  quick: boolean;
  rounds?: number;
  keep?: boolean;
  profileDir?: string;
  variants?: AuditVariant[];
  log: (line: string) => void;
}): Promise<AuditResult> {
  const s = auditScale(o.quick, o.rounds);
  // BENCH_AUDIT_QUIET=0: do not wait for the machine to be quiet before each measurement (on a
  // machine that is never quiet the wait only stretches the run; read the per-round ratios).
  const quiet = !s.quick && process.env.BENCH_AUDIT_QUIET !== '0';
  const variants = o.variants ?? selected();
  const plan = cpuPlan();
  const tool = loadTool();
  const pinned = plan.server
    ? `server on CPU ${plan.server}, load generator on CPU ${plan.client}`
    : 'no pinning (one CPU)';
  o.log(`load generator: ${tool === 'wrk' ? 'wrk' : 'built-in Node client'}; ${pinned}`);
  pinSelf(plan.client);
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-audit-'));
  // Audit off for the harness's environment: each variant sets its own.
  for (const k of Object.keys(process.env)) if (k.startsWith('TESSERA_AUDIT_')) delete process.env[k];
  const servers: ServerProcess[] = [];
  const sinks: Record<string, Sink> = {};
  const onSignal = () => {
    void Promise.all(servers.map((x) => x.stop())).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const v of variants) {
      const dir = join(workDir, v.id);
      mkdirSync(join(dir, 'data'), { recursive: true });
      const prof = o.profileDir ? join(o.profileDir, v.id) : undefined;
      if (prof) mkdirSync(prof, { recursive: true });
      let url = '';
      if (v.sink === 'webhook') url = (sinks[v.id] = await startWebhookSink()).url;
      if (v.sink === 'nats') url = (sinks[v.id] = await startNats(join(dir, 'nats'), plan.client)).url;
      const server = await startWith(v.env(dir, url), join(dir, 'data'), plan.server, prof);
      servers.push(server);
      await sendOk(server.port, await signRequest(server.port, 'PUT', `/${BUCKET}`));
      await sendOk(
        server.port,
        await signRequest(server.port, 'PUT', `/${BUCKET}/${KEY}`, { body: fixtureBytes(KiB) }),
      );
      o.log(`  ${v.id}: ${v.title}, port ${server.port}`);
    }
    const ctx: Ctx = { s, workDir, clientCpus: plan.client };
    const rows: AuditRow[] = [];
    for (const c of CASES) {
      o.log(`${c.id}:`);
      const prepared: Prepared[] = [];
      for (const server of servers) prepared.push(await prepare(c, server, 'tessera', ctx));
      for (let round = 0; round < s.rounds; round++) {
        for (let k = 0; k < servers.length; k++) {
          const at = (k + round) % servers.length;
          if (quiet) await waitForQuiet(30_000, o.log);
          prepared[at]!.samples.push(await measure(c, prepared[at]!, ctx));
        }
      }
      variants.forEach((v, i) => {
        const row = toRow(c, prepared[i]!);
        rows.push({ variant: v.id, row });
        o.log(
          `  ${v.id.padEnd(8)} ${Math.round(row.value).toLocaleString('en-US').padStart(8)} req/s  rounds ${row.roundValues.map((x) => Math.round(x)).join(', ')}  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  cpu/req ${fmtCpu(row.cpuPerRequestMs)}  server ${row.serverCpuPct.toFixed(0)}%${row.errors ? `  ERRORS ${row.errors}` : ''}`,
        );
      });
    }
    // Stop the servers (the file target drains and seals on SIGTERM), then read the files back.
    await Promise.all(servers.map((x) => x.stop()));
    servers.length = 0;
    const files: Record<string, FilesRead> = {};
    for (const v of variants) {
      if (v.files === undefined) continue;
      const at = v.files(join(workDir, v.id));
      files[v.id] = readBack(at);
      if (at.startsWith('/dev/shm/')) rmSync(at, { recursive: true, force: true });
    }
    const received: Record<string, number> = {};
    for (const [id, sink] of Object.entries(sinks)) if (id === 'webhook') received[id] = sink.received();
    for (const [id, n] of Object.entries(received))
      o.log(`  ${id}: ${n.toLocaleString('en-US')} entries received`);
    for (const [id, f] of Object.entries(files))
      o.log(
        `  ${id}: ${f.entries.toLocaleString('en-US')} entries, ${f.checkpoints} checkpoints, ${f.dropped} dropped, ${(f.bytes / 1e6).toFixed(1)} MB`,
      );
    if (quiet) await waitForQuiet(30_000, o.log);
    const entry = entryCost(s.quick ? 50 : 1000);
    o.log(
      `in-process: select ${entry.selectUs.toFixed(2)} µs, line (entry JSON, chain, bytes) ${entry.lineUs.toFixed(2)} µs, previous way ${entry.previousUs.toFixed(2)} µs (${entry.lineBytes} bytes)`,
    );
    const profile = o.profileDir
      ? variants.map((v) => `${v.id}:\n${summarizeProfiles(join(o.profileDir!, v.id))}`).join('\n\n')
      : undefined;
    return {
      scale: s,
      entry,
      variants,
      rows,
      files,
      received,
      tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
      pinned,
      ...(profile ? { profile } : {}),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeClients();
    await Promise.all(servers.map((x) => x.stop()));
    await Promise.all(Object.values(sinks).map((x) => x.stop()));
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The result as Markdown (the format of docs/benchmarks.md). */
export function auditTables(r: AuditResult): string {
  const out = [
    '| case | server | throughput (best round) | rounds | CPU per request | p50 / p99 ms | server CPU |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const { variant, row } of r.rows)
    out.push(
      `| ${row.title} (\`${row.caseId}\`) | ${variant} | ${int(row.value)} req/s | ${row.roundValues.map(int).join(', ')} | ${fmtCpu(row.cpuPerRequestMs)} | ${row.p50Ms.toFixed(2)} / ${row.p99Ms.toFixed(2)} | ${row.serverCpuPct.toFixed(0)}% |`,
    );
  out.push(
    '',
    '| case | ratio | throughput (best ÷ best) | per-round throughput | median per-round | CPU per request | cost (best) | aim ≤ 10 % |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const c of CASES) {
    const off = r.rows.find((x) => x.variant === 'off' && x.row.caseId === c.id)?.row;
    if (!off) continue;
    for (const { variant, row } of r.rows) {
      if (variant === 'off' || row.caseId !== c.id) continue;
      const ratio = row.value / off.value;
      const rounds = row.roundValues.map((x, i) => x / off.roundValues[i]!);
      const cost = (1 - ratio) * 100;
      out.push(
        `| \`${c.id}\` | ${variant} ÷ off | ${ratio.toFixed(3)}× | ${rounds.map((x) => x.toFixed(2)).join(', ')} | ${median(rounds).toFixed(2)}× | ${(row.cpuPerRequestMs / off.cpuPerRequestMs).toFixed(2)}× | ${cost.toFixed(1)} % | ${cost <= 10 ? 'met' : '**missed**'} |`,
      );
    }
  }
  out.push('');
  for (const [id, f] of Object.entries(r.files))
    out.push(
      `Read back (${id}): ${int(f.entries)} entries (${(f.bytes / Math.max(1, f.entries + f.checkpoints)).toFixed(0)} bytes a line), ${int(f.checkpoints)} checkpoints, ${int(f.dropped)} dropped.`,
    );
  for (const [id, n] of Object.entries(r.received))
    out.push(`Received (${id}): ${int(n)} entries, by the endpoint beside the load generator.`);
  const off = r.rows.find((x) => x.variant === 'off' && x.row.caseId === 'get-1k-signed')?.row;
  out.push(
    '',
    `In-process, one core (best of 3), per entry: selecting and redacting the headers ${r.entry.selectUs.toFixed(2)} µs; the chained line's bytes (auditEntryFields, Chain.fieldsTo a batch's buffer: what a target's queue does per line when it takes a batch) ${r.entry.lineUs.toFixed(2)} µs, ${r.entry.lineBytes} bytes a line, against ${r.entry.previousUs.toFixed(2)} µs the previous way (toAuditEntry, JSON.stringify, Chain.line, UTF-8)${off ? ` — ${(((r.entry.selectUs + r.entry.lineUs) / (off.cpuPerRequestMs * 1000)) * 100).toFixed(1)} % of the ${fmtCpu(off.cpuPerRequestMs)} of server CPU a header-signed GET costs with audit off` : ''}.`,
  );
  out.push('', `Load: ${r.tool}, 32 connections; ${r.pinned}.`);
  if (r.scale.quick) out.push('', '(--quick: durations are reduced, the numbers mean nothing)');
  return out.join('\n');
}

/** Failed requests (non-2xx or socket errors) and dropped entries of the run. */
export function auditErrors(r: AuditResult): number {
  return r.rows.reduce((n, x) => n + x.row.errors, 0);
}
