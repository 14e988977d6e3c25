import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNodeLoad } from './node-load.js';
import { type PreparedRequest, rawRequest } from './signing.js';

/** What one bounded load run measured. */
export interface LoadResult {
  tool: 'wrk' | 'node';
  requests: number;
  seconds: number;
  rps: number;
  /** Bytes the client read (headers and bodies). */
  bytes: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors. */
  errors: number;
  /** CPU seconds the load generator itself used. */
  clientCpuSec: number;
}

export interface LoadOptions {
  port: number;
  requests: PreparedRequest[];
  seconds: number;
  connections: number;
  /** CPU list for the load generator (taskset), when pinning. */
  cpuList: string | undefined;
  /** Where to write the request file and Lua script. */
  workDir: string;
  timeoutSec?: number;
}

export const WRK = '/usr/bin/wrk';

/** wrk when installed (Debian: apt-get install wrk), otherwise the built-in Node load generator. */
export function loadTool(): 'wrk' | 'node' {
  if (process.env.BENCH_LOAD === 'node') return 'node';
  if (existsSync(WRK)) return 'wrk';
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? 'wrk' : 'node';
}

function wrkPath(): string {
  return existsSync(WRK) ? WRK : 'wrk';
}

/**
 * One bounded load run. wrk 4.1 waits for the body a HEAD answer announces (its parser is not
 * told the method), so HEAD always goes through the built-in generator.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const head = o.requests.some((r) => r.method === 'HEAD');
  return loadTool() === 'wrk' && !head ? runWrk(o) : runNodeLoad(o);
}

/**
 * Cycles through prebuilt raw requests (each record "<length>\n<bytes>"), starting each thread
 * at a different place. wrk calls request() for every request it sends.
 */
const LUA = `
local reqs = {}
local n = 0
local i = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
init = function(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = string.find(data, "\\n", pos, true)
    local len = tonumber(string.sub(data, pos, nl - 1))
    n = n + 1
    reqs[n] = string.sub(data, nl + 1, nl + len)
    pos = nl + 1 + len
  end
  i = ((offset or 0) * 7919) % n
end
request = function()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
`;

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function parseBytes(s: string): number {
  const m = /^([\d.]+)([KMGT]?B)$/.exec(s);
  return m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
}

function parseDuration(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(s);
  if (!m) return Number.NaN;
  const scale: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  return Number(m[1]) * scale[m[2]!]!;
}

/** Parses wrk's report (run with --latency). */
export function parseWrk(out: string): Omit<LoadResult, 'tool' | 'clientCpuSec'> {
  const total = /(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/.exec(out);
  if (!total) throw new Error(`cannot read wrk output:\n${out}`);
  const requests = Number(total[1]);
  const seconds = parseDuration(total[2]!);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+\\w+)`, 'm').exec(out);
    return m ? parseDuration(m[1]!) * 1000 : Number.NaN;
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors =
    (non2xx ? Number(non2xx[1]) : 0) + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    bytes: parseBytes(total[3]!),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors,
  };
}

/** bash's `times` prints the CPU time of the shell's children: wrk's own user and system time. */
function parseTimes(out: string): number {
  const lines = out.trim().split('\n');
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : Number.NaN;
}

async function runWrk(o: LoadOptions): Promise<LoadResult> {
  const url = `http://127.0.0.1:${o.port}`;
  const args = [
    '-t1',
    `-c${o.connections}`,
    `-d${Math.max(1, Math.round(o.seconds))}s`,
    '--latency',
    `--timeout`,
    `${o.timeoutSec ?? 10}s`,
  ];
  const only = o.requests[0]!;
  if (
    o.requests.length === 1 &&
    !only.body &&
    Object.keys(only.headers).every((h) => h.toLowerCase() === 'host')
  ) {
    args.push(url + only.path); // a presigned URL, replayed as it is
  } else {
    const file = join(o.workDir, 'requests.bin');
    const script = join(o.workDir, 'replay.lua');
    const parts: Buffer[] = [];
    for (const r of o.requests) {
      const raw = rawRequest(r);
      parts.push(Buffer.from(`${raw.length}\n`), raw);
    }
    writeFileSync(file, Buffer.concat(parts));
    writeFileSync(script, LUA);
    args.push('-s', script, url, '--', file);
  }
  const cmd = o.cpuList ? ['taskset', '-c', o.cpuList, wrkPath(), ...args] : [wrkPath(), ...args];
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('bash', ['-c', '"$@"; status=$?; times; exit $status', 'bench', ...cmd], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const kill = setTimeout(() => p.kill('SIGKILL'), (o.seconds + 60) * 1000);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(kill);
      if (code === 0) resolve(text);
      else reject(new Error(`wrk failed (${code}):\n${text}`));
    });
  });
  return { tool: 'wrk', ...parseWrk(out), clientCpuSec: parseTimes(out) };
}
