/**
 * The "## Server" section of docs/benchmarks.md (`--write-docs`): how the run was made, the
 * summary against the references, the workers case, the aims, where Tessera's time went (with
 * --profile), every measurement, and the hand-written "Reading the numbers" (kept).
 */
import { aimsMet, aimsTable } from './aims.js';
import { machine, replaceSection } from './docs-section.js';
import { detailTable, summaryTable, workersTable } from './report.js';
import type { ServerBenchResult } from './suite.js';

/** The cases whose profile the section lists (top self-time functions of the Tessera worker). */
export const PROFILED_IN_DOCS = ['get-1k-presigned', 'put-1k'];

export type ProfileTops = Record<string, { fn: string; pct: number }[]>;

function whereTheTimeGoes(tops: ProfileTops): string[] {
  const out: string[] = [];
  for (const [id, top] of Object.entries(tops)) {
    if (!top.length) continue;
    out.push(
      `- \`${id}\`: ${top.map((t) => `\`${t.fn.replace(/file:\/\/\S*?\/(?=src\/)/, '')}\` ${t.pct.toFixed(1)} %`).join(', ')}`,
    );
  }
  if (!out.length) return [];
  return [
    '### Where the time goes',
    '',
    "Top self-time functions of the Tessera worker (`--profile`, node --cpu-prof, % of the worker's busy time):",
    '',
    ...out,
    '',
  ];
}

function how(result: ServerBenchResult): string[] {
  const s = result.scale;
  return [
    'How it measures: wrk replays requests from a Lua script (a presigned URL as it is; header-signed',
    `requests from ${s.signed.toLocaleString('en-US')} requests pre-signed with the AWS SDK signer that differ in a signed nonce header, so`,
    'no signature repeats within a run) with 32 connections (16 for 1 MiB GETs, 1 for 256 MiB GETs). HEAD',
    'uses the built-in Node generator (raw keep-alive sockets), because wrk 4.1 waits for the body a HEAD',
    'answer announces. The 256 MiB PUT sends a prebuilt STREAMING-AWS4-HMAC-SHA256-PAYLOAD body (64 KiB',
    `chunks, chained chunk signatures) from memory with node:http, ${s.largePuts} PUTs per round. Every server gets a`,
    `${s.warmSeconds} s warm-up, then ${s.rounds} round${s.rounds === 1 ? '' : 's'} of ${s.seconds} s; a round measures every server of the case in turn, the order`,
    "rotating by one place each round, and each server's best round is reported (the spread is in the last table).",
    'The machine may be shared: before each round the harness waits (up to 30 s) until the rest of the machine',
    'uses less than a fifth of a core, and other load can only slow a round down. Server CPU is utime + stime',
    "of the server's process tree (/proc/<pid>/stat) over the round, divided by the requests served; client CPU",
    "is the load generator's own; other CPU is what the rest of the machine used meanwhile (user + system from",
    '/proc/stat), all as % of one core. "By CPU" and "per busy core" scale each result to one fully busy core.',
  ];
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
  tops: ProfileTops = {},
): void {
  const m = machine();
  const rows = result.rows;
  const workers = workersTable(rows);
  const { met, of } = aimsMet(rows);
  replaceSection(file, 'Server', (reading) =>
    [
      '## Server',
      '',
      `Measured ${date} on ${m.nproc} × ${m.cpu}, Node ${m.node}, Linux; load generator ${result.tool};`,
      `${result.pinned}. Tessera runs with \`TESSERA_WORKERS=1\` (one worker; the primary only supervises) on`,
      'a temporary data directory on the local disk. Every row is measured in the same run, on the same core,',
      'against reference servers, each its own process:',
      '',
      '- **bare Node**: node:http answering with the same bytes from memory, the same headers and the same',
      '  listing XML, draining PUT bodies — the ceiling for any Node HTTP server.',
      '- **minimal verifier**: the same answers behind the smallest correct SigV4 check, written from the AWS',
      "  specification without Tessera's code (bench/server/minimal-sigv4.ts: canonical request, the HMAC chain",
      '  with a cached signing key, `timingSafeEqual`, header and presigned forms, clock skew and expiry; for PUTs',
      '  the SHA-256 of the body or the chained chunk signatures), synchronous, no storage, no policy — the',
      '  ceiling for any authenticating Node server. The ratios are against it.',
      "- **Tessera verifier (bare)**: the same answers behind Tessera's own `authenticate()` and payload check:",
      "  what Tessera's verifier costs outside Tessera.",
      `- **nginx** (file GETs only; ${result.nginx ?? 'not measured'}): the same bytes from a file on disk, one worker process,`,
      '  sendfile, keep-alive, no access log; it ignores the query string and the signature.',
      ...result.notes.map((n) => `- Placement: ${n}.`),
      '',
      '```sh',
      'apt-get install wrk nginx-light   # without wrk: a slower Node load generator; without nginx: no nginx rows',
      command,
      '```',
      '',
      'Select benchmarks by name (`node dist/bench/run.js get-1k list put-256m workers`); `--quick` runs short',
      'durations and small fixtures to check that the harness works (its numbers mean nothing);',
      '`--profile DIR` restarts Tessera for each case with CPU profiles in DIR/<case> and prints where its time',
      'went; `--baseline DIR` also measures an earlier build (see "Against an earlier build" below).',
      '',
      ...how(result),
      '',
      summaryTable(rows),
      '',
      ...(workers
        ? [
            '### Workers',
            '',
            'Two cores only, so the load generator cannot stay off the measured cores: the two-worker server is judged',
            'by its CPU per request as well as by its rate.',
            '',
            workers,
            '',
          ]
        : []),
      '### Aims',
      '',
      `Met: ${met} of the ${of} aims measured.`,
      '',
      aimsTable(rows),
      '',
      ...whereTheTimeGoes(tops),
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
