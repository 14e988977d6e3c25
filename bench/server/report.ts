import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { CASES } from './cases.js';
import { fmtCpu, type Row, TARGETS, type Target } from './row.js';
import type { ServerBenchResult } from './suite.js';

/** The servers of every run (the baseline, `previous`, only with --baseline). */
const BASE: Target[] = ['bare', 'verify', 'tessera'];

export interface Aim {
  caseId: string;
  text: string;
  /** The measured value compared with the goal (a ratio, req/s, MiB/s or GB/s). */
  measure: (byTarget: Partial<Record<Target, Row>>) => number | undefined;
  goal: number;
  unit: string;
}

/** The project's aims for one core (the issue that asked for this harness). */
export const AIMS: Aim[] = [
  {
    caseId: 'get-1k-presigned',
    text: '1 KiB presigned GET ≥ 0.8× the verifying reference',
    measure: (t) => (t.tessera && t.verify ? t.tessera.value / t.verify.value : undefined),
    goal: 0.8,
    unit: '×',
  },
  {
    caseId: 'list-rollup',
    text: 'roll-up listing of 10,000 keys ≥ 1,000 req/s',
    measure: (t) => t.tessera?.value,
    goal: 1000,
    unit: 'req/s',
  },
  {
    caseId: 'put-256m',
    text: '256 MiB streaming-signed PUT ≥ 300 MiB/s',
    measure: (t) => t.tessera?.value,
    goal: 300,
    unit: 'MiB/s',
  },
  {
    caseId: 'get-256m',
    text: '256 MiB GET ≥ 1.5 GB/s',
    measure: (t) => t.tessera?.value,
    goal: 1.5,
    unit: 'GB/s',
  },
];

/**
 * What one fully busy core would deliver at the CPU cost measured: the result divided by the
 * server's CPU share. Less sensitive than the result itself to other load on a shared machine.
 */
export function perCore(r: Row): Row {
  return { ...r, value: r.serverCpuPct > 0 ? (r.value * 100) / r.serverCpuPct : Number.NaN };
}

function perCoreAll(t: Partial<Record<Target, Row>>): Partial<Record<Target, Row>> {
  const out: Partial<Record<Target, Row>> = {};
  for (const x of TARGETS) if (t[x]) out[x] = perCore(t[x]);
  return out;
}

function byCase(rows: Row[]): Map<string, Partial<Record<Target, Row>>> {
  const m = new Map<string, Partial<Record<Target, Row>>>();
  for (const r of rows) {
    const e = m.get(r.caseId) ?? {};
    e[r.target] = r;
    m.set(r.caseId, e);
  }
  return m;
}

function fmtValue(r: Row | undefined): string {
  if (!r) return '–';
  const v = r.unit === 'GB/s' ? r.value.toFixed(2) : Math.round(r.value).toLocaleString('en-US');
  return `${v} ${r.unit}`;
}

const ratio = (a: Row | undefined, b: Row | undefined) =>
  a && b ? `${(a.value / b.value).toFixed(2)}×` : '–';
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(header: string[], lines: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...lines.map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');
}

/** CPU per request of `a` divided by that of `b` (below 1: `a` is cheaper). */
const cpuRatio = (a: Row | undefined, b: Row | undefined) =>
  a && b ? `${(a.cpuPerRequestMs / b.cpuPerRequestMs).toFixed(2)}×` : '–';

const hasBaseline = (rows: Row[]) => rows.some((r) => r.target === 'previous');

/**
 * The comparison table: Tessera beside both references, with ratios; with --baseline also
 * beside the earlier build ('previous').
 */
export function summaryTable(rows: Row[]): string {
  const lines: string[][] = [];
  const withPrevious = hasBaseline(rows);
  for (const [id, t] of byCase(rows)) {
    const title = CASES.find((c) => c.id === id)?.title ?? id;
    const tes = t.tessera;
    const previous = withPrevious
      ? [fmtValue(t.previous), ratio(tes, t.previous), cpuRatio(tes, t.previous)]
      : [];
    lines.push([
      `${title} (\`${id}\`)`,
      fmtValue(t.bare),
      fmtValue(t.verify),
      fmtValue(tes),
      ratio(tes, t.verify),
      ratio(tes, t.bare),
      tes ? `${ms(tes.p50Ms)} / ${ms(tes.p99Ms)}` : '–',
      BASE.map((x) => (t[x] ? fmtCpu(t[x].cpuPerRequestMs) : '–')).join(' / '),
      tes && t.verify ? ratio(perCore(tes), perCore(t.verify)) : '–',
      `${Math.max(...TARGETS.map((x) => t[x]?.clientCpuPct ?? 0)).toFixed(0)}%`,
      `${Math.max(...TARGETS.map((x) => t[x]?.otherCpuPct ?? 0)).toFixed(0)}%`,
      ...previous,
    ]);
  }
  return table(
    [
      'benchmark',
      'bare Node',
      'Node + SigV4 verify',
      'Tessera',
      'Tessera ÷ verify',
      'Tessera ÷ bare',
      'Tessera p50 / p99 ms',
      'server CPU per request (bare / verify / Tessera)',
      'Tessera ÷ verify by CPU',
      'client CPU (max)',
      'other CPU (max)',
      ...(withPrevious ? ['previous', 'Tessera ÷ previous', 'CPU per request Tessera ÷ previous'] : []),
    ],
    lines,
  );
}

/** min–max of the per-round ratios a[i] / b[i] (the two were measured in the same round). */
function pairedSpread(a: number[], b: number[]): string {
  const r = a.slice(0, b.length).map((x, i) => x / b[i]!);
  if (r.length < 2) return '–';
  return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}`;
}

/**
 * Tessera against the baseline build (--baseline), one line per case: throughput (best round)
 * and CPU per request (of that round), with the ratios and their spread over the rounds.
 */
export function baselineTable(rows: Row[]): string {
  const lines: string[][] = [];
  for (const [id, t] of byCase(rows)) {
    const tes = t.tessera;
    const prev = t.previous;
    if (!tes || !prev) continue;
    const title = CASES.find((c) => c.id === id)?.title ?? id;
    lines.push([
      `${title} (\`${id}\`)`,
      fmtValue(prev),
      fmtValue(tes),
      ratio(tes, prev),
      pairedSpread(tes.roundValues, prev.roundValues),
      `${fmtCpu(prev.cpuPerRequestMs)} / ${fmtCpu(tes.cpuPerRequestMs)}`,
      cpuRatio(tes, prev),
      pairedSpread(tes.roundCpuMs, prev.roundCpuMs),
      `${ms(prev.p50Ms)} / ${ms(prev.p99Ms)}`,
      `${ms(tes.p50Ms)} / ${ms(tes.p99Ms)}`,
    ]);
  }
  return table(
    [
      'benchmark',
      'previous',
      'Tessera',
      'Tessera ÷ previous',
      'per-round ratios',
      'CPU per request (previous / Tessera)',
      'CPU per request Tessera ÷ previous',
      'per-round CPU ratios',
      'previous p50 / p99 ms',
      'Tessera p50 / p99 ms',
    ],
    lines,
  );
}

/** Every measurement, one line per case and server. */
export function detailTable(rows: Row[]): string {
  const spread = (r: Row) => {
    const f = (v: number) => (r.unit === 'GB/s' ? v.toFixed(2) : Math.round(v).toLocaleString('en-US'));
    return r.rounds > 1 ? `${f(r.min)}–${f(r.max)}` : '–';
  };
  return table(
    [
      'case',
      'server',
      'best round',
      'all rounds',
      'requests',
      'p50 ms',
      'p99 ms',
      'CPU/request',
      'server CPU',
      'client',
      'client CPU',
      'other CPU',
      'errors',
    ],
    rows.map((r) => [
      r.caseId,
      r.target,
      fmtValue(r),
      spread(r),
      String(r.requests),
      ms(r.p50Ms),
      ms(r.p99Ms),
      fmtCpu(r.cpuPerRequestMs),
      `${r.serverCpuPct.toFixed(0)}%`,
      r.tool,
      `${r.clientCpuPct.toFixed(0)}%`,
      `${r.otherCpuPct.toFixed(0)}%`,
      String(r.errors),
    ]),
  );
}

export function aimsTable(rows: Row[]): string {
  const cases = byCase(rows);
  const lines: string[][] = [];
  for (const a of AIMS) {
    const t = cases.get(a.caseId);
    const v = t ? a.measure(t) : undefined;
    if (!t || v === undefined) continue;
    const c = a.measure(perCoreAll(t));
    const show = (x: number | undefined) =>
      x === undefined || Number.isNaN(x)
        ? '–'
        : `${a.unit === 'GB/s' || a.unit === '×' ? x.toFixed(2) : Math.round(x).toLocaleString('en-US')} ${a.unit}`;
    const verdict = (x: number | undefined) =>
      x === undefined || Number.isNaN(x)
        ? '–'
        : x >= a.goal
          ? 'met'
          : `**missed** (${((1 - x / a.goal) * 100).toFixed(0)}% short)`;
    lines.push([a.text, show(v), verdict(v), show(c), verdict(c)]);
  }
  return lines.length
    ? table(['aim (one core)', 'measured', '', 'per busy core (from CPU per request)', ''], lines)
    : '';
}

export function machine(): { cpu: string; nproc: number; node: string } {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return { cpu, nproc: cpus().length, node: process.version };
}

/** A hand-written "### Reading the numbers" subsection, kept when a section is rewritten. */
const READING = /^### Reading the numbers\s*\n([\s\S]*?)(?=^### |(?![\s\S]))/m;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Puts `body` (which starts with its "## title" line) in place of the section of that title,
 * or after the last section when there is none; keeps a "### Reading the numbers" subsection.
 */
function replaceSection(file: string, title: string, body: (reading: string) => string): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = old.search(new RegExp(`^## ${escapeRe(title)}\\s*$`, 'm'));
  let before = old;
  let after = '';
  let reading = '';
  if (start >= 0) {
    const rest = old.slice(start + 1);
    const next = rest.search(/^## /m);
    const end = next >= 0 ? start + 1 + next : old.length;
    reading = READING.exec(old.slice(start, end))?.[1]?.trim() ?? '';
    before = old.slice(0, start);
    after = old.slice(end);
  }
  const head = before.trimEnd();
  writeFileSync(file, `${head ? `${head}\n\n` : ''}${body(reading)}${after ? `\n${after.trimStart()}` : ''}`);
}

/**
 * Writes the section `## title` of docs/benchmarks.md for a run with --baseline: Tessera
 * against the earlier build, and every measurement (the references included). Other sections,
 * "## Server" among them, stay as they are.
 */
export function writeBaselineSection(
  file: string,
  result: ServerBenchResult,
  o: { title: string; command: string; date: string; previous: string; current: string },
): void {
  const m = machine();
  replaceSection(file, o.title, (reading) =>
    [
      `## ${o.title}`,
      '',
      `Measured ${o.date} on ${m.nproc} × ${m.cpu}, Node ${m.node}, Linux; load generator ${result.tool};`,
      `${result.pinned}. **previous** is ${o.previous}; **Tessera** is ${o.current}. Both run as`,
      'users run them (`TESSERA_WORKERS=1`, each on its own temporary data directory with the same objects,',
      'written through its own S3 API) and are measured in the same run, with the same requests, beside',
      `the two reference servers of "Server" above; ${result.scale.rounds} rounds of ${result.scale.seconds} s,`,
      'Tessera and previous swap places in every other round. Throughput is the best round; CPU per',
      "request is that round's server CPU (process tree) divided by its requests. The per-round ratios",
      'pair the two servers round by round: their spread is the noise of this machine.',
      '',
      '```sh',
      o.command,
      '```',
      '',
      baselineTable(result.rows),
      '',
      '### Every measurement',
      '',
      detailTable(result.rows),
      '',
      '### Reading the numbers',
      '',
      reading || '(to be written)',
      '',
    ].join('\n'),
  );
}

/**
 * Replaces the "## Server" section of docs/benchmarks.md (other sections stay as they are).
 * A "### Reading the numbers" subsection already there is kept: it is written by hand.
 */
export function writeServerSection(
  file: string,
  result: ServerBenchResult,
  command: string,
  date: string,
): void {
  const m = machine();
  const rows = result.rows;
  replaceSection(file, 'Server', (reading) =>
    [
      '## Server',
      '',
      `Measured ${date} on ${m.nproc} × ${m.cpu}, Node ${m.node}, Linux; load generator ${result.tool};`,
      `${result.pinned}. Tessera runs with \`TESSERA_WORKERS=1\` (one worker; the primary only supervises) on`,
      'a temporary data directory on the local disk. Every row is measured in the same run against two reference',
      'servers, each one Node process on the same core: **bare Node** (node:http answering with the same bytes',
      'from memory, the same headers and the same listing XML, draining PUT bodies) and **Node + SigV4 verify**',
      "(the same plus Tessera's own `authenticate()` on every request and its payload check on PUT bodies:",
      'chunk signatures for streaming PUTs, the SHA-256 for the others) — the ceiling for any authenticating',
      'Node server.',
      '',
      '```sh',
      'apt-get install wrk      # without it the harness falls back to a slower Node load generator',
      command,
      '```',
      '',
      'Select benchmarks by name (`node dist/bench/run.js get-1k list put-256m`); `--quick` runs short',
      'durations and small fixtures to check that the harness works (its numbers mean nothing);',
      '`--profile DIR` writes CPU profiles of the Tessera worker and prints where its time went;',
      '`--baseline DIR` also measures an earlier build (see "Against an earlier build" below).',
      '',
      'How it measures: wrk replays requests from a Lua script (a presigned URL as it is; header-signed',
      'requests from 30,000 requests pre-signed with the AWS SDK signer that differ in a signed nonce header, so',
      'no signature repeats within a run) with 32 connections (16 for 1 MiB GETs, 1 for 256 MiB GETs). HEAD',
      'uses the built-in Node generator (raw keep-alive sockets), because wrk 4.1 waits for the body a HEAD',
      'answer announces. The 256 MiB PUT sends a prebuilt STREAMING-AWS4-HMAC-SHA256-PAYLOAD body (64 KiB',
      'chunks, chained chunk signatures) from memory with node:http, 2 PUTs per round. Every server gets a',
      "1 s warm-up, then 3 rounds of 4 s; a round measures the three servers in turn and each server's best",
      'round is reported (the spread is in the last table). The machine may be shared: before each round the',
      'harness waits (up to 30 s) until the rest of the machine uses less than a fifth of a core, and other',
      "load can only slow a round down. Server CPU is utime + stime of the server's process tree (/proc/<pid>/stat) over",
      "the round, divided by the requests served; client CPU is the load generator's own; other CPU is what",
      'the rest of the machine used meanwhile (user + system from /proc/stat), all as % of one core.',
      '',
      summaryTable(rows),
      '',
      '### Aims',
      '',
      aimsTable(rows),
      '',
      '### Every measurement',
      '',
      detailTable(rows),
      '',
      '### Reading the numbers',
      '',
      reading || '(to be written)',
      '',
    ].join('\n'),
  );
}
