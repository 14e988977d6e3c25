import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signer } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const GiB = 1024 ** 3;
const SIZE = 5 * GiB;
let server: RunningServer;

/** Resident set size of a process in bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function workerPid(primary: number): number {
  const children = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/);
  return Number(children[0]);
}

/** A deterministic 5 GiB stream made of one repeated 1 MiB block (no memory held). */
function bigStream(): Readable {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31) & 0xff;
  let sent = 0;
  return new Readable({
    highWaterMark: 4 * 1024 * 1024,
    read() {
      if (sent >= SIZE) {
        this.push(null);
        return;
      }
      sent += block.length;
      this.push(block);
    },
  });
}

function expectedMd5(): string {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31) & 0xff;
  const h = createHash('md5');
  for (let i = 0; i < SIZE / block.length; i++) h.update(block);
  return h.digest('hex');
}

/** Samples a process's RSS while `work` runs; returns the peak. */
async function peakDuring(pid: number, work: () => Promise<void>): Promise<number> {
  let peak = rss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rss(pid));
  }, 50);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rss(pid));
}

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  const s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'huge' }));
  s3.destroy();
});
afterAll(async () => {
  await server?.stop();
});

describe('bounded memory', () => {
  it('streams a 5 GiB PUT and GET without growing the worker by more than a few tens of MiB', async () => {
    const pid = workerPid(server.proc.pid!);
    const baseline = rss(pid);
    const headers: Record<string, string> = {
      host: `127.0.0.1:${server.port}`,
      'content-length': String(SIZE),
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    };
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: server.port,
      path: '/huge/five-gib',
      query: {},
      headers,
    });
    const putPeak = await peakDuring(pid, async () => {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'PUT',
            agent: false,
            path: '/huge/five-gib',
            headers: signed.headers,
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`PUT answered ${res.statusCode}`)),
            );
          },
        );
        req.on('error', (e) => reject(new Error(`${e.message}\n${server.output()}`)));
        pipeline(bigStream(), req).catch(reject);
      });
    });
    const s3 = s3Client(server);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'huge', Key: 'five-gib' }));
    expect(head.ContentLength).toBe(SIZE);
    expect(head.ETag).toBe(`"${expectedMd5()}"`);

    const getSigned = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: server.port,
      path: '/huge/five-gib',
      query: {},
      headers: { host: `127.0.0.1:${server.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    let received = 0;
    const getPeak = await peakDuring(pid, async () => {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/huge/five-gib',
            headers: getSigned.headers,
            agent: false,
          },
          (res) => {
            res.on('data', (c: Buffer) => (received += c.length));
            res.on('end', resolve);
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      });
    });
    expect(received, server.output()).toBe(SIZE);
    s3.destroy();
    const MiB = 1024 * 1024;
    console.log(
      `worker RSS: baseline ${(baseline / MiB).toFixed(0)} MiB, PUT peak +${((putPeak - baseline) / MiB).toFixed(0)} MiB, GET peak +${((getPeak - baseline) / MiB).toFixed(0)} MiB`,
    );
    // Streams hold a few 64 KiB chunks; what the peak shows beyond that is garbage the collector
    // has not reclaimed yet (it varies with load). A body buffered anywhere would add GiBs.
    expect((putPeak - baseline) / MiB).toBeLessThan(96);
    expect((getPeak - baseline) / MiB).toBeLessThan(96);
  }, 300_000);
});
