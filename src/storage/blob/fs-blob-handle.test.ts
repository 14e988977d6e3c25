import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';
import { FsBlobHandle } from './fs-blob-handle.js';
import { FsBlobStore } from './fs-blob-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-handle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A blob file written through a store, opened as a handle on a pool of the test's own. */
async function handleOn(data: Buffer, pool: BufferPool): Promise<FsBlobHandle> {
  const dir = join(root, randomBytes(4).toString('hex'));
  const store = await FsBlobStore.open(dir);
  const { blobId } = await store.write(Readable.from([data]));
  return new FsBlobHandle(openSync(join(dir, 'blobs', blobId.slice(0, 2), blobId), 'r'), data.length, pool);
}

describe('FsBlobHandle.read', () => {
  it('reads by position into pooled buffers, given back once released', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const pool = new BufferPool();
    const handle = await handleOn(data, pool);
    const a = await handle.read(0, 1024 * 1024, true);
    const b = await handle.read(1024 * 1024, data.length - 1024 * 1024, true);
    expect(Buffer.concat([a.bytes, b.bytes]).equals(data)).toBe(true);
    expect(a.bytes.buffer).not.toBe(b.bytes.buffer);
    expect(pool.idleBytes).toBe(0);
    a.release();
    a.release(); // once only: the second call does nothing
    expect(pool.idleBytes).toBe(1024 * 1024);
    b.release();
    expect(pool.idleBytes).toBe(5 * 1024 * 1024);
    // The released buffer serves the next read of its size class.
    const c = await handle.read(0, 1024 * 1024, true);
    expect(c.bytes.buffer).toBe(a.bytes.buffer);
    c.release();
    await handle.close();
  });

  it('gives fewer bytes only at the end of the file; short or unpooled reads use buffers of their own', async () => {
    const data = randomBytes(200_000);
    const pool = new BufferPool();
    const handle = await handleOn(data, pool);
    const tail = await handle.read(data.length - 10, 100, true);
    expect(tail.bytes.equals(data.subarray(data.length - 10))).toBe(true);
    tail.release();
    const whole = await handle.read(0, data.length, false);
    expect(whole.bytes.equals(data)).toBe(true);
    whole.release();
    expect(pool.idleBytes).toBe(0);
    await handle.close();
  });

  it('close waits for reads in flight; reads after close are refused', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const handle = await handleOn(data, new BufferPool());
    const inFlight = handle.read(0, data.length, true);
    const closed = handle.close();
    const chunk = await inFlight;
    expect(chunk.bytes.equals(data)).toBe(true);
    chunk.release();
    await closed;
    await expect(handle.read(0, 10, true)).rejects.toThrow(/closed/);
  });
});
