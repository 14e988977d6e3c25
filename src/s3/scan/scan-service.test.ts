import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { FsBlobStore, SqliteMetadataStore } from '../../storage/index.js';
import type { DamageReport } from '../object-reader.js';
import { decodeMarker, encodeMarker } from './marker.js';
import { type ScanFinding, type ScanPage, type ScanRequest, ScanService } from './scan-service.js';

let dir: string;
let metadata: SqliteMetadataStore;
let blobs: FsBlobStore;
const reported: DamageReport[] = [];

async function put(key: string, body: Buffer, md5 = createHash('md5').update(body).digest('hex')) {
  const { blobId, size } = await blobs.write(Readable.from([body]));
  await metadata.putObject({
    bucket: 'b',
    key,
    size,
    etag: md5,
    lastModified: 0,
    headers: {},
    userMetadata: {},
    tags: [],
    data: { kind: 'blobs', segments: [{ blobId, size }] },
  });
  return blobId;
}

/** Every page of a scan, as the CLI drives it. */
async function all(
  service: ScanService,
  req: ScanRequest,
): Promise<{ pages: ScanPage[]; findings: ScanFinding[] }> {
  const pages: ScanPage[] = [];
  let marker: string | undefined;
  do {
    const page = await service.page({ ...req, marker });
    pages.push(page);
    marker = page.marker;
  } while (marker !== undefined && pages.length < 10_000);
  return { pages, findings: pages.flatMap((p) => p.findings) };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-scan-'));
  blobs = await FsBlobStore.open(dir);
  metadata = new SqliteMetadataStore(join(dir, 'meta.db'));
  await metadata.createBucket({ name: 'b', account: '', region: 'us-east-1', createdAt: 0 });
  reported.length = 0;
});
afterEach(async () => {
  await metadata.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ScanService', () => {
  it('verifies digests, stops a page once it read enough bytes, and resumes where it stopped', async () => {
    for (let i = 0; i < 5; i++) await put(`k${i}`, randomBytes(1000));
    await put('wrong', randomBytes(1000), '0'.repeat(32));
    const service = new ScanService({ metadata, blobs, report: (d) => reported.push(d), maxBytesPerPage: 1 });
    const { pages, findings } = await all(service, { bucket: 'b', verifyChecksums: true });
    expect(findings.map((f) => [f.kind, f.key])).toEqual([['checksum', 'wrong']]);
    expect(reported.map((d) => d.key)).toEqual(['wrong']);
    // One version per page (each reads 1000 bytes ≥ the bound), every version exactly once.
    const versions = pages.reduce((n, p) => n + p.scanned.versions, 0);
    expect(versions).toBe(6);
    expect(pages.filter((p) => p.scanned.versions > 1)).toEqual([]);
    expect(pages.at(-1)?.progress).toBe(1);
  });

  it('reports orphans older than the threshold only, and never deletes them', async () => {
    await put('kept', randomBytes(10));
    const old = `cd${'1'.repeat(30)}`;
    const young = `cd${'2'.repeat(30)}`;
    await blobs.write(Readable.from([Buffer.from('x')])); // a fresh, uncommitted blob
    // Random blob ids may share the shard: nothing of theirs is removed, only these two added.
    const shard = join(dir, 'blobs', 'cd');
    mkdirSync(shard, { recursive: true });
    writeFileSync(join(shard, old), 'old');
    writeFileSync(join(shard, young), 'young');
    utimesSync(join(shard, old), new Date(1000), new Date(1000));
    const service = new ScanService({ metadata, blobs, orphanMinAgeMs: 60_000 });
    const { findings } = await all(service, { limit: 1000 });
    expect(findings.map((f) => [f.kind, f.blobId])).toEqual([['orphan', old]]);
    const ours = (await blobs.listShard('cd'))
      .map((b) => b.blobId)
      .filter((id) => id === old || id === young);
    expect(ours).toEqual([old, young]);
  });

  it('refuses bad input with typed errors', async () => {
    const service = new ScanService({ metadata, blobs });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e) => (isTesseraError(e) ? e.code : 'other'),
      );
    expect(await code(service.page({ bucket: 'none' }))).toBe('NoSuchBucket');
    expect(await code(service.page({ limit: 0 }))).toBe('InvalidArgument');
    expect(await code(service.page({ limit: 1.5 }))).toBe('InvalidArgument');
    for (const m of ['%%', 'e30', Buffer.from('[1,2,3,4,5]').toString('base64url'), 'x'.repeat(5000)]) {
      expect(await code(service.page({ marker: m }))).toBe('InvalidArgument');
    }
    const m = { phase: 'uploads', bucket: 'b', keyMarker: 'k', idMarker: 'u', shard: 0 } as const;
    expect(decodeMarker(encodeMarker(m))).toEqual(m);
    // A marker of the store-wide blob walk does not go on a scan of one bucket.
    const orphans = encodeMarker({ ...m, phase: 'orphans', bucket: '' });
    expect(await code(service.page({ bucket: 'b', marker: orphans }))).toBe('InvalidArgument');
    expect(await code(service.page({ bucket: 'b', marker: encodeMarker({ ...m, bucket: 'c' }) }))).toBe(
      'InvalidArgument',
    );
  });
});
