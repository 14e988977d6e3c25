/**
 * Receivers for the remote audit targets of the audit benchmark (bench/audit.ts): an HTTP
 * endpoint for the webhook target (answers 200 and counts the entries it got), and a
 * `nats-server -js` (Debian's) for the NATS JetStream target. Both run beside the load
 * generator (its CPU), not on the server's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { deadline, freePort } from './server/common.js';

export interface Sink {
  url: string;
  /** Entries received so far (the webhook's count; NATS: not counted here). */
  received: () => number;
  stop: () => Promise<void>;
}

/** An HTTP endpoint that accepts every POST (JSON or JSON lines) and counts the entries in it. */
export async function startWebhookSink(): Promise<Sink> {
  const port = await freePort();
  let received = 0;
  const server: Server = createServer((req, res) => {
    let tail = '';
    req.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      for (let i = text.indexOf('"requestID"'); i >= 0; i = text.indexOf('"requestID"', i + 1)) received++;
      tail = text.slice(-16);
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}/audit`,
    received: () => received,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** `nats-server -js` on a free port, its store in `dir`. */
export async function startNats(dir: string, cpuList: string | undefined): Promise<Sink> {
  const port = await freePort();
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir];
  const [cmd, argv] = cpuList ? ['taskset', ['-c', cpuList, 'nats-server', ...args]] : ['nats-server', args];
  const proc: ChildProcess = spawn(cmd as string, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${out}`)), 15_000);
    const check = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  await ready;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    url: `nats://127.0.0.1:${port}`,
    received: () => 0,
    stop: async () => {
      proc.kill('SIGTERM');
      await Promise.race([exited, deadline(5000)]);
      proc.kill('SIGKILL');
    },
  };
}
