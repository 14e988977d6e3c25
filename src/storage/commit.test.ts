import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobObject, bucket, expectCode, part, upload } from './contract/fixtures.js';
import {
  commitObject,
  commitObjectVersioned,
  commitPart,
  commitUpload,
  commitUploadVersioned,
  openStorage,
  removeBucket,
  removeObject,
  removeObjectVersioned,
  removeUpload,
  type Storage,
} from './index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('the write protocol', () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openStorage({ kind: 'embedded', dataDir: join(root, `d${n++}`) });
    await storage.metadata.createBucket(bucket('b'));
  });
  afterEach(async () => {
    await storage.close();
  });

  const newBlob = async (text = 'data') => {
    const { blobId, size } = await storage.blobs.write(Readable.from([Buffer.from(text)]));
    return { blobId, size };
  };
  const exists = async (blobId: string) =>
    storage.blobs.open(blobId).then(
      async (h) => {
        await h.close();
        return true;
      },
      () => false,
    );

  it('commits an object, then deletes the blobs of the version it replaced', async () => {
    const first = await newBlob();
    const second = await newBlob();
    await commitObject(storage, blobObject('b', 'k', [first]));
    await commitObject(storage, blobObject('b', 'k', [second]));
    expect(await exists(first.blobId)).toBe(false);
    expect(await exists(second.blobId)).toBe(true);
    await removeObject(storage, 'b', 'k', 'other'); // no such version: nothing happens
    expect(await exists(second.blobId)).toBe(true);
    await removeObject(storage, 'b', 'k');
    expect(await exists(second.blobId)).toBe(false);
    expect(await storage.metadata.getObject('b', 'k')).toBeUndefined();
  });

  it('deletes its own blobs when the commit fails, and rethrows', async () => {
    const own = await newBlob();
    await expectCode(commitObject(storage, blobObject('missing', 'k', [own])), 'NoSuchBucket');
    expect(await exists(own.blobId)).toBe(false);
  });

  it('parts: a replaced part’s blob goes after the commit, a refused part’s own blob at once', async () => {
    await storage.metadata.createUpload(upload('b', 'k', 'u1'));
    const one = await newBlob();
    const again = await newBlob();
    await commitPart(storage, part('u1', 1, one.blobId));
    await commitPart(storage, part('u1', 1, again.blobId));
    expect(await exists(one.blobId)).toBe(false);
    const stray = await newBlob();
    await expectCode(commitPart(storage, part('nope', 1, stray.blobId)), 'NoSuchUpload');
    expect(await exists(stray.blobId)).toBe(false);
    await removeUpload(storage, 'b', 'k', 'u1');
    expect(await exists(again.blobId)).toBe(false);
  });

  it('completes an upload: keeps the parts it uses, deletes the others and the replaced version', async () => {
    const previous = await newBlob();
    await commitObject(storage, blobObject('b', 'k', [previous]));
    await storage.metadata.createUpload(upload('b', 'k', 'u1'));
    const used = await newBlob();
    const unused = await newBlob();
    await commitPart(storage, part('u1', 1, used.blobId, used.size));
    await commitPart(storage, part('u1', 2, unused.blobId, unused.size));
    await expectCode(commitUpload(storage, 'nope', blobObject('b', 'k', [used])), 'NoSuchUpload');
    expect(await exists(used.blobId)).toBe(true); // a failed completion deletes nothing
    await commitUpload(storage, 'u1', blobObject('b', 'k', [used]));
    expect(await exists(used.blobId)).toBe(true);
    expect(await exists(unused.blobId)).toBe(false);
    expect(await exists(previous.blobId)).toBe(false);
  });

  it('versioned writes: Enabled keeps older blobs, deleting a version frees its blobs, Suspended replaces null', async () => {
    const unversioned = await newBlob();
    expect(await commitObjectVersioned(storage, blobObject('b', 'k', [unversioned]))).toEqual({
      versionId: 'null',
    });
    await storage.metadata.setBucketVersioning('b', 'Enabled');
    const { versionId: _, ...record } = blobObject('b', 'k', [unversioned]);
    const v1 = await newBlob();
    const w1 = await commitObjectVersioned(storage, { ...record, data: { kind: 'blobs', segments: [v1] } });
    expect(w1.versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    const v2 = await newBlob();
    await commitObject(storage, { ...record, data: { kind: 'blobs', segments: [v2] } });
    for (const blob of [unversioned, v1, v2]) expect(await exists(blob.blobId)).toBe(true);
    const marker = await removeObjectVersioned(storage, 'b', 'k');
    expect(marker).toEqual({ versionId: expect.stringMatching(/^[A-Za-z0-9._]{32}$/), deleteMarker: true });
    expect(await exists(v2.blobId)).toBe(true);
    expect(await removeObjectVersioned(storage, 'b', 'k', w1.versionId)).toEqual({
      versionId: w1.versionId,
      deleteMarker: false,
    });
    expect(await exists(v1.blobId)).toBe(false);
    // Suspended: the null version is replaced, its blob goes.
    await storage.metadata.setBucketVersioning('b', 'Suspended');
    const v3 = await newBlob();
    expect(
      await commitObjectVersioned(storage, { ...record, data: { kind: 'blobs', segments: [v3] } }),
    ).toEqual({
      versionId: 'null',
    });
    expect(await exists(unversioned.blobId)).toBe(false);
    expect(await exists(v2.blobId)).toBe(true);
    await removeObject(storage, 'b', 'k'); // a null delete marker replaces the null version
    expect(await exists(v3.blobId)).toBe(false);
    // A multipart completion in an Enabled bucket reports its new version.
    await storage.metadata.setBucketVersioning('b', 'Enabled');
    await storage.metadata.createUpload(upload('b', 'm', 'u1'));
    const p1 = await newBlob();
    await commitPart(storage, part('u1', 1, p1.blobId, p1.size));
    const done = await commitUploadVersioned(storage, 'u1', {
      ...record,
      key: 'm',
      data: { kind: 'blobs', segments: [p1] },
    });
    expect(done.versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(await exists(p1.blobId)).toBe(true);
  });

  it('deletes a bucket, then what hangs off it; a failing release does not fail the delete', async () => {
    const released: string[] = [];
    await removeBucket(storage, 'b', async (name) => {
      released.push(name);
      throw new Error('policy store down');
    });
    expect(released).toEqual(['b']);
    expect(await storage.metadata.getBucket('b')).toBeUndefined();
    await expectCode(
      removeBucket(storage, 'b', async () => released.push('again')),
      'NoSuchBucket',
    );
    expect(released).toEqual(['b']);
  });
});
