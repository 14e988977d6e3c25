/**
 * Which server a measurement is of: the references (bare node:http, the minimal SigV4 verifier,
 * Tessera's verifier in a bare server, nginx for file GETs), Tessera (this build), Tessera with
 * two workers (the workers case), and with --baseline an earlier build of Tessera ('previous').
 */
export type Target = 'bare' | 'minimal' | 'verify' | 'nginx' | 'tessera' | 'tessera2' | 'previous';
export const TARGETS: Target[] = ['bare', 'minimal', 'verify', 'nginx', 'tessera', 'tessera2', 'previous'];

/** How the report names each server. */
export const LABELS: Record<Target, string> = {
  bare: 'bare Node',
  minimal: 'minimal verifier',
  verify: 'Tessera verifier (bare)',
  nginx: 'nginx',
  tessera: 'Tessera',
  tessera2: 'Tessera, 2 workers',
  previous: 'previous',
};

/** One measurement of one case on one server. */
export interface Row {
  caseId: string;
  title: string;
  target: Target;
  unit: 'req/s' | 'MiB/s' | 'GB/s';
  /** The best round's result. */
  value: number;
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (its whole process tree) per request, ms. */
  cpuPerRequestMs: number;
  /** Server CPU over the run, % of one core. */
  serverCpuPct: number;
  /** Load generator CPU over the run, % of one core. */
  clientCpuPct: number;
  /** CPU used by anything else on the machine during the run (user + system), % of one core. */
  otherCpuPct: number;
  /** Best value (reported) and the spread over all rounds. */
  min: number;
  max: number;
  rounds: number;
  /** Every round's result and server CPU per request (ms), in round order. */
  roundValues: number[];
  roundCpuMs: number[];
  errors: number;
  tool: string;
}

/** CPU time per request in the unit that reads best (µs or ms). */
export function fmtCpu(ms: number): string {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}
