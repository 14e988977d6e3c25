import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function md5(b: Buffer | Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

/**
 * Concurrent uploads (inline-sized and blob-sized, overwriting shared keys), kill -9 of the
 * whole server at a random moment, restart: every acknowledged write reads back byte-identical
 * (or as a later acknowledged write of the same key), and nothing partial is visible.
 */
describe('crash safety', () => {
  it('keeps every acknowledged object across kill -9 at random moments', async () => {
    // What each key may legitimately hold after a crash: any body whose PUT was sent.
    const sent = new Map<string, Set<string>>();
    const acked = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      server = await startServer({ dataDir, workers: 2 });
      const s3 = s3Client(server, { maxAttempts: 1 });
      if (round === 0) await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
      // Everything acknowledged before this round must have survived the previous crash.
      for (const key of acked.keys()) {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: key }));
        const d = md5(await got.Body!.transformToByteArray());
        expect(sent.get(key)!.has(d), `${key} holds a body that was never sent`).toBe(true);
        acked.set(key, d);
      }
      let stop = false;
      const writers = Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const key = i % 3 === 0 ? `shared-${w % 2}` : `r${round}-w${w}-${i}`;
          const body = randomBytes(i % 2 === 0 ? 1000 + i : 300 * 1024 + i);
          const digest = md5(body);
          if (!sent.has(key)) sent.set(key, new Set());
          sent.get(key)!.add(digest);
          try {
            await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: body }));
            acked.set(key, digest);
          } catch {
            return; // the server is gone
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      await server.kill9();
      stop = true;
      await Promise.all(writers);
      s3.destroy();
    }
    server = await startServer({ dataDir, workers: 2 });
    const s3 = s3Client(server);
    expect(acked.size).toBeGreaterThan(10);
    for (const key of acked.keys()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: key }));
      const bytes = await got.Body!.transformToByteArray();
      expect(sent.get(key)!.has(md5(bytes)), `${key} is whole`).toBe(true);
    }
    // Every listed object is whole: no partial object is visible.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'crash' }));
    for (const o of listed.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: o.Key! }));
      const bytes = await got.Body!.transformToByteArray();
      expect(bytes.length).toBe(o.Size);
      expect(sent.get(o.Key!)!.has(md5(bytes))).toBe(true);
    }
    // Temporary files of interrupted writes were cleaned at start.
    const tmp = join(dataDir, '.tessera', 'tmp');
    if (existsSync(tmp)) expect(readdirSync(tmp)).toEqual([]);
    s3.destroy();
  }, 120_000);
});
