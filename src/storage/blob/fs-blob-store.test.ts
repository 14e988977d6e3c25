import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runBlobContract } from '../contract/blob-contract.js';
import { FsBlobStore } from './fs-blob-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-blobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `store-${n++}`);

runBlobContract('fs', () => FsBlobStore.open(freshDir()));

describe('FsBlobStore layout', () => {
  it('keeps blobs at blobs/<2 hex>/<id> and nothing in tmp after a write', async () => {
    const dir = freshDir();
    const store = await FsBlobStore.open(dir);
    const { blobId } = await store.write(Readable.from([Buffer.from('x')]));
    expect(blobId).toMatch(/^[0-9a-f]{32}$/);
    expect(readdirSync(join(dir, 'blobs', blobId.slice(0, 2)))).toEqual([blobId]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('removes temporary files left by a crash and counts them', async () => {
    const dir = freshDir();
    const store = await FsBlobStore.open(dir);
    writeFileSync(join(dir, 'tmp', 'leftover-1'), 'partial');
    writeFileSync(join(dir, 'tmp', 'leftover-2'), 'partial');
    const { blobId } = await store.write(Readable.from([Buffer.from('kept')]));
    expect(await store.collectGarbage(new Set([blobId]))).toBe(2);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect((await store.open(blobId)).size).toBe(4);
  });

  it('removes the temporary file when the source fails', async () => {
    const dir = freshDir();
    const store = await FsBlobStore.open(dir);
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(100_000));
    setImmediate(() => source.destroy(new Error('reset')));
    await expect(store.write(source)).rejects.toThrow('reset');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});
