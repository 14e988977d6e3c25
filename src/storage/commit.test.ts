import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobObject, bucket, expectCode, part, upload } from './contract/fixtures.js';
import {
  commitObject,
  commitPart,
  commitUpload,
  openStorage,
  removeBucket,
  removeObject,
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
