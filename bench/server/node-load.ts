import { connect, type Socket } from 'node:net';
import type { LoadOptions, LoadResult } from './load.js';
import { rawRequest } from './signing.js';

const CRLF2 = Buffer.from('\r\n\r\n');

/** What is known about the response being read on one connection. */
interface Parse {
  /** Bytes still expected of a content-length body; -1 while reading the head. */
  remaining: number;
  chunked: boolean;
  status: number;
}

/**
 * Parses as much of `buf` as belongs to the current response. Returns the bytes consumed and
 * whether the response is complete. Handles content-length and chunked bodies, and HEAD
 * (no body whatever the headers say).
 */
function feed(buf: Buffer, p: Parse, head: boolean): { used: number; done: boolean } {
  let at = 0;
  if (p.remaining < 0) {
    const end = buf.indexOf(CRLF2);
    if (end < 0) return { used: 0, done: false };
    const text = buf.toString('latin1', 0, end).toLowerCase();
    p.status = Number(text.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/.exec(text);
    p.chunked = !cl && /\r\ntransfer-encoding:[^\r]*chunked/.test(text);
    p.remaining = head || p.status === 204 || p.status === 304 ? 0 : cl ? Number(cl[1]) : 0;
    at = end + 4;
  }
  if (!p.chunked) {
    const take = Math.min(p.remaining, buf.length - at);
    p.remaining -= take;
    return { used: at + take, done: p.remaining === 0 };
  }
  // chunked: <hex size>\r\n<data>\r\n ... 0\r\n\r\n (no trailers expected from our servers)
  for (;;) {
    if (p.remaining > 0) {
      const take = Math.min(p.remaining, buf.length - at);
      p.remaining -= take;
      at += take;
      if (p.remaining > 0) return { used: at, done: false };
    }
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return { used: at, done: false };
    const size = Number.parseInt(buf.toString('latin1', at, eol), 16);
    if (size === 0) {
      if (buf.length < eol + 4) return { used: at, done: false };
      return { used: eol + 4, done: true };
    }
    at = eol + 2;
    p.remaining = size + 2;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The built-in load generator (used when wrk is missing, and for HEAD, which wrk 4.1 cannot
 * read on a kept-alive connection): raw keep-alive TCP connections replaying prebuilt request
 * bytes, one request in flight per connection, with a minimal response parser. It runs in the
 * harness process; its CPU is reported like wrk's.
 */
export async function runNodeLoad(o: LoadOptions): Promise<LoadResult> {
  const raws = o.requests.map(rawRequest);
  const heads = o.requests.map((r) => r.method === 'HEAD');
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let bytes = 0;
  let errors = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + o.seconds * 1000;
  const record = (ms: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  };
  const connection = () =>
    new Promise<void>((resolve) => {
      const socket: Socket = connect({ host: '127.0.0.1', port: o.port, noDelay: true });
      let pending: Buffer | undefined;
      let index = 0;
      let started = 0;
      const p: Parse = { remaining: -1, chunked: false, status: 0 };
      const fire = () => {
        if (performance.now() >= deadline) {
          socket.end();
          return;
        }
        index = next++ % raws.length;
        p.remaining = -1;
        started = performance.now();
        socket.write(raws[index]!);
      };
      socket.setTimeout((o.timeoutSec ?? 10) * 1000, () => socket.destroy(new Error('timeout')));
      socket.on('connect', fire);
      socket.on('data', (d: Buffer) => {
        bytes += d.length;
        let buf = pending ? Buffer.concat([pending, d]) : d;
        pending = undefined;
        for (;;) {
          const { used, done } = feed(buf, p, heads[index]!);
          buf = buf.subarray(used);
          if (!done) {
            if (buf.length) pending = buf;
            return;
          }
          record(performance.now() - started);
          if (p.status >= 400) errors++;
          if (buf.length) {
            errors++; // bytes beyond the response: the stream is out of step
            socket.destroy();
            return;
          }
          fire();
          return;
        }
      });
      socket.on('error', () => errors++);
      socket.on('close', () => resolve());
    });
  await Promise.all(Array.from({ length: o.connections }, connection));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = latencies.subarray(0, count).sort();
  return {
    tool: 'node',
    requests: count,
    seconds,
    rps: count / seconds,
    bytes,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors,
    clientCpuSec: (cpu.user + cpu.system) / 1e6,
  };
}
