import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;

async function failure(p: Promise<unknown>) {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode ?? 0, headers: e.$response?.headers ?? {} };
  }
}

async function put(bucket: string, key: string, body: string) {
  return s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function text(bucket: string, key: string, versionId?: string) {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return { body: await r.Body!.transformToString(), versionId: r.VersionId };
}

async function versioning(bucket: string, status: 'Enabled' | 'Suspended') {
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }),
  );
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
});
afterAll(async () => server?.stop());

describe('versioning', () => {
  it('GetBucketVersioning: no status until configured, then Enabled / Suspended; never back to unset', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-state' }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'v-state' }))).Status).toBeUndefined();
    await versioning('v-state', 'Enabled');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'v-state' }))).Status).toBe('Enabled');
    await versioning('v-state', 'Suspended');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'v-state' }))).Status).toBe('Suspended');
    const bad = await fetchAs(
      'PUT',
      '/v-state?versioning',
      '<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>',
    );
    expect(bad).toBe(400);
    const mfa = await failure(
      s3.send(
        new PutBucketVersioningCommand({
          Bucket: 'v-state',
          VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' },
        }),
      ),
    );
    expect(mfa?.status).toBe(403);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'v-state' }))).Status).toBe('Suspended');
  });

  it('every PUT to an Enabled bucket is a new version; older versions stay readable by id', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-put' }));
    const before = await put('v-put', 'k', 'zero');
    expect(before.VersionId).toBeUndefined();
    await versioning('v-put', 'Enabled');
    const one = await put('v-put', 'k', 'one');
    const two = await put('v-put', 'k', 'two');
    expect(one.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(two.VersionId).not.toBe(one.VersionId);
    expect(await text('v-put', 'k')).toEqual({ body: 'two', versionId: two.VersionId });
    expect((await text('v-put', 'k', one.VersionId)).body).toBe('one');
    expect((await text('v-put', 'k', 'null')).body).toBe('zero');
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-put' }));
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [two.VersionId, true],
      [one.VersionId, false],
      ['null', false],
    ]);
    const missing = await failure(text('v-put', 'k', 'A'.repeat(32)));
    expect(missing).toMatchObject({ code: 'NoSuchVersion', status: 404 });
  });

  it('DELETE without a version writes a delete marker: GET is 404 with x-amz-delete-marker, by id 405', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-del' }));
    await versioning('v-del', 'Enabled');
    const v1 = await put('v-del', 'k', 'one');
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'v-del', Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    const gone = await failure(s3.send(new GetObjectCommand({ Bucket: 'v-del', Key: 'k' })));
    expect(gone).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(gone?.headers['x-amz-delete-marker']).toBe('true');
    expect(gone?.headers['x-amz-version-id']).toBe(del.VersionId);
    const head = await failure(s3.send(new HeadObjectCommand({ Bucket: 'v-del', Key: 'k' })));
    expect(head?.status).toBe(404);
    expect(head?.headers['x-amz-delete-marker']).toBe('true');
    const byId = await failure(
      s3.send(new GetObjectCommand({ Bucket: 'v-del', Key: 'k', VersionId: del.VersionId })),
    );
    expect(byId).toMatchObject({ status: 405 });
    expect(byId?.headers['x-amz-delete-marker']).toBe('true');
    // ListObjects no longer shows the key; ListObjectVersions shows both.
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'v-del' }))).KeyCount).toBe(0);
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-del' }));
    expect(list.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[del.VersionId, true]]);
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v1.VersionId, false]]);
    // Removing the marker for good brings the version back.
    const undo = await s3.send(
      new DeleteObjectCommand({ Bucket: 'v-del', Key: 'k', VersionId: del.VersionId }),
    );
    expect(undo).toMatchObject({ DeleteMarker: true, VersionId: del.VersionId });
    expect((await text('v-del', 'k')).body).toBe('one');
    // Deleting a specific version removes it for good.
    const gone2 = await s3.send(
      new DeleteObjectCommand({ Bucket: 'v-del', Key: 'k', VersionId: v1.VersionId }),
    );
    expect(gone2.VersionId).toBe(v1.VersionId);
    expect(gone2.DeleteMarker).toBeUndefined();
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-del' }))).Versions).toBeUndefined();
  });

  it('Suspended: writes and deletes replace the null version, other versions stay', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-susp' }));
    await versioning('v-susp', 'Enabled');
    const kept = await put('v-susp', 'k', 'kept');
    await versioning('v-susp', 'Suspended');
    const a = await put('v-susp', 'k', 'a');
    expect(a.VersionId).toBeUndefined();
    expect((await text('v-susp', 'k')).versionId).toBe('null');
    await put('v-susp', 'k', 'b');
    let list = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-susp' }));
    expect(list.Versions?.map((v) => v.VersionId)).toEqual(['null', kept.VersionId]);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'v-susp', Key: 'k' }));
    expect(marker).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    list = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-susp' }));
    expect(list.Versions?.map((v) => v.VersionId)).toEqual([kept.VersionId]);
    expect(list.DeleteMarkers?.map((m) => m.VersionId)).toEqual(['null']);
  });

  it('copy from a version, tagging by version, DeleteObjects with versions and markers', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-ops' }));
    await versioning('v-ops', 'Enabled');
    const v1 = await put('v-ops', 'k', 'first');
    const v2 = await put('v-ops', 'k', 'second');
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'v-ops', Key: 'k', CopySource: `v-ops/k?versionId=${v1.VersionId}` }),
    );
    expect(copy.CopySourceVersionId).toBe(v1.VersionId);
    expect(copy.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect((await text('v-ops', 'k')).body).toBe('first');
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: 'v-ops',
        Key: 'k',
        VersionId: v2.VersionId,
        Tagging: { TagSet: [{ Key: 'which', Value: 'v2' }] },
      }),
    );
    const tags = await s3.send(
      new GetObjectTaggingCommand({ Bucket: 'v-ops', Key: 'k', VersionId: v2.VersionId }),
    );
    expect(tags).toMatchObject({ VersionId: v2.VersionId, TagSet: [{ Key: 'which', Value: 'v2' }] });
    const current = await s3.send(new GetObjectTaggingCommand({ Bucket: 'v-ops', Key: 'k' }));
    expect(current.TagSet).toEqual([]);
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'v-ops',
        Delete: { Objects: [{ Key: 'k', VersionId: v1.VersionId }, { Key: 'other' }] },
      }),
    );
    expect(result.Deleted).toEqual(
      expect.arrayContaining([
        { Key: 'k', VersionId: v1.VersionId },
        expect.objectContaining({
          Key: 'other',
          DeleteMarker: true,
          DeleteMarkerVersionId: expect.any(String),
        }),
      ]),
    );
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-ops', Prefix: 'k' }));
    expect(left.Versions?.map((v) => v.VersionId)).toEqual([copy.VersionId, v2.VersionId]);
  });

  it('ListObjectVersions pages with key-marker / version-id-marker and rolls up common prefixes', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'v-page' }));
    await versioning('v-page', 'Enabled');
    const ids: string[] = [];
    for (const key of ['a', 'a', 'a', 'b', 'dir/x', 'dir/y'])
      ids.push((await put('v-page', key, key)).VersionId!);
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: 'v-page',
          MaxKeys: 2,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      seen.push(...(page.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    expect(seen).toEqual([
      `a@${ids[2]}`,
      `a@${ids[1]}`,
      `a@${ids[0]}`,
      `b@${ids[3]}`,
      `dir/x@${ids[4]}`,
      `dir/y@${ids[5]}`,
    ]);
    const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket: 'v-page', Delimiter: '/' }));
    expect(rolled.CommonPrefixes).toEqual([{ Prefix: 'dir/' }]);
    expect(rolled.Versions?.length).toBe(4);
    const bad = await failure(
      s3.send(new ListObjectVersionsCommand({ Bucket: 'v-page', VersionIdMarker: ids[0] })),
    );
    expect(bad).toMatchObject({ code: 'InvalidArgument', status: 400 });
  });
});

/** A signed request with a raw body (for documents an SDK would refuse to build): its status. */
async function fetchAs(method: string, path: string, body: string): Promise<number> {
  const [p, q] = path.split('?');
  const res = await rawRequest(server.port, { method, path: p!, query: { [q!]: '' }, body });
  return res.status;
}
