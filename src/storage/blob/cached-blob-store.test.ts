import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type BodyChunk, type DamageReport, openObject } from '../../s3/object-reader.js';
import type { BlobHandle, BlobStore, ObjectRecord } from '../types.js';
import { readPool } from './buffer-pool.js';
import { CachedBlobStore } from './cached-blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { ReadCache } from './read-cache.js';

const MiB = 1024 * 1024;

/** Counts the blob files opened through it. */
class CountingStore implements BlobStore {
  opened = 0;
  constructor(readonly inner: FsBlobStore) {}
  write(source: Readable) {
    return this.inner.write(source);
  }
  open(blobId: string): Promise<BlobHandle> {
    this.opened++;
    return this.inner.open(blobId);
  }
  delete(blobIds: string[]) {
    return this.inner.delete(blobIds);
  }
  collectGarbage(referenced: Set<string>) {
    return this.inner.collectGarbage(referenced);
  }
  listShard(shard: string) {
    return this.inner.listShard(shard);
  }
}

async function setup(capacity = 64 * MiB) {
  const root = mkdtempSync(join(tmpdir(), 'read-cache-'));
  const disk = new CountingStore(await FsBlobStore.open(root));
  const cache = new ReadCache({ capacity });
  const blobs = new CachedBlobStore(disk, cache);
  const path = (blobId: string) => join(root, 'blobs', blobId.slice(0, 2), blobId);
  /** Writes one blob and the record of an object made of it (its CRC-32 recorded). */
  const object = async (key: string, bytes: Buffer): Promise<ObjectRecord> => {
    const w = await blobs.write(Readable.from([bytes]));
    return {
      bucket: 'b',
      key,
      versionId: 'null',
      size: bytes.length,
      etag: 'ffffffffffffffffffffffffffffffff',
      lastModified: 0,
      headers: {},
      userMetadata: {},
      tags: [],
      data: { kind: 'blobs', segments: [{ blobId: w.blobId, size: w.size, crc32: crc32(bytes) }] },
    };
  };
  return { disk, cache, blobs, path, object };
}

const blobIdOf = (record: ObjectRecord) =>
  record.data.kind === 'blobs' ? record.data.segments[0]!.blobId : '';

/** Bytes [start, end] as the HTTP layer reads them: chunk by chunk, released once "written". */
async function viaChunks(
  blobs: BlobStore,
  record: ObjectRecord,
  start: number,
  end: number,
  sink?: (d: DamageReport) => void,
): Promise<Buffer> {
  const opened = await openObject(blobs, record, sink);
  try {
    const body = opened.stream(start, end) as Readable & { nextChunk(): Promise<BodyChunk | undefined> };
    const out: Buffer[] = [];
    for (let c = await body.nextChunk(); c !== undefined; c = await body.nextChunk()) {
      out.push(Buffer.from(c.bytes));
      c.release();
    }
    return Buffer.concat(out);
  } finally {
    await opened.close();
  }
}

/** Bytes [start, end] through the body's Readable side (CopyObject's way). */
async function viaStream(blobs: BlobStore, record: ObjectRecord, start: number, end: number) {
  const opened = await openObject(blobs, record);
  try {
    const out: Buffer[] = [];
    for await (const c of opened.stream(start, end)) out.push(c as Buffer);
    return out;
  } finally {
    await opened.close();
  }
}

/** Inverts one stored byte (writing a fixed value would leave a byte that already had it unchanged). */
function flipByte(path: string, at: number) {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

describe('reads through a CachedBlobStore', () => {
  it('a whole read verifies the blob and caches it; later reads open no file', async () => {
    const { disk, cache, blobs, object, path } = await setup();
    const bytes = randomBytes(MiB + 7);
    const record = await object('k', bytes);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
    expect([disk.opened, cache.count]).toEqual([1, 1]);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
    expect((await viaChunks(blobs, record, 1000, 1999)).equals(bytes.subarray(1000, 2000))).toBe(true);
    expect(disk.opened).toBe(1);
    // Served from memory as verified: damage made on disk afterwards is met only once the blob
    // leaves the cache (or by tessera admin scan, which reads the file: open is never cached).
    flipByte(path(blobIdOf(record)), 10);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
    const handle = await blobs.open(blobIdOf(record));
    await handle.close();
    expect(disk.opened).toBe(2);
  });

  it('a range read of an uncached blob reads the file and caches nothing', async () => {
    const { disk, cache, blobs, object } = await setup();
    const bytes = randomBytes(200_000);
    const record = await object('k', bytes);
    expect((await viaChunks(blobs, record, 5, 99_999)).equals(bytes.subarray(5, 100_000))).toBe(true);
    expect((await viaChunks(blobs, record, 5, 99_999)).equals(bytes.subarray(5, 100_000))).toBe(true);
    expect([disk.opened, cache.count]).toEqual([2, 0]);
  });

  it('a damaged blob is reported on every read and never cached', async () => {
    const { cache, blobs, object, path } = await setup();
    const bytes = randomBytes(300_000);
    const record = await object('k', bytes);
    flipByte(path(blobIdOf(record)), 150_000);
    const reports: DamageReport[] = [];
    for (let i = 0; i < 2; i++)
      await expect(viaChunks(blobs, record, 0, bytes.length - 1, (d) => reports.push(d))).rejects.toThrow(
        /checksum/,
      );
    expect(reports.map((r) => r.kind)).toEqual(['checksum', 'checksum']);
    expect(cache.count).toBe(0);
    // A range is served as stored, as without the cache (no digest covers it).
    expect((await viaChunks(blobs, record, 0, 99)).equals(bytes.subarray(0, 100))).toBe(true);
  });

  it('a blob cut short while open is reported short and not cached', async () => {
    const { cache, blobs, object, path } = await setup();
    const bytes = randomBytes(100_000);
    const record = await object('k', bytes);
    const opened = await openObject(blobs, record);
    const fd = openSync(path(blobIdOf(record)), 'r+');
    // ftruncate through another descriptor: the open one now reads fewer bytes.
    ftruncateSync(fd, 10);
    closeSync(fd);
    const reports: DamageReport[] = [];
    const body = opened.stream(0, bytes.length - 1) as Readable & {
      nextChunk(): Promise<BodyChunk | undefined>;
    };
    await expect(body.nextChunk()).rejects.toThrow(/short/);
    await opened.close();
    expect(cache.count).toBe(0);
    await expect(viaChunks(blobs, record, 0, bytes.length - 1, (d) => reports.push(d))).rejects.toThrow(
      /short/,
    );
    expect(reports).toMatchObject([{ kind: 'short', detail: '10 bytes, 100000 recorded' }]);
  });

  it('blobs above the per-object limit are read as before and not cached', async () => {
    const { cache, blobs, object } = await setup(8 * MiB);
    const bytes = randomBytes(MiB + 1);
    const record = await object('big', bytes);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
    expect(cache.count).toBe(0);
  });

  it('concurrent whole reads of one blob share one file read', async () => {
    const { cache, blobs, object } = await setup();
    const bytes = randomBytes(512 * 1024);
    const record = await object('k', bytes);
    let loads = 0;
    const load = cache.load.bind(cache);
    cache.load = ((id: string, check: string, read: () => Promise<never>) =>
      load(id, check, () => {
        loads++;
        return read();
      })) as typeof cache.load;
    const all = await Promise.all(
      Array.from({ length: 6 }, () => viaChunks(blobs, record, 0, bytes.length - 1)),
    );
    for (const got of all) expect(got.equals(bytes)).toBe(true);
    expect(loads).toBe(1);
  });

  it('cached bytes are never pooled: reusing every pooled buffer leaves them intact', async () => {
    const { blobs, object } = await setup();
    const bytes = randomBytes(MiB);
    const record = await object('k', bytes);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
    // Another response's reads: take every idle 1 MiB buffer the pool has and scribble on it.
    const taken = Array.from({ length: 40 }, () => readPool.acquire(MiB).fill(0xee));
    for (const b of taken) readPool.release(b);
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
  });

  it('the Readable side gets buffers of its own, never the cached ones', async () => {
    const { blobs, object } = await setup();
    const bytes = randomBytes(100_000);
    const record = await object('k', bytes);
    for (let i = 0; i < 2; i++) {
      const chunks = await viaStream(blobs, record, 0, bytes.length - 1);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      for (const c of chunks) c.fill(0); // a consumer may write into what it was given
    }
    expect((await viaChunks(blobs, record, 0, bytes.length - 1)).equals(bytes)).toBe(true);
  });

  it('deleting a blob drops it from the cache; reading it then is missing', async () => {
    const { cache, blobs, object } = await setup();
    const bytes = randomBytes(70_000);
    const record = await object('k', bytes);
    await viaChunks(blobs, record, 0, bytes.length - 1);
    expect(cache.count).toBe(1);
    await blobs.delete([blobIdOf(record)]);
    expect(cache.count).toBe(0);
    await expect(openObject(blobs, record)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a record expecting other bytes is not served a cached blob', async () => {
    const { disk, blobs, object, path } = await setup();
    const bytes = randomBytes(70_000);
    const record = await object('k', bytes);
    await viaChunks(blobs, record, 0, bytes.length - 1);
    const seg = record.data.kind === 'blobs' ? record.data.segments[0]! : undefined;
    const other: ObjectRecord = { ...record, data: { kind: 'blobs', segments: [{ ...seg!, crc32: 1 }] } };
    unlinkSync(path(seg!.blobId));
    // Not from the cache: the file is opened (and is gone).
    await expect(openObject(blobs, other)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(disk.opened).toBe(2);
  });
});
