import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export const ROOT_USER = 'tessera-test-root';
export const ROOT_PASSWORD = 'tessera-test-secret-0123456789';
/** The built server; TESSERA_TEST_MAIN points the tests at another build (a private `--outDir`). */
export const MAIN =
  process.env.TESSERA_TEST_MAIN ?? resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** A free TCP port on loopback (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface RunningServer {
  endpoint: string;
  /** The web console (docs/console.md), on its own free port. */
  consoleUrl: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
  /** kill -9 of the whole server (primary and workers). */
  kill9: () => Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string | undefined>;
  workers?: number;
  keepData?: boolean;
  /** The server serves HTTPS (certificates configured through `env`): the endpoint is https://. */
  https?: boolean;
  /** `--console-address` (default 127.0.0.1 and a free port; `off` turns the console off). */
  consoleAddress?: string;
}

/** Spawns the real server (the built CLI) on a free port and waits until it answers. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const port = await freePort();
  const consoleAddress = opts.consoleAddress ?? `127.0.0.1:${await freePort()}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    TESSERA_ROOT_USER: ROOT_USER,
    TESSERA_ROOT_PASSWORD: ROOT_PASSWORD,
    TESSERA_WORKERS: String(opts.workers ?? 2),
    ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const proc = spawn(
    process.execPath,
    [MAIN, 'server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', consoleAddress],
    {
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      if (out.includes('Tessera S3 API:')) {
        clearTimeout(timer);
        res();
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code}) before it was ready:\n${out}`));
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  return {
    endpoint: `${opts.https === true ? 'https' : 'http'}://127.0.0.1:${port}`,
    consoleUrl: `${opts.https === true ? 'https' : 'http'}://${consoleAddress}`,
    port,
    dataDir,
    proc,
    output: () => out,
    stop: async () => {
      killGroup('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      killGroup('SIGKILL');
      if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill9: async () => {
      killGroup('SIGKILL');
      await exited;
      // Workers see their primary vanish and exit; give the port back before a restart.
      await new Promise((r) => setTimeout(r, 300));
    },
  };
}

/** An S3 client for the server, signed as root. */
export function s3Client(server: { endpoint: string }, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    ...extra,
  });
}
