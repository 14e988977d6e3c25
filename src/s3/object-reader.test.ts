import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { FsBlobStore, type ObjectRecord } from '../storage/index.js';
import { type DamageReport, openObject } from './object-reader.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function multipart(withCrc = false) {
  const root = mkdtempSync(join(tmpdir(), 'reader-'));
  const blobs = await FsBlobStore.open(root);
  const parts = [randomBytes(70_000), randomBytes(50_000)];
  const written = [];
  for (const p of parts) written.push(await blobs.write(Readable.from([p])));
  const record: ObjectRecord = {
    bucket: 'b',
    key: 'k',
    versionId: 'null',
    size: 120_000,
    etag: 'ffffffffffffffffffffffffffffffff-2',
    lastModified: 0,
    headers: {},
    userMetadata: {},
    tags: [],
    parts: parts.map((p, i) => ({ partNumber: i + 1, size: p.length, etag: md5(p) })),
    data: {
      kind: 'blobs',
      segments: written.map((w, i) =>
        withCrc
          ? { blobId: w.blobId, size: w.size, crc32: crc32(parts[i]!) }
          : { blobId: w.blobId, size: w.size },
      ),
    },
  };
  const path = (blobId: string) => {
    const shard = join(root, 'blobs', blobId.slice(0, 2));
    return join(shard, readdirSync(shard).find((n) => n === blobId)!);
  };
  return { blobs, record, parts, path, written };
}

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('openObject', () => {
  it('reads multipart objects whole and by range, verifying each part read whole', async () => {
    const { blobs, record, parts } = await multipart();
    const opened = await openObject(blobs, record);
    expect(await drain(opened.stream(0, 119_999))).toEqual(Buffer.concat(parts));
    expect(await drain(opened.stream(69_990, 70_009))).toEqual(Buffer.concat(parts).subarray(69_990, 70_010));
    await opened.close();
  });

  it('an altered part fails the whole read before its last bytes, and is reported', async () => {
    const { blobs, record, parts, path, written } = await multipart();
    const fd = openSync(path(written[1]!.blobId), 'r+');
    writeSync(fd, Buffer.from([parts[1]![10]! ^ 1]), 0, 1, 10);
    closeSync(fd);
    const reports: DamageReport[] = [];
    const opened = await openObject(blobs, record, (d) => reports.push(d));
    const received: Buffer[] = [];
    let failure: unknown;
    try {
      for await (const c of opened.stream(0, 119_999)) received.push(c as Buffer);
    } catch (e) {
      failure = e;
    }
    expect(isTesseraError(failure, 'InternalError')).toBe(true);
    // The first part went out whole; the altered part's bytes never completed.
    expect(Buffer.concat(received).length).toBeLessThan(120_000);
    expect(reports).toMatchObject([{ bucket: 'b', key: 'k', blobId: written[1]!.blobId, kind: 'checksum' }]);
    // A range inside the first part is intact and served.
    expect(await drain(opened.stream(0, 99))).toEqual(parts[0]!.subarray(0, 100));
    await opened.close();
  });

  it('checks the CRC-32 recorded with a blob instead of its MD5, and reports a mismatch', async () => {
    const good = await multipart(true);
    // With a CRC-32 recorded, the part ETags are not what is checked.
    good.record.parts = good.record.parts!.map((p) => ({ ...p, etag: '0'.repeat(32) }));
    const opened = await openObject(good.blobs, good.record);
    expect(await drain(opened.stream(0, 119_999))).toEqual(Buffer.concat(good.parts));
    await opened.close();

    const bad = await multipart(true);
    const fd = openSync(bad.path(bad.written[0]!.blobId), 'r+');
    writeSync(fd, Buffer.from([bad.parts[0]![5]! ^ 1]), 0, 1, 5);
    closeSync(fd);
    const reports: DamageReport[] = [];
    const reading = await openObject(bad.blobs, bad.record, (d) => reports.push(d));
    await expect(drain(reading.stream(0, 119_999))).rejects.toSatisfy((e) =>
      isTesseraError(e, 'InternalError'),
    );
    expect(reports).toMatchObject([{ blobId: bad.written[0]!.blobId, kind: 'checksum' }]);
    expect(reports[0]!.detail).toMatch(/^CRC-32 \d+, \d+ recorded$/);
    await reading.close();
  });
});
