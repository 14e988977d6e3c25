import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.js';

/** A POST the endpoint took. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real webhook endpoint (node:http) in the test process; it can go down and come back on its port. */
export interface Endpoint {
  url: string;
  /** Every request answered 2xx, in order. */
  received: Received[];
  /** Requests answered with an error or refused while down. */
  refused: number;
  /** The status to answer (200 by default; set 503 to refuse). */
  status: number;
  /** Every line delivered in a json, elasticsearch or splunk body, parsed, in order. */
  lines(): Record<string, unknown>[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startEndpoint(): Promise<Endpoint> {
  const port = await freePort();
  let server: Server | undefined;
  const ep: Endpoint = {
    url: `http://127.0.0.1:${port}/audit`,
    received: [],
    refused: 0,
    status: 200,
    lines: () => ep.received.flatMap((r) => bodyLines(r)),
    down: async () => {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    },
    up: async () => {
      if (server !== undefined) return;
      const s = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => (body += d));
        req.on('end', () => {
          if (ep.status >= 300) ep.refused++;
          else ep.received.push({ headers: req.headers, body });
          res.writeHead(ep.status, { 'content-type': 'application/json' }).end('{"errors":false}');
        });
      });
      await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
      server = s;
    },
    close: () => ep.down(),
  };
  await ep.up();
  return ep;
}

function bodyLines(r: Received): Record<string, unknown>[] {
  const type = String(r.headers['content-type']);
  if (r.headers.authorization?.startsWith('Splunk '))
    return r.body
      .split('"sourcetype":"tessera:audit"}')
      .filter(Boolean)
      .map(
        (p) => (JSON.parse(`${p}"sourcetype":"tessera:audit"}`) as { event: Record<string, unknown> }).event,
      );
  const lines = r.body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  if (type === 'application/x-ndjson' && lines[0]?.index !== undefined)
    return lines.filter((_, i) => i % 2 === 1);
  return lines;
}

/** Where Debian's nats-server is. */
export function natsServerBinary(): string {
  const found = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => existsSync(p));
  if (found === undefined) throw new Error('nats-server is not installed (apt-get install nats-server)');
  return found;
}

/** A real `nats-server -js` on loopback, its store in a temp directory; restartable on the same port and store. */
export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  start(): Promise<void>;
  /** kill -9, then wait for it to be gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** `args`: more nats-server flags (`--user u --pass p`). */
export async function startNats(args: readonly string[] = []): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'tessera-nats-'));
  let proc: ChildProcess | undefined;
  const end = async (signal: NodeJS.Signals) => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await gone;
  };
  const nats: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    start: async () => {
      const p = spawn(
        natsServerBinary(),
        ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...args],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      proc = p;
      let out = '';
      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`nats-server did not start:\n${out}`)), 20_000);
        const check = (d: Buffer) => {
          out += d.toString();
          if (out.includes('Server is ready')) {
            clearTimeout(timer);
            res();
          }
        };
        p.stderr!.on('data', check);
        p.stdout!.on('data', check);
        p.once('exit', (code) => {
          clearTimeout(timer);
          rej(new Error(`nats-server exited (${code}):\n${out}`));
        });
      });
    },
    kill9: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  await nats.start();
  return nats;
}

/** The lines in an audit spool on disk (every segment under a queue directory), parsed. */
export function spooledLines(dir: string): Record<string, unknown>[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((f) =>
      f.isDirectory() ? walk(join(d, f.name)) : f.name.endsWith('.ndjson') ? [join(d, f.name)] : [],
    );
  return walk(dir).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return []; // a line being written, or the end
        }
      }),
  );
}
