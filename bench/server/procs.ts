import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deadline, freePort, ROOT_PASSWORD, ROOT_USER } from './common.js';

/** dist/bench/server → dist/src/cli/main.js */
export const TESSERA_MAIN = resolve(import.meta.dirname, '../../src/cli/main.js');
export const REFERENCE_MAIN = resolve(import.meta.dirname, 'reference-server.js');

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run on). */
const CLK_TCK = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The pid and all its descendants (scans /proc for parent links). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = statFields(Number(e));
    if (f) parent.set(Number(e), Number(f[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** utime + stime of a process tree, in seconds (from /proc/<pid>/stat fields 14 and 15). */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const f = statFields(pid);
    // Fields after the name start at field 3 (state): utime is field 14 → index 11.
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / CLK_TCK;
}

export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  /** CPU seconds used so far by the server's process tree. */
  cpu: () => number;
  output: () => string;
  stop: () => Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** The program (default: this Node) and its arguments. */
  command?: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Text the server prints once it is ready, or a probe that resolves true when it is. */
  ready: string | (() => Promise<boolean>);
  cpuList: string | undefined;
  port: number;
}

/** Starts a server in its own process group (pinned to `cpuList` with taskset) and waits until it is ready. */
export async function spawnServer(o: SpawnOptions): Promise<ServerProcess> {
  const program = o.command ?? process.execPath;
  // taskset execs the program, so the child's pid is the server's own.
  const [cmd, args] = o.cpuList ? ['taskset', ['-c', o.cpuList, program, ...o.args]] : [program, o.args];
  const proc: ChildProcess = spawn(cmd as string, args as string[], {
    env: o.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${o.name} did not start:\n${out}`)), 30_000);
    let done = false;
    const ok = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.off('exit', onExit);
      res();
    };
    const onExit = (code: number | null) => {
      done = true;
      clearTimeout(timer);
      rej(new Error(`${o.name} exited (${code}) before it was ready:\n${out}`));
    };
    proc.once('exit', onExit);
    const ready = o.ready;
    if (typeof ready === 'string') proc.stdout!.on('data', () => out.includes(ready) && ok());
    else
      void (async () => {
        while (!done) {
          if (await ready()) return ok();
          await deadline(50);
        }
      })();
  });
  const pid = proc.pid!;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  return {
    name: o.name,
    port: o.port,
    pid,
    cpu: () => treeCpuSeconds(pid),
    output: () => out,
    stop: async () => {
      signalGroup('SIGTERM');
      await Promise.race([exited, deadline(10_000)]);
      signalGroup('SIGKILL');
      await Promise.race([exited, deadline(2_000)]);
    },
  };
}

/** The server entry point of a built checkout (`DIR/dist/src/cli/main.js`). */
export const builtMain = (checkout: string) => resolve(checkout, 'dist/src/cli/main.js');

/**
 * Tessera as users run it, with one worker process (TESSERA_WORKERS=1: the primary only
 * supervises; `workers` for more). `profileDir` adds --cpu-prof for the primary and the worker.
 * `main` is another build's entry point (--baseline: an earlier commit, run as server `name`).
 */
export async function startTessera(
  dataDir: string,
  cpuList: string | undefined,
  profileDir?: string,
  main = TESSERA_MAIN,
  name = 'tessera',
  workers = 1,
): Promise<ServerProcess> {
  if (!existsSync(main))
    throw new Error(
      main === TESSERA_MAIN
        ? `${main} is missing: run npm run build first`
        : `${main} is missing: build the baseline first (bench/prepare-baseline.sh)`,
    );
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TESSERA_ROOT_USER: ROOT_USER,
    TESSERA_ROOT_PASSWORD: ROOT_PASSWORD,
    TESSERA_WORKERS: String(workers),
  };
  delete env.TESSERA_LOG_REQUESTS;
  // Node 20 refuses --cpu-prof in NODE_OPTIONS; as an option of the primary it reaches the worker
  // too (cluster forks with the primary's execArgv).
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return spawnServer({
    name,
    args: [...profile, main, 'server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', 'off'],
    env,
    ready: 'Tessera S3 API:',
    cpuList,
    port,
  });
}

/**
 * Moves a running server (every thread of every process in its tree) to `cpuList`; threads it
 * starts later inherit the placement.
 */
export function setAffinity(server: ServerProcess, cpuList: string): void {
  for (const pid of processTree(server.pid))
    spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

/**
 * A reference server in its own process: bare node:http, the same behind the minimal SigV4
 * verifier, or behind Tessera's verifier (reference-server.ts).
 */
export async function startReference(
  kind: 'bare' | 'minimal' | 'verify',
  fixturesFile: string,
  cpuList: string | undefined,
): Promise<ServerProcess> {
  const port = await freePort();
  return spawnServer({
    name: kind,
    args: [REFERENCE_MAIN, kind, String(port), fixturesFile],
    env: { ...process.env, BENCH_ROOT_USER: ROOT_USER, BENCH_ROOT_PASSWORD: ROOT_PASSWORD },
    ready: 'reference ready',
    cpuList,
    port,
  });
}
