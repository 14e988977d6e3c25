/**
 * The tables of the server benchmark's report: the summary (Tessera beside the references, with
 * ratios against the minimal verifier, bare Node and nginx), the workers case, Tessera against
 * the baseline build, and every measurement. The aims are in aims.ts, the docs section in
 * docs-section.ts.
 */
import { CASES } from './cases.js';
import { fmtCpu, LABELS, type Row, TARGETS, type Target } from './row.js';

export type ByTarget = Partial<Record<Target, Row>>;

/**
 * What one fully busy core would deliver at the CPU cost measured: the result divided by the
 * server's CPU share. Less sensitive than the result itself to other load on a shared machine.
 */
export function perCore(r: Row): Row {
  return { ...r, value: r.serverCpuPct > 0 ? (r.value * 100) / r.serverCpuPct : Number.NaN };
}

export function perCoreAll(t: ByTarget): ByTarget {
  const out: ByTarget = {};
  for (const x of TARGETS) if (t[x]) out[x] = perCore(t[x]);
  return out;
}

export function byCase(rows: Row[]): Map<string, ByTarget> {
  const m = new Map<string, ByTarget>();
  for (const r of rows) {
    const e = m.get(r.caseId) ?? {};
    e[r.target] = r;
    m.set(r.caseId, e);
  }
  return m;
}

export function fmtValue(r: Row | undefined): string {
  if (!r) return '–';
  const v = r.unit === 'GB/s' ? r.value.toFixed(2) : Math.round(r.value).toLocaleString('en-US');
  return `${v} ${r.unit}`;
}

const ratio = (a: Row | undefined, b: Row | undefined) =>
  a && b ? `${(a.value / b.value).toFixed(2)}×` : '–';
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function table(header: string[], lines: string[][]): string {
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
const titleOf = (id: string) => CASES.find((c) => c.id === id)?.title ?? id;
/** The servers of the summary's CPU column, in its order. */
const CPU_COLUMN: Target[] = ['bare', 'minimal', 'verify', 'nginx', 'tessera'];

/**
 * The comparison table: Tessera beside the references, with ratios against the minimal verifier
 * (the ceiling), Tessera's verifier in a bare server against it, Tessera against nginx (file
 * GETs) and bare Node; with --baseline also beside the earlier build ('previous'). The workers
 * case has its own table.
 */
export function summaryTable(rows: Row[]): string {
  const lines: string[][] = [];
  const withPrevious = hasBaseline(rows);
  for (const [id, t] of byCase(rows)) {
    if (t.tessera2) continue;
    const tes = t.tessera;
    const previous = withPrevious
      ? [fmtValue(t.previous), ratio(tes, t.previous), cpuRatio(tes, t.previous)]
      : [];
    lines.push([
      `${titleOf(id)} (\`${id}\`)`,
      fmtValue(t.bare),
      fmtValue(t.minimal),
      fmtValue(t.verify),
      t.nginx ? fmtValue(t.nginx) : '–',
      fmtValue(tes),
      ratio(tes, t.minimal),
      ratio(t.verify, t.minimal),
      ratio(tes, t.nginx),
      ratio(tes, t.bare),
      tes ? `${ms(tes.p50Ms)} / ${ms(tes.p99Ms)}` : '–',
      CPU_COLUMN.map((x) => (t[x] ? fmtCpu(t[x].cpuPerRequestMs) : '–')).join(' / '),
      tes && t.minimal ? ratio(perCore(tes), perCore(t.minimal)) : '–',
      `${Math.max(...TARGETS.map((x) => t[x]?.clientCpuPct ?? 0)).toFixed(0)}%`,
      `${Math.max(...TARGETS.map((x) => t[x]?.otherCpuPct ?? 0)).toFixed(0)}%`,
      ...previous,
    ]);
  }
  return table(
    [
      'benchmark',
      LABELS.bare,
      LABELS.minimal,
      LABELS.verify,
      LABELS.nginx,
      LABELS.tessera,
      'Tessera ÷ minimal',
      'Tessera verifier (bare) ÷ minimal',
      'Tessera ÷ nginx',
      'Tessera ÷ bare',
      'Tessera p50 / p99 ms',
      'server CPU per request (bare / minimal / Tessera verifier / nginx / Tessera)',
      'Tessera ÷ minimal by CPU',
      'client CPU (max)',
      'other CPU (max)',
      ...(withPrevious ? ['previous', 'Tessera ÷ previous', 'CPU per request Tessera ÷ previous'] : []),
    ],
    lines,
  );
}

/**
 * Scaling of the workers case: req/s₂ ÷ req/s₁, and per busy core, CPU/request₁ ÷ CPU/request₂
 * × 2 (what two cores would serve if each worker were as efficient as the single one).
 */
export function workerScaling(t: ByTarget): { rate: number; perBusyCore: number } | undefined {
  const one = t.tessera;
  const two = t.tessera2;
  if (!one || !two) return undefined;
  return { rate: two.value / one.value, perBusyCore: (one.cpuPerRequestMs / two.cpuPerRequestMs) * 2 };
}

/** The workers case: one worker (pinned) against two (unpinned), by rate and by CPU per request. */
export function workersTable(rows: Row[]): string {
  const lines: string[][] = [];
  for (const [id, t] of byCase(rows)) {
    const k = workerScaling(t);
    if (!k) continue;
    const one = t.tessera!;
    const two = t.tessera2!;
    lines.push([
      `${titleOf(id)} (\`${id}\`)`,
      fmtValue(one),
      fmtValue(two),
      `${k.rate.toFixed(2)}×`,
      `${fmtCpu(one.cpuPerRequestMs)} / ${fmtCpu(two.cpuPerRequestMs)}`,
      `${one.serverCpuPct.toFixed(0)}% / ${two.serverCpuPct.toFixed(0)}%`,
      `${k.perBusyCore.toFixed(2)}×`,
      `${Math.max(one.clientCpuPct, two.clientCpuPct).toFixed(0)}%`,
    ]);
  }
  if (!lines.length) return '';
  return table(
    [
      'benchmark',
      'TESSERA_WORKERS=1 (one core)',
      'TESSERA_WORKERS=2 (unpinned)',
      'req/s₂ ÷ req/s₁',
      'CPU per request (1 / 2 workers)',
      'server CPU (1 / 2 workers)',
      'per busy core (CPU/request₁ ÷ CPU/request₂ × 2)',
      'client CPU (max)',
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
    lines.push([
      `${titleOf(id)} (\`${id}\`)`,
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
