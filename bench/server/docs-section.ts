/**
 * Writing docs/benchmarks.md: a section is replaced in place (other sections stay as they are)
 * and a hand-written "### Reading the numbers" subsection in it is kept. The "## Server" section
 * is server-section.ts; the section of a run with --baseline is here.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { baselineTable, detailTable } from './report.js';
import type { ServerBenchResult } from './suite.js';

/** The machine a run measured on, for the report. */
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
export function replaceSection(file: string, title: string, body: (reading: string) => string): void {
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
      `the reference servers of "Server" above; ${result.scale.rounds} rounds of ${result.scale.seconds} s,`,
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
