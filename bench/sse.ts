/**
 * Server-side encryption benchmark: what SSE-S3 costs a large PUT and GET, measured in the same
 * run against the same request on plain data, on one Tessera server (one worker, pinned like the
 * server benchmarks).
 *
 *   npm run build && node dist/bench/run.js sse        # 256 MiB objects, 3 rounds
 *   node dist/bench/run.js --quick sse                 # 16 MiB, 1 round: proves it works
 *
 * Each round PUTs one object plain and one with x-amz-server-side-encryption: AES256 (the order
 * alternates between rounds), then GETs each whole; the body streams from (and to) memory over
 * one connection, the payload unsigned (UNSIGNED-PAYLOAD) so the client hashes nothing. Reported:
 * the best round's MiB/s per side and the ratio encrypted ÷ plain.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendOk } from './server/client.js';
import { cpuPlan, MiB } from './server/common.js';
import { startTessera } from './server/procs.js';
import { signRequest } from './server/signing.js';

export interface SseBenchOptions {
  quick: boolean;
  keep: boolean;
  log: (line: string) => void;
  rounds?: number;
}

export interface SseSide {
  putMiBs: number;
  getMiBs: number;
}

export interface SseBenchResult {
  sizeMiB: number;
  rounds: number;
  plain: SseSide;
  encrypted: SseSide;
}

const BUCKET = 'bench-sse';
const CHUNK = MiB;

/** One streamed PUT of `size` bytes (repeating `chunk`); seconds taken. */
async function put(port: number, key: string, size: number, chunk: Buffer, sse: boolean): Promise<number> {
  const headers: Record<string, string> = {
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-length': String(size),
    ...(sse ? { 'x-amz-server-side-encryption': 'AES256' } : {}),
  };
  const r = await signRequest(port, 'PUT', `/${BUCKET}/${key}`, { headers });
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'PUT', path: r.path, headers: r.headers },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${key} → ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    let sent = 0;
    const more = () => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', more);
          return;
        }
      }
      req.end();
    };
    more();
  });
  return (performance.now() - started) / 1000;
}

/** One whole GET, the body counted and dropped; seconds taken. */
async function get(port: number, key: string, size: number): Promise<number> {
  const r = await signRequest(port, 'GET', `/${BUCKET}/${key}`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'GET', path: r.path, headers: r.headers },
      (res) => {
        let got = 0;
        res.on('data', (b: Buffer) => {
          got += b.length;
        });
        res.on('end', () =>
          res.statusCode === 200 && got === size
            ? resolve()
            : reject(new Error(`GET ${key} → ${res.statusCode}, ${got} bytes`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
  return (performance.now() - started) / 1000;
}

export async function runSseBench(o: SseBenchOptions): Promise<SseBenchResult> {
  const size = (o.quick ? 16 : 256) * MiB;
  const rounds = o.rounds ?? (o.quick ? 1 : 3);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-sse-'));
  const plan = cpuPlan();
  const server = await startTessera(dir, plan.server);
  const chunk = randomBytes(CHUNK);
  const best = { plain: { putMiBs: 0, getMiBs: 0 }, encrypted: { putMiBs: 0, getMiBs: 0 } };
  try {
    await sendOk(server.port, await signRequest(server.port, 'PUT', `/${BUCKET}`));
    for (let round = 0; round < rounds; round++) {
      const order: ('plain' | 'encrypted')[] =
        round % 2 === 0 ? ['plain', 'encrypted'] : ['encrypted', 'plain'];
      for (const side of order) {
        const key = `${side}-${round}`;
        const putS = await put(server.port, key, size, chunk, side === 'encrypted');
        const getS = await get(server.port, key, size);
        const mib = size / MiB;
        o.log(
          `round ${round + 1} ${side}: PUT ${(mib / putS).toFixed(0)} MiB/s, GET ${(mib / getS).toFixed(0)} MiB/s`,
        );
        best[side].putMiBs = Math.max(best[side].putMiBs, mib / putS);
        best[side].getMiBs = Math.max(best[side].getMiBs, mib / getS);
      }
    }
  } finally {
    await server.stop();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  return { sizeMiB: size / MiB, rounds, ...best };
}

/** The result as a Markdown table (docs/benchmarks.md "Server-side encryption"). */
export function sseTables(r: SseBenchResult): string {
  const row = (name: string, p: number, e: number) =>
    `| ${name} | ${p.toFixed(0)} | ${e.toFixed(0)} | ${((100 * e) / p).toFixed(0)} % |`;
  return [
    `${r.sizeMiB} MiB object, best of ${r.rounds} rounds, one worker:`,
    '',
    '| request | plain MiB/s | SSE-S3 MiB/s | SSE-S3 ÷ plain |',
    '|---|---:|---:|---:|',
    row('PUT', r.plain.putMiBs, r.encrypted.putMiBs),
    row('GET', r.plain.getMiBs, r.encrypted.getMiBs),
  ].join('\n');
}
