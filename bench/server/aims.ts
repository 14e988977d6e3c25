/**
 * Issue 13's aims for the server benchmark, each met or missed with its shortfall, measured
 * (best round) and per busy core (from CPU per request, less sensitive to other load).
 */
import { type ByTarget, byCase, perCoreAll, table, workerScaling } from './report.js';
import type { Row, Target } from './row.js';

export interface Aim {
  caseId: string;
  text: string;
  /** The measured value compared with the goal (a ratio, req/s, MiB/s or GB/s). */
  measure: (byTarget: ByTarget) => number | undefined;
  /** The same per busy core (default: `measure` of every row scaled to one fully busy core). */
  perCore?: (byTarget: ByTarget) => number | undefined;
  goal: number;
  unit: string;
}

/** a ÷ b of the best rounds. */
const over = (a: Target, b: Target) => (t: ByTarget) => {
  const x = t[a];
  const y = t[b];
  return x && y ? x.value / y.value : undefined;
};
const tessera = (t: ByTarget) => t.tessera?.value;

export const AIMS: Aim[] = [
  {
    caseId: 'get-1k-presigned',
    text: '1 KiB presigned GET ≥ 0.8× minimal',
    measure: over('tessera', 'minimal'),
    goal: 0.8,
    unit: '×',
  },
  {
    caseId: 'head',
    text: 'HEAD (fresh header signature) ≥ 0.8× minimal',
    measure: over('tessera', 'minimal'),
    goal: 0.8,
    unit: '×',
  },
  {
    caseId: 'get-1k-signed',
    text: '1 KiB GET, fresh header signature ≥ 0.8× minimal',
    measure: over('tessera', 'minimal'),
    goal: 0.8,
    unit: '×',
  },
  {
    caseId: 'get-1k-presigned',
    text: "Tessera's authenticate() in a bare server ≥ 0.95× minimal (1 KiB presigned GET)",
    measure: over('verify', 'minimal'),
    goal: 0.95,
    unit: '×',
  },
  {
    caseId: 'get-1k-signed',
    text: "Tessera's authenticate() in a bare server ≥ 0.95× minimal (1 KiB header-signed GET)",
    measure: over('verify', 'minimal'),
    goal: 0.95,
    unit: '×',
  },
  {
    caseId: 'put-1k',
    text: '1 KiB PUT ≥ 0.4× minimal',
    measure: over('tessera', 'minimal'),
    goal: 0.4,
    unit: '×',
  },
  {
    caseId: 'get-1m-presigned',
    text: '1 MiB GET (presigned) ≥ 0.8× minimal',
    measure: over('tessera', 'minimal'),
    goal: 0.8,
    unit: '×',
  },
  {
    caseId: 'get-1m-presigned',
    text: '1 MiB GET (presigned) ≥ 1.0× nginx',
    measure: over('tessera', 'nginx'),
    goal: 1,
    unit: '×',
  },
  {
    caseId: 'put-256m',
    text: '256 MiB streaming-signed PUT ≥ 400 MiB/s, single stream (servers unpinned)',
    measure: tessera,
    goal: 400,
    unit: 'MiB/s',
  },
  {
    caseId: 'get-256m',
    text: '256 MiB GET, one connection ≥ 1.5 GB/s',
    measure: tessera,
    goal: 1.5,
    unit: 'GB/s',
  },
  {
    caseId: 'get-1k-workers',
    text: 'TESSERA_WORKERS=2 ≥ 1.7× one worker (1 KiB presigned GET)',
    measure: (t) => workerScaling(t)?.rate,
    perCore: (t) => workerScaling(t)?.perBusyCore,
    goal: 1.7,
    unit: '×',
  },
  {
    caseId: 'list-rollup',
    text: 'roll-up listing of 10,000 keys ≥ 1,000 req/s (no regression)',
    measure: tessera,
    goal: 1000,
    unit: 'req/s',
  },
];

/** One line per aim whose case was measured: value and verdict, measured and per busy core. */
export function aimsTable(rows: Row[]): string {
  const cases = byCase(rows);
  const lines: string[][] = [];
  for (const a of AIMS) {
    const t = cases.get(a.caseId);
    const v = t ? a.measure(t) : undefined;
    if (!t || v === undefined) continue;
    const c = a.perCore ? a.perCore(t) : a.measure(perCoreAll(t));
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
    lines.push([`${a.text} (\`${a.caseId}\`)`, show(v), verdict(v), show(c), verdict(c)]);
  }
  return lines.length
    ? table(['aim', 'measured', '', 'per busy core (from CPU per request)', ''], lines)
    : '';
}

/** How many of the aims measured were met, e.g. "3 of 12". */
export function aimsMet(rows: Row[]): { met: number; of: number } {
  const cases = byCase(rows);
  let met = 0;
  let of = 0;
  for (const a of AIMS) {
    const t = cases.get(a.caseId);
    const v = t ? a.measure(t) : undefined;
    if (v === undefined || Number.isNaN(v)) continue;
    of++;
    if (v >= a.goal) met++;
  }
  return { met, of };
}
