import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobHandle, BlobStore } from '../types.js';

export type BlobFactory = () => Promise<BlobStore>;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** `total` bytes in `chunk`-sized pieces, generated lazily. */
async function* generate(total: number, chunk: number, seed: Buffer): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk) {
    const n = Math.min(chunk, total - sent);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = seed[(sent + i) % seed.length]!;
    yield out;
  }
}

/**
 * The contract every BlobStore implementation passes. `open` returns a fresh, empty store.
 * @example runBlobContract('fs', async () => FsBlobStore.open(tempDir()));
 */
export function runBlobContract(name: string, open: BlobFactory): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    const handles: BlobHandle[] = [];
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((h) => h.close()));
    });
    async function openBlob(blobId: string): Promise<BlobHandle> {
      const handle = await store.open(blobId);
      handles.push(handle);
      return handle;
    }

    it('writes a stream and reads it back, whole and by range', async () => {
      const data = randomBytes(100_000);
      const { blobId, size } = await store.write(Readable.from([data.subarray(0, 10), data.subarray(10)]));
      expect(size).toBe(100_000);
      expect(blobId).toMatch(/^[A-Za-z0-9_-]+$/);
      const handle = await openBlob(blobId);
      expect(handle.size).toBe(100_000);
      expect((await readAll(handle.stream(0, 99_999))).equals(data)).toBe(true);
      expect((await readAll(handle.stream(500, 500))).equals(data.subarray(500, 501))).toBe(true);
      expect((await readAll(handle.stream(99_000, 99_999))).equals(data.subarray(99_000))).toBe(true);
    });

    it('writes from an async iterable in bounded pieces (several MiB)', async () => {
      const seed = randomBytes(4099);
      const total = 6 * 1024 * 1024 + 7;
      const expected = createHash('md5');
      for await (const piece of generate(total, 64 * 1024, seed)) expected.update(piece);
      const { blobId, size } = await store.write(generate(total, 64 * 1024, seed));
      expect(size).toBe(total);
      const handle = await openBlob(blobId);
      expect(md5(await readAll(handle.stream(0, total - 1)))).toBe(expected.digest('hex'));
    });

    it('stores an empty blob', async () => {
      const { blobId, size } = await store.write(Readable.from([]));
      expect(size).toBe(0);
      const handle = await openBlob(blobId);
      expect(handle.size).toBe(0);
      expect((await readAll(handle.stream(0, -1))).length).toBe(0);
    });

    it('gives every blob a new id', async () => {
      const a = await store.write(Readable.from([Buffer.from('same')]));
      const b = await store.write(Readable.from([Buffer.from('same')]));
      expect(a.blobId).not.toBe(b.blobId);
    });

    it('runs several streams of one handle at once, and close ends unfinished ones', async () => {
      const data = randomBytes(3 * 1024 * 1024);
      const { blobId } = await store.write(Readable.from([data]));
      const handle = await store.open(blobId);
      const ranges: [number, number][] = [
        [0, data.length - 1],
        [1, 2_000_000],
        [2_500_000, data.length - 1],
      ];
      const results = await Promise.all(ranges.map(([s, e]) => readAll(handle.stream(s, e))));
      for (const [i, [s, e]] of ranges.entries())
        expect(results[i]!.equals(data.subarray(s, e + 1))).toBe(true);
      const unfinished = handle.stream(0, data.length - 1);
      await new Promise((resolve) => unfinished.once('readable', resolve));
      await handle.close();
      expect(unfinished.destroyed).toBe(true);
      await handle.close(); // idempotent
    });

    it('keeps an open handle readable after the blob is deleted', async () => {
      const data = randomBytes(2 * 1024 * 1024);
      const { blobId } = await store.write(Readable.from([data]));
      const handle = await openBlob(blobId);
      const chunks: Buffer[] = [];
      const reader = handle.stream(0, data.length - 1)[Symbol.asyncIterator]();
      const first = await reader.next();
      chunks.push(first.value as Buffer);
      expect(chunks[0]!.length).toBeLessThan(data.length);
      await store.delete([blobId]);
      await expect(store.open(blobId)).rejects.toMatchObject({ code: 'ENOENT' });
      for (let r = await reader.next(); !r.done; r = await reader.next()) chunks.push(r.value as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      expect((await readAll(handle.stream(0, 9))).equals(data.subarray(0, 10))).toBe(true);
    });

    it('rejects with ENOENT for missing or malformed ids; deleting them is a no-op', async () => {
      await expect(store.open('0123456789abcdef0123456789abcdef')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(store.open('../../etc/passwd')).rejects.toMatchObject({ code: 'ENOENT' });
      await store.delete(['0123456789abcdef0123456789abcdef', '../x', '']);
    });

    it('rejects with the source error and leaves nothing behind', async () => {
      const failure = new Error('client went away');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(70_000, 1);
        throw failure;
      }
      await expect(store.write(failing())).rejects.toBe(failure);
      const destroyed = new Readable({ read() {} });
      destroyed.push(Buffer.alloc(1000));
      setImmediate(() => destroyed.destroy(failure));
      await expect(store.write(destroyed)).rejects.toBe(failure);
      expect(await store.collectGarbage(new Set())).toBe(0);
    });

    it('collects garbage: blobs not referenced go, referenced ones stay', async () => {
      const keep = await store.write(Readable.from([Buffer.from('keep')]));
      const drop1 = await store.write(Readable.from([Buffer.from('drop1')]));
      const drop2 = await store.write(Readable.from([Buffer.from('drop2')]));
      expect(await store.collectGarbage(new Set([keep.blobId, 'unrelated']))).toBe(2);
      expect((await readAll((await openBlob(keep.blobId)).stream(0, 3))).toString()).toBe('keep');
      for (const gone of [drop1, drop2]) {
        await expect(store.open(gone.blobId)).rejects.toMatchObject({ code: 'ENOENT' });
      }
      expect(await store.collectGarbage(new Set([keep.blobId]))).toBe(0);
    });

    it('lists a shard: every blob whose id starts with it, with size and time; nothing else', async () => {
      const before = Date.now() - 1000;
      const written = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.write(Readable.from([Buffer.alloc(i + 1, i)]))),
      );
      const shards = new Set(written.map((w) => w.blobId.slice(0, 2)));
      let seen = 0;
      for (const shard of shards) {
        const listed = await store.listShard(shard);
        const expected = written.filter((w) => w.blobId.startsWith(shard));
        expect(listed.map((b) => b.blobId).sort()).toEqual(expected.map((w) => w.blobId).sort());
        for (const b of listed) {
          expect(b.size).toBe(written.find((w) => w.blobId === b.blobId)!.size);
          expect(b.modifiedAt).toBeGreaterThan(before);
        }
        seen += listed.length;
      }
      expect(seen).toBe(40);
      const [first] = written;
      await store.delete([first!.blobId]);
      expect((await store.listShard(first!.blobId.slice(0, 2))).map((b) => b.blobId)).not.toContain(
        first!.blobId,
      );
      // Not a shard name: nothing (never a path outside the store).
      expect(await store.listShard('../')).toEqual([]);
      expect(await store.listShard('zz')).toEqual([]);
    });
  });
}
