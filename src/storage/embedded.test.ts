import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { blobObject, bucket, part, upload } from './contract/fixtures.js';
import { openStorage, storagePaths } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-embedded-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const blob = (text: string) => Readable.from([Buffer.from(text)]);

describe('openStorage (embedded) and recover', () => {
  it('creates the layout under <dataDir>/.tessera', async () => {
    const dataDir = join(root, 'layout');
    const storage = await openStorage({ kind: 'embedded', dataDir });
    const paths = storagePaths(dataDir);
    for (const path of [paths.database, paths.blobs, paths.tmp]) expect(existsSync(path)).toBe(true);
    expect(paths.database).toBe(join(dataDir, '.tessera', 'meta.db'));
    await storage.close();
  });

  it('removes crash leftovers and unreferenced blobs, keeping objects’ and parts’ blobs', async () => {
    const dataDir = join(root, 'recovery');
    const storage = await openStorage({ kind: 'embedded', dataDir });
    const { metadata, blobs } = storage;
    await metadata.createBucket(bucket('b'));
    const objectBlob = await blobs.write(blob('object'));
    const partBlob = await blobs.write(blob('part'));
    const orphan = await blobs.write(blob('never committed'));
    await metadata.putObject(blobObject('b', 'k', [{ blobId: objectBlob.blobId, size: objectBlob.size }]));
    await metadata.createUpload(upload('b', 'k2', 'u1'));
    await metadata.putPart(part('u1', 1, partBlob.blobId, partBlob.size));
    writeFileSync(join(storagePaths(dataDir).tmp, 'half-written'), 'x');

    expect(await storage.recover()).toBe(2);
    await expect(blobs.open(orphan.blobId)).rejects.toMatchObject({ code: 'ENOENT' });
    for (const kept of [objectBlob, partBlob]) {
      const handle = await blobs.open(kept.blobId);
      expect(handle.size).toBe(kept.size);
      await handle.close();
    }
    expect(await storage.recover()).toBe(0);
    await storage.close();
  });

  it('serves the IAM store from the same database, and closes everything once', async () => {
    const dataDir = join(root, 'iam');
    const storage = await openStorage({ kind: 'embedded', dataDir, busyTimeoutMs: 50 });
    await storage.iam.putBucketPolicy({ bucket: 'b', account: '', document: '{}', updatedAt: 1 });
    await storage.close();
    const again = await openStorage({ kind: 'embedded', dataDir });
    expect((await again.iam.getBucketPolicy('b'))?.document).toBe('{}');
    await again.close();
    await again.close();
  });
});
