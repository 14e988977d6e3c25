import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from './helpers/aws-cli.js';
import { rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * Bucket versioning through real clients (aws CLI, AWS SDK v3, minio-js, rclone) and IAM, checked
 * against AWS S3's documented behaviour (docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
 * and the API reference of each operation), not against what Tessera happens to answer.
 */
const run = promisify(execFile);
const RCLONE = existsSync('/usr/bin/rclone') ? '/usr/bin/rclone' : 'rclone';

let server: RunningServer;
let s3: S3Client;
let minio: Minio.Client;
let iam: IAMClient;
let work: string;

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  s3 = s3Client(server, { maxAttempts: 1 });
  minio = new Minio.Client({
    endPoint: '127.0.0.1',
    port: server.port,
    useSSL: false,
    accessKey: ROOT_USER,
    secretKey: ROOT_PASSWORD,
  });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  work = mkdtempSync(join(tmpdir(), 'tessera-versioning-'));
});
afterAll(async () => {
  s3?.destroy();
  iam?.destroy();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const md5 = (b: Buffer | Uint8Array | string) => createHash('md5').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function body(bucket: string, key: string, versionId?: string): Promise<string> {
  const got = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  return got.Body!.transformToString();
}

/** The S3 error an SDK call fails with: name and HTTP status ('ok' when it succeeds). */
async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) =>
      e instanceof S3ServiceException ? `${e.$metadata.httpStatusCode} ${e.name}` : `not S3: ${String(e)}`,
  );
}

async function makeBucket(name: string, versioning?: 'Enabled' | 'Suspended'): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioning)
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: versioning } }),
    );
}

/** Every page of ListObjectVersions (SDK), with the page size given. */
async function allVersions(bucket: string, extra: { Prefix?: string; MaxKeys?: number } = {}) {
  const pages: ListObjectVersionsCommandOutput[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...extra,
        ...(KeyMarker !== undefined ? { KeyMarker } : {}),
        ...(VersionIdMarker !== undefined ? { VersionIdMarker } : {}),
      }),
    );
    pages.push(page);
    if (!page.IsTruncated) break;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
    if (pages.length > 1000) throw new Error('ListObjectVersions never ends');
  }
  return pages;
}

/** One row per version or delete marker, in the order of the XML (ListObjectVersions raw). */
interface Entry {
  kind: 'Version' | 'DeleteMarker';
  key: string;
  versionId: string;
  isLatest: boolean;
  etag?: string;
  size?: number;
}
function entries(xml: string): Entry[] {
  const out: Entry[] = [];
  for (const m of xml.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)) {
    const field = (n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(m[2]!)?.[1];
    const e: Entry = {
      kind: m[1] as Entry['kind'],
      key: field('Key')!,
      versionId: field('VersionId')!,
      isLatest: field('IsLatest') === 'true',
    };
    if (m[1] === 'Version') {
      e.etag = field('ETag')!.replaceAll('&quot;', '"').replaceAll('&#34;', '"');
      e.size = Number(field('Size'));
    }
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// aws CLI
// ---------------------------------------------------------------------------------------------

async function aws(...args: string[]): Promise<string> {
  return awsCli(server.endpoint, args);
}
const awsJson = async (...args: string[]) => {
  const out = (await aws(...args)).trim();
  return (out ? JSON.parse(out) : {}) as Record<string, unknown>;
};

interface CliVersion {
  Key: string;
  VersionId: string;
  IsLatest: boolean;
  ETag?: string;
  Size?: number;
}

describe('aws CLI (s3api)', () => {
  it('put-bucket-versioning, put-object, list-object-versions, get-object --version-id, delete markers, delete-objects with versions', async () => {
    const B = 'cli-versions';
    await aws('s3api', 'create-bucket', '--bucket', B);
    // Never configured: GetBucketVersioning answers an empty configuration (the CLI prints nothing).
    expect(await awsJson('s3api', 'get-bucket-versioning', '--bucket', B)).toEqual({});
    await aws(
      's3api',
      'put-bucket-versioning',
      '--bucket',
      B,
      '--versioning-configuration',
      'Status=Enabled',
    );
    expect(await awsJson('s3api', 'get-bucket-versioning', '--bucket', B)).toMatchObject({
      Status: 'Enabled',
    });

    const files = ['first', 'second', 'third'].map((t) => {
      const f = join(work, `cli-${t}.txt`);
      writeFileSync(f, `${t} body`);
      return f;
    });
    const ids: string[] = [];
    for (const f of files) {
      const put = await awsJson('s3api', 'put-object', '--bucket', B, '--key', 'doc.txt', '--body', f);
      expect(put.VersionId, 'put-object reports the new version').toEqual(expect.any(String));
      expect(put.VersionId).not.toBe('null');
      ids.push(put.VersionId as string);
    }
    expect(new Set(ids).size).toBe(3);

    // --page-size 1: the CLI sends max-keys=1 and follows NextKeyMarker / NextVersionIdMarker.
    const listed = await awsJson('s3api', 'list-object-versions', '--bucket', B, '--page-size', '1');
    const versions = listed.Versions as CliVersion[];
    expect(versions.map((v) => v.VersionId)).toEqual([...ids].reverse());
    expect(versions.map((v) => v.IsLatest)).toEqual([true, false, false]);
    expect(versions.map((v) => v.ETag)).toEqual(
      ['third', 'second', 'first'].map((t) => `"${md5(`${t} body`)}"`),
    );
    expect(listed.DeleteMarkers ?? []).toEqual([]);

    const out = join(work, 'cli-out.txt');
    const got = await awsJson(
      's3api',
      'get-object',
      '--bucket',
      B,
      '--key',
      'doc.txt',
      `--version-id=${ids[0]!}`,
      out,
    );
    expect(got.VersionId).toBe(ids[0]);
    expect(readFileSync(out, 'utf8')).toBe('first body');

    // A delete without a version id writes a delete marker, which becomes the current version.
    const del = await awsJson('s3api', 'delete-object', '--bucket', B, '--key', 'doc.txt');
    expect(del.DeleteMarker).toBe(true);
    const markerId = del.VersionId as string;
    expect(markerId).toEqual(expect.any(String));
    expect(ids).not.toContain(markerId);
    const afterDelete = await awsJson('s3api', 'list-object-versions', '--bucket', B);
    expect((afterDelete.DeleteMarkers as CliVersion[]).map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([
      ['doc.txt', markerId, true],
    ]);
    expect((afterDelete.Versions as CliVersion[]).every((v) => !v.IsLatest)).toBe(true);
    // The key reads as deleted; the old versions are still there by id.
    await expect(aws('s3api', 'get-object', '--bucket', B, '--key', 'doc.txt', out)).rejects.toThrow(
      /NoSuchKey|Not Found|404/,
    );
    await awsJson('s3api', 'get-object', '--bucket', B, '--key', 'doc.txt', `--version-id=${ids[2]!}`, out);
    expect(readFileSync(out, 'utf8')).toBe('third body');

    // delete-object --version-id removes that version for good; removing the marker restores the key.
    const gone = await awsJson(
      's3api',
      'delete-object',
      '--bucket',
      B,
      '--key',
      'doc.txt',
      `--version-id=${ids[1]!}`,
    );
    expect(gone.VersionId).toBe(ids[1]);
    expect(gone.DeleteMarker).toBeUndefined();
    const unmark = await awsJson(
      's3api',
      'delete-object',
      '--bucket',
      B,
      '--key',
      'doc.txt',
      `--version-id=${markerId}`,
    );
    expect(unmark).toMatchObject({ DeleteMarker: true, VersionId: markerId });
    await awsJson('s3api', 'get-object', '--bucket', B, '--key', 'doc.txt', out);
    expect(readFileSync(out, 'utf8')).toBe('third body');

    // delete-objects: one version by id, one key without (a new delete marker), one marker by id.
    const other = join(work, 'cli-other.txt');
    writeFileSync(other, 'other');
    const o1 = (await awsJson('s3api', 'put-object', '--bucket', B, '--key', 'other.txt', '--body', other))
      .VersionId as string;
    const m1 = (await awsJson('s3api', 'delete-object', '--bucket', B, '--key', 'other.txt'))
      .VersionId as string;
    const batch = await awsJson(
      's3api',
      'delete-objects',
      '--bucket',
      B,
      '--delete',
      JSON.stringify({
        Objects: [
          { Key: 'doc.txt', VersionId: ids[0] },
          { Key: 'doc.txt' },
          { Key: 'other.txt', VersionId: m1 },
        ],
      }),
    );
    expect(batch.Errors ?? []).toEqual([]);
    const deleted = batch.Deleted as {
      Key: string;
      VersionId?: string;
      DeleteMarker?: boolean;
      DeleteMarkerVersionId?: string;
    }[];
    expect(deleted).toHaveLength(3);
    expect(deleted).toContainEqual({ Key: 'doc.txt', VersionId: ids[0] });
    const newMarker = deleted.find((d) => d.Key === 'doc.txt' && d.VersionId === undefined);
    expect(newMarker).toMatchObject({ DeleteMarker: true, DeleteMarkerVersionId: expect.any(String) });
    expect(deleted.find((d) => d.Key === 'other.txt')).toMatchObject({
      VersionId: m1,
      DeleteMarker: true,
      DeleteMarkerVersionId: m1,
    });
    const end = await awsJson('s3api', 'list-object-versions', '--bucket', B);
    expect((end.Versions as CliVersion[]).map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['doc.txt', ids[2], false],
      ['other.txt', o1, true],
    ]);
    expect((end.DeleteMarkers as CliVersion[]).map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['doc.txt', newMarker!.DeleteMarkerVersionId, true],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// AWS SDK v3
// ---------------------------------------------------------------------------------------------

describe('AWS SDK v3', () => {
  it('GetBucketVersioning: empty until configured, then Enabled / Suspended; a bad Status is MalformedXML', async () => {
    await makeBucket('sdk-config');
    const first = await s3.send(new GetBucketVersioningCommand({ Bucket: 'sdk-config' }));
    expect(first.Status).toBeUndefined();
    const raw = await rawRequest(server.port, {
      method: 'GET',
      path: '/sdk-config',
      query: { versioning: '' },
    });
    expect(raw.status).toBe(200);
    expect(raw.body).toContain('VersioningConfiguration');
    expect(raw.body).not.toContain('<Status>');
    for (const status of ['Enabled', 'Suspended', 'Enabled'] as const) {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: 'sdk-config', VersioningConfiguration: { Status: status } }),
      );
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'sdk-config' }))).Status).toBe(status);
    }
    const bad = await rawRequest(server.port, {
      method: 'PUT',
      path: '/sdk-config',
      query: { versioning: '' },
      body: '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>On</Status></VersioningConfiguration>',
    });
    expect(bad.status).toBe(400);
    expect(['MalformedXML', 'IllegalVersioningConfigurationException']).toContain(
      /<Code>([^<]+)</.exec(bad.body)?.[1],
    );
    expect(await failure(s3.send(new GetBucketVersioningCommand({ Bucket: 'sdk-no-such-bucket' })))).toBe(
      '404 NoSuchBucket',
    );
  });

  it('versioned writes keep every version; a delete marker makes GET 404 with x-amz-delete-marker; GET/HEAD of the marker by id is 405', async () => {
    const B = 'sdk-versions';
    await makeBucket(B, 'Enabled');
    const ids: string[] = [];
    for (const text of ['v1', 'v2', 'v3']) {
      const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: text }));
      expect(put.VersionId).toEqual(expect.any(String));
      expect(put.VersionId).not.toBe('null');
      ids.push(put.VersionId!);
    }
    expect(await body(B, 'k')).toBe('v3');
    for (const [i, id] of ids.entries()) expect(await body(B, 'k', id)).toBe(`v${i + 1}`);
    const current = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' }));
    expect(current.VersionId).toBe(ids[2]);
    await current.Body!.transformToString();

    // HEAD by version: that version's ETag, size and id.
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'k', VersionId: ids[0] }));
    expect(head).toMatchObject({ VersionId: ids[0], ETag: `"${md5('v1')}"`, ContentLength: 2 });

    const del = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    const marker = del.VersionId!;
    expect(marker).toEqual(expect.any(String));
    expect(ids).not.toContain(marker);

    // The current version is a delete marker: 404 NoSuchKey with x-amz-delete-marker: true.
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' })))).toBe('404 NoSuchKey');
    const get404 = await rawRequest(server.port, { method: 'GET', path: `/${B}/k` });
    expect(get404.status).toBe(404);
    expect(get404.body).toContain('<Code>NoSuchKey</Code>');
    expect(get404.headers['x-amz-delete-marker']).toBe('true');
    expect(get404.headers['x-amz-version-id']).toBe(marker);
    const head404 = await rawRequest(server.port, { method: 'HEAD', path: `/${B}/k` });
    expect(head404.status).toBe(404);
    expect(head404.headers['x-amz-delete-marker']).toBe('true');

    // The marker named by id: 405 MethodNotAllowed, x-amz-delete-marker: true, its version id.
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: marker })))).toBe(
      '405 MethodNotAllowed',
    );
    const get405 = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/k`,
      query: { versionId: marker },
    });
    expect(get405.status).toBe(405);
    expect(get405.body).toContain('<Code>MethodNotAllowed</Code>');
    expect(get405.headers['x-amz-delete-marker']).toBe('true');
    expect(get405.headers['x-amz-version-id']).toBe(marker);
    const head405 = await rawRequest(server.port, {
      method: 'HEAD',
      path: `/${B}/k`,
      query: { versionId: marker },
    });
    expect(head405.status).toBe(405);
    expect(head405.headers['x-amz-delete-marker']).toBe('true');

    // The older versions still read by id; ListObjectsV2 no longer lists the key.
    expect(await body(B, 'k', ids[1])).toBe('v2');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B }))).KeyCount).toBe(0);

    // A version id the key does not have: 404 NoSuchVersion; one that cannot be an id: 400.
    const other = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'other', Body: 'o' }))).VersionId!;
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: other })))).toBe(
      '404 NoSuchVersion',
    );
    const badId = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/k`,
      query: { versionId: 'not a version' },
    });
    expect(badId.status).toBe(400);
    expect(badId.body).toContain('<Code>InvalidArgument</Code>');
    const emptyId = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/k`,
      query: { versionId: '' },
    });
    expect(emptyId.status).toBe(400);
    expect(emptyId.body).toContain('<Code>InvalidArgument</Code>');

    // Deleting the marker by id makes v3 current again (x-amz-delete-marker: the version removed was one).
    const undelete = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: marker }));
    expect(undelete).toMatchObject({ DeleteMarker: true, VersionId: marker });
    expect(await body(B, 'k')).toBe('v3');
    // Deleting the current version by id makes the next newest current.
    const drop = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: ids[2] }));
    expect(drop.VersionId).toBe(ids[2]);
    expect(drop.DeleteMarker).toBeUndefined();
    expect(await body(B, 'k')).toBe('v2');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: ids[2] })))).toBe(
      '404 NoSuchVersion',
    );
  });

  it('CopyObject from ?versionId= answers x-amz-copy-source-version-id and a new x-amz-version-id', async () => {
    const B = 'sdk-copy';
    await makeBucket(B, 'Enabled');
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'old bytes' }))).VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'new bytes' }))).VersionId!;
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/src?versionId=${v1}` }),
    );
    expect(copy.CopySourceVersionId).toBe(v1);
    expect(copy.VersionId).toEqual(expect.any(String));
    expect([v1, v2, 'null']).not.toContain(copy.VersionId);
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5('old bytes')}"`);
    expect(await body(B, 'dst')).toBe('old bytes');
    expect(await body(B, 'dst', copy.VersionId)).toBe('old bytes');
    // Without a versionId: the current version, whose id is reported.
    const latest = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/src` }));
    expect(latest.CopySourceVersionId).toBe(v2);
    expect(await body(B, 'dst')).toBe('new bytes');
    // Into an unversioned bucket: no x-amz-version-id for the destination.
    await makeBucket('sdk-copy-plain');
    const plain = await s3.send(
      new CopyObjectCommand({ Bucket: 'sdk-copy-plain', Key: 'x', CopySource: `${B}/src?versionId=${v1}` }),
    );
    expect(plain.CopySourceVersionId).toBe(v1);
    expect(plain.VersionId).toBeUndefined();
    expect(await body('sdk-copy-plain', 'x')).toBe('old bytes');

    // A source whose current version is a delete marker: 404 NoSuchKey; the marker by id: 400 InvalidRequest.
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'src' }))).VersionId!;
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'd2', CopySource: `${B}/src` }))),
    ).toBe('404 NoSuchKey');
    expect(
      await failure(
        s3.send(new CopyObjectCommand({ Bucket: B, Key: 'd2', CopySource: `${B}/src?versionId=${marker}` })),
      ),
    ).toBe('400 InvalidRequest');
    // An old version by id still copies after the key was deleted.
    const again = await s3.send(
      new CopyObjectCommand({ Bucket: B, Key: 'd3', CopySource: `${B}/src?versionId=${v2}` }),
    );
    expect(again.CopySourceVersionId).toBe(v2);
    expect(await body(B, 'd3')).toBe('new bytes');
    // Copying an older version onto its own key restores it as a new version (AWS's documented way
    // to restore a version; no metadata change is needed when the source names a version).
    const restored = await s3.send(
      new CopyObjectCommand({ Bucket: B, Key: 'src', CopySource: `${B}/src?versionId=${v1}` }),
    );
    expect(restored.CopySourceVersionId).toBe(v1);
    expect([v1, v2, marker]).not.toContain(restored.VersionId);
    expect(await body(B, 'src')).toBe('old bytes');
    // A source version that does not exist: 404 NoSuchVersion.
    expect(
      await failure(
        s3.send(
          new CopyObjectCommand({ Bucket: B, Key: 'd4', CopySource: `${B}/src?versionId=${copy.VersionId}` }),
        ),
      ),
    ).toBe('404 NoSuchVersion');
  });

  it('tagging by versionId reads and writes that version only', async () => {
    const B = 'sdk-tagging';
    await makeBucket(B, 'Enabled');
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 't', Body: '1', Tagging: 'gen=one' })))
      .VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 't', Body: '2', Tagging: 'gen=two' })))
      .VersionId!;
    const tagsOf = async (versionId?: string) => {
      const r = await s3.send(
        new GetObjectTaggingCommand({ Bucket: B, Key: 't', ...(versionId ? { VersionId: versionId } : {}) }),
      );
      return { versionId: r.VersionId, tags: r.TagSet?.map((t) => `${t.Key}=${t.Value}`) };
    };
    expect(await tagsOf(v1)).toEqual({ versionId: v1, tags: ['gen=one'] });
    expect(await tagsOf()).toEqual({ versionId: v2, tags: ['gen=two'] });
    const put = await s3.send(
      new PutObjectTaggingCommand({
        Bucket: B,
        Key: 't',
        VersionId: v1,
        Tagging: { TagSet: [{ Key: 'gen', Value: 'retagged' }] },
      }),
    );
    expect(put.VersionId).toBe(v1);
    expect(await tagsOf(v1)).toEqual({ versionId: v1, tags: ['gen=retagged'] });
    expect(await tagsOf(v2)).toEqual({ versionId: v2, tags: ['gen=two'] });
    // A delete marker has no tags: 405 MethodNotAllowed.
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 't' }))).VersionId!;
    expect(
      await failure(s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 't', VersionId: marker }))),
    ).toBe('405 MethodNotAllowed');
    expect(await failure(s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 't', VersionId: v2 })))).toBe(
      'ok',
    );
  });

  it('ListObjectVersions pages with KeyMarker / VersionIdMarker (MaxKeys counts versions and markers)', async () => {
    const B = 'sdk-paging';
    await makeBucket(B, 'Enabled');
    // Keys a, b, c with 3 versions each (c's newest a delete marker).
    const want: [string, string, boolean, boolean][] = []; // key, id, isLatest, deleteMarker
    for (const key of ['a', 'b', 'c']) {
      const ids: [string, boolean][] = [];
      for (let i = 0; i < 3; i++) {
        if (key === 'c' && i === 2)
          ids.push([(await s3.send(new DeleteObjectCommand({ Bucket: B, Key: key }))).VersionId!, true]);
        else
          ids.push([
            (await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: `${key}${i}` }))).VersionId!,
            false,
          ]);
      }
      for (const [i, [id, dm]] of ids.reverse().entries()) want.push([key, id, i === 0, dm]);
    }
    for (const maxKeys of [1, 2, 4, 1000]) {
      const pages = await allVersions(B, { MaxKeys: maxKeys });
      // Every page but the last is full, and a truncated page says where to resume.
      for (const p of pages.slice(0, -1)) {
        expect((p.Versions?.length ?? 0) + (p.DeleteMarkers?.length ?? 0)).toBe(maxKeys);
        expect(p.IsTruncated).toBe(true);
        expect(p.NextKeyMarker).toEqual(expect.any(String));
        expect(p.NextVersionIdMarker).toEqual(expect.any(String));
      }
      expect(pages.at(-1)!.IsTruncated).toBe(false);
      expect(pages.length).toBe(Math.ceil(9 / maxKeys));
      // The SDK splits Version and DeleteMarker; the raw pages keep their order.
      const got: [string, string, boolean, boolean][] = [];
      for (const p of pages) {
        const rows = [
          ...(p.Versions ?? []).map(
            (v) => [v.Key!, v.VersionId!, v.IsLatest!, false] as [string, string, boolean, boolean],
          ),
          ...(p.DeleteMarkers ?? []).map(
            (v) => [v.Key!, v.VersionId!, v.IsLatest!, true] as [string, string, boolean, boolean],
          ),
        ];
        got.push(
          ...rows.sort((x, y) => want.findIndex((w) => w[1] === x[1]) - want.findIndex((w) => w[1] === y[1])),
        );
      }
      expect(got, `MaxKeys ${maxKeys}`).toEqual(want);
    }
    // Raw order: newest first within a key, keys ascending, markers in place.
    const raw = await rawRequest(server.port, { method: 'GET', path: `/${B}`, query: { versions: '' } });
    expect(entries(raw.body).map((e) => [e.key, e.versionId, e.isLatest, e.kind === 'DeleteMarker'])).toEqual(
      want,
    );
    // A KeyMarker alone starts after every version of that key.
    const afterA = await s3.send(new ListObjectVersionsCommand({ Bucket: B, KeyMarker: 'a' }));
    expect(afterA.KeyMarker).toBe('a');
    expect([...(afterA.Versions ?? []), ...(afterA.DeleteMarkers ?? [])].every((v) => v.Key !== 'a')).toBe(
      true,
    );
    // KeyMarker + VersionIdMarker: the versions of that key older than the marker come first.
    const mid = await s3.send(
      new ListObjectVersionsCommand({ Bucket: B, KeyMarker: 'b', VersionIdMarker: want[4]![1], MaxKeys: 2 }),
    );
    expect(mid.VersionIdMarker).toBe(want[4]![1]);
    expect((mid.Versions ?? []).map((v) => v.VersionId)).toEqual([want[5]![1]]);
    expect((mid.DeleteMarkers ?? []).map((v) => v.VersionId)).toEqual([want[6]![1]]);
    expect(mid).toMatchObject({ IsTruncated: true, NextKeyMarker: 'c', NextVersionIdMarker: want[6]![1] });
    // VersionIdMarker without KeyMarker: 400 InvalidArgument.
    const lone = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}`,
      query: { versions: '', 'version-id-marker': want[0]![1] },
    });
    expect(lone.status).toBe(400);
    expect(lone.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('ListObjectVersions with Prefix / Delimiter (CommonPrefixes count toward MaxKeys) and EncodingType=url', async () => {
    const B = 'sdk-prefixes';
    await makeBucket(B, 'Enabled');
    const keys = ['dir1/a', 'dir1/b', 'dir2/a', 'top', 'dir1/sub/c'];
    for (const k of keys)
      for (let i = 0; i < 2; i++)
        await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: `${k}${i}` }));
    const root = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/' }));
    expect(root.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir1/', 'dir2/']);
    expect(root.Versions?.map((v) => v.Key)).toEqual(['top', 'top']);
    expect(root.Delimiter).toBe('/');
    const dir1 = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'dir1/', Delimiter: '/' }));
    expect(dir1.Prefix).toBe('dir1/');
    expect(dir1.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir1/sub/']);
    expect(dir1.Versions?.map((v) => v.Key)).toEqual(['dir1/a', 'dir1/a', 'dir1/b', 'dir1/b']);
    // MaxKeys 1 with a delimiter: a common prefix is one entry; paging resumes after it.
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < 20; page++) {
      const p = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: B,
          Delimiter: '/',
          MaxKeys: 1,
          ...(KeyMarker !== undefined ? { KeyMarker } : {}),
          ...(VersionIdMarker !== undefined ? { VersionIdMarker } : {}),
        }),
      );
      const n = (p.Versions?.length ?? 0) + (p.CommonPrefixes?.length ?? 0);
      expect(n).toBe(1);
      seen.push(
        ...(p.CommonPrefixes ?? []).map((c) => `prefix ${c.Prefix}`),
        ...(p.Versions ?? []).map((v) => v.Key!),
      );
      if (!p.IsTruncated) break;
      KeyMarker = p.NextKeyMarker;
      VersionIdMarker = p.NextVersionIdMarker;
    }
    expect(seen).toEqual(['prefix dir1/', 'prefix dir2/', 'top', 'top']);

    // EncodingType=url: keys (and markers, prefixes) come URL-encoded.
    const odd = 'odd dir/ä+b&c=<d>';
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: odd, Body: '1' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: odd, Body: '2' }));
    const decode = (s: string) => decodeURIComponent(s.replaceAll('+', '%20'));
    const enc = await s3.send(
      new ListObjectVersionsCommand({ Bucket: B, Prefix: 'odd dir/', EncodingType: 'url', MaxKeys: 1 }),
    );
    expect(enc.EncodingType).toBe('url');
    const k = enc.Versions![0]!.Key!;
    expect(k).not.toBe(odd);
    expect(k).not.toMatch(/[ ä&<>]/);
    expect(decode(k)).toBe(odd);
    expect(decode(enc.Prefix!)).toBe('odd dir/');
    expect(enc.IsTruncated).toBe(true);
    expect(decode(enc.NextKeyMarker!)).toBe(odd);
    const rest = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: B,
        Prefix: 'odd dir/',
        EncodingType: 'url',
        KeyMarker: odd,
        VersionIdMarker: enc.NextVersionIdMarker!,
      }),
    );
    expect(rest.Versions?.map((v) => v.VersionId)).toEqual([v1]);
    expect(decode(rest.KeyMarker!)).toBe(odd);
    const delim = await s3.send(
      new ListObjectVersionsCommand({ Bucket: B, Delimiter: '&', Prefix: 'odd', EncodingType: 'url' }),
    );
    expect(delim.CommonPrefixes?.map((c) => decode(c.Prefix!))).toEqual(['odd dir/ä+b&']);
  });

  it("objects from before versioning keep VersionId 'null'; Suspended writes replace the 'null' version", async () => {
    const B = 'sdk-null';
    await makeBucket(B);
    const before = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'n', Body: 'pre-versioning' }));
    // Never configured: no x-amz-version-id at all.
    expect(before.VersionId).toBeUndefined();
    const rawBefore = await rawRequest(server.port, { method: 'HEAD', path: `/${B}/n` });
    expect(rawBefore.headers['x-amz-version-id']).toBeUndefined();
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    // Once versioning is configured, reads of the 'null' version say so (x-amz-version-id: null).
    expect.soft((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'n' }))).VersionId).toBe('null');
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'n', Body: 'enabled 1' }))).VersionId!;
    let list = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [v1, true],
      ['null', false],
    ]);
    expect(await body(B, 'n', 'null')).toBe('pre-versioning');
    const headNull = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'n', VersionId: 'null' }));
    expect(headNull.VersionId).toBe('null');

    // Suspended: a PUT writes the 'null' version (replacing the old one), the Enabled version stays.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const s1 = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'n', Body: 'suspended 1' }));
    // AWS's PutObject sample for a versioning-suspended bucket answers no x-amz-version-id.
    expect.soft(s1.VersionId).toBeUndefined();
    const s2 = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'n', Body: 'suspended 2' }));
    expect.soft(s2.VersionId).toBeUndefined();
    list = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest, v.ETag])).toEqual([
      ['null', true, `"${md5('suspended 2')}"`],
      [v1, false, `"${md5('enabled 1')}"`],
    ]);
    expect(await body(B, 'n')).toBe('suspended 2');
    const current = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'n' }));
    await current.Body!.transformToString();
    expect.soft(current.VersionId).toBe('null');
    expect(await body(B, 'n', 'null')).toBe('suspended 2');
    expect(await body(B, 'n', v1)).toBe('enabled 1');
    // Suspended DELETE: a 'null' delete marker replaces the 'null' version.
    const del = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'n' }));
    expect(del).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    list = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v1, false]]);
    expect(list.DeleteMarkers?.map((v) => [v.VersionId, v.IsLatest])).toEqual([['null', true]]);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'n' })))).toBe('404 NoSuchKey');
    // Re-enabled: new versions get fresh ids again, the 'null' marker stays below them.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'n', Body: 'enabled 2' }))).VersionId!;
    expect(v2).not.toBe('null');
    const all = await rawRequest(server.port, { method: 'GET', path: `/${B}`, query: { versions: '' } });
    expect(entries(all.body).map((e) => [e.kind, e.versionId, e.isLatest])).toEqual([
      ['Version', v2, true],
      ['DeleteMarker', 'null', false],
      ['Version', v1, false],
    ]);
    // ListObjectVersions of a never-configured bucket: every object is version 'null'.
    await makeBucket('sdk-null-plain');
    await s3.send(new PutObjectCommand({ Bucket: 'sdk-null-plain', Key: 'p', Body: 'p' }));
    const plain = await s3.send(new ListObjectVersionsCommand({ Bucket: 'sdk-null-plain' }));
    expect(plain.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['p', 'null', true]]);
  });

  it('CompleteMultipartUpload returns the new version id', async () => {
    const B = 'sdk-multipart';
    await makeBucket(B, 'Enabled');
    const first = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'mp', Body: 'small' }))).VersionId!;
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1000);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp' }));
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (const [i, p] of [part1, part2].entries()) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: B, Key: 'mp', UploadId: up.UploadId, PartNumber: i + 1, Body: p }),
      );
      parts.push({ PartNumber: i + 1, ETag: r.ETag! });
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'mp',
        UploadId: up.UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    expect(done.VersionId).toEqual(expect.any(String));
    expect(done.VersionId).not.toBe(first);
    expect(done.VersionId).not.toBe('null');
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'mp', VersionId: done.VersionId }));
    expect(got.VersionId).toBe(done.VersionId);
    expect(md5(await got.Body!.transformToByteArray())).toBe(md5(Buffer.concat([part1, part2])));
    expect(await body(B, 'mp', first)).toBe('small');
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [done.VersionId, true, part1.length + part2.length],
      [first, false, 5],
    ]);
    // UploadPartCopy from ?versionId= copies that version and names it.
    const up2 = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp-copy' }));
    const copied = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'mp-copy',
        UploadId: up2.UploadId,
        PartNumber: 1,
        CopySource: `${B}/mp?versionId=${first}`,
      }),
    );
    expect(copied.CopySourceVersionId).toBe(first);
    const done2 = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'mp-copy',
        UploadId: up2.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult!.ETag! }] },
      }),
    );
    expect(await body(B, 'mp-copy', done2.VersionId)).toBe('small');
  });
});

// ---------------------------------------------------------------------------------------------
// minio-js
// ---------------------------------------------------------------------------------------------

interface MinioVersion {
  name?: string;
  prefix?: string;
  versionId?: string;
  isLatest?: boolean | string;
  isDeleteMarker?: boolean;
  etag?: string;
}

async function minioVersions(bucket: string, prefix = '', recursive = true): Promise<MinioVersion[]> {
  const out: MinioVersion[] = [];
  for await (const item of minio.listObjects(bucket, prefix, recursive, { IncludeVersion: true }))
    out.push(item as MinioVersion);
  return out;
}

describe('minio-js', () => {
  it('setBucketVersioning / getBucketVersioning, listObjects with IncludeVersion, removeObject with versionId', async () => {
    const B = 'minio-versions';
    await minio.makeBucket(B);
    await minio.setBucketVersioning(B, { Status: 'Enabled' });
    expect((await minio.getBucketVersioning(B)).Status).toBe('Enabled');
    const a1 = await minio.putObject(B, 'docs/a.txt', Buffer.from('a one'));
    const a2 = await minio.putObject(B, 'docs/a.txt', Buffer.from('a two'));
    expect(a1.versionId).toEqual(expect.any(String));
    expect(a2.versionId).not.toBe(a1.versionId);
    const b1 = await minio.putObject(B, 'docs/b.txt', Buffer.from('b one'));
    const stat = await minio.statObject(B, 'docs/a.txt', { versionId: a1.versionId! });
    expect(stat.versionId).toBe(a1.versionId);
    expect(stat.size).toBe(5);

    const listed = await minioVersions(B);
    expect(listed.map((v) => [v.name, v.versionId, String(v.isLatest), v.isDeleteMarker])).toEqual([
      ['docs/a.txt', a2.versionId, 'true', false],
      ['docs/a.txt', a1.versionId, 'false', false],
      ['docs/b.txt', b1.versionId, 'true', false],
    ]);

    // removeObject without a version: a delete marker; with one: that version for good.
    await minio.removeObject(B, 'docs/b.txt');
    const afterMarker = await minioVersions(B, 'docs/b');
    expect(
      afterMarker.map((v) => [v.versionId === b1.versionId, String(v.isLatest), v.isDeleteMarker]).sort(),
    ).toEqual(
      [
        [false, 'true', true],
        [true, 'false', false],
      ].sort(),
    );
    await expect(minio.statObject(B, 'docs/b.txt')).rejects.toMatchObject({ code: 'NotFound' });
    await minio.removeObject(B, 'docs/a.txt', { versionId: a2.versionId! });
    const chunks: Buffer[] = [];
    for await (const c of await minio.getObject(B, 'docs/a.txt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a one');
    const end = await minioVersions(B, 'docs/a');
    expect(end.map((v) => [v.versionId, String(v.isLatest)])).toEqual([[a1.versionId, 'true']]);
    // Non-recursive: the delimiter rolls keys up into prefixes.
    const top = await minioVersions(B, '', false);
    expect(top.map((v) => v.prefix)).toEqual(['docs/']);

    // Paging through listObjects (more than 1000 versions: minio follows NextKeyMarker/NextVersionIdMarker).
    const many = 'minio-many';
    await minio.makeBucket(many);
    await minio.setBucketVersioning(many, { Status: 'Enabled' });
    const total = 1100;
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      pending.push(minio.putObject(many, `k${String(i % 11).padStart(2, '0')}`, Buffer.from(String(i))));
      if (pending.length >= 16) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const all = await minioVersions(many);
    expect(all.length).toBe(total);
    expect(new Set(all.map((v) => v.versionId)).size).toBe(total);
    expect(all.filter((v) => String(v.isLatest) === 'true').length).toBe(11);

    await minio.setBucketVersioning(B, { Status: 'Suspended' });
    expect((await minio.getBucketVersioning(B)).Status).toBe('Suspended');
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// rclone
// ---------------------------------------------------------------------------------------------

function rcloneEnv(): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
    RCLONE_CONFIG: join(work, 'rclone.conf'),
    RCLONE_CONFIG_TS_TYPE: 's3',
    RCLONE_CONFIG_TS_PROVIDER: 'Minio',
    RCLONE_CONFIG_TS_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_TS_ACCESS_KEY_ID: ROOT_USER,
    RCLONE_CONFIG_TS_SECRET_ACCESS_KEY: ROOT_PASSWORD,
    RCLONE_CONFIG_TS_REGION: 'us-east-1',
  };
}
async function rclone(...args: string[]): Promise<string> {
  const { stdout } = await run(RCLONE, args, { env: rcloneEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
/** `rclone lsl` lines as [size, name]. */
const lsl = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^\s*(\d+) \S+ \S+ (.+)$/.exec(l)!;
      return [Number(m[1]), m[2]!] as [number, string];
    })
    .sort((a, b) => (a[1] < b[1] ? -1 : 1));

describe('rclone', () => {
  it('lsl --s3-versions lists old versions; --s3-version-at shows the bucket as it was', async () => {
    const B = 'rclone-versions';
    await makeBucket(B, 'Enabled');
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'notes.txt', Body: 'one' }));
    await sleep(1100);
    const t1 = new Date();
    await sleep(1100);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'notes.txt', Body: 'second' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'gone.txt', Body: 'gone!!!' }));
    await sleep(1100);
    const t2 = new Date();
    await sleep(1100);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'gone.txt' }));

    expect(lsl(await rclone('lsl', `ts:${B}`))).toEqual([[6, 'notes.txt']]);
    // Old versions appear as name-vYYYY-MM-DD-HHMMSS-mmm.ext beside the current one.
    const versions = lsl(await rclone('lsl', '--s3-versions', `ts:${B}`));
    expect(versions.map(([, n]) => n.replace(/-v\d{4}-\d\d-\d\d-\d{6}-\d{3}/, '-vTIME'))).toEqual(
      ['gone-vTIME.txt', 'notes-vTIME.txt', 'notes.txt'].sort(),
    );
    expect(versions.find(([, n]) => n.startsWith('notes-v'))![0]).toBe(3);
    expect(versions.find(([, n]) => n.startsWith('gone-v'))![0]).toBe(7);
    // As it was at t1 (only the first notes.txt) and at t2 (before the delete marker).
    expect(lsl(await rclone('lsl', '--s3-version-at', t1.toISOString(), `ts:${B}`))).toEqual([
      [3, 'notes.txt'],
    ]);
    expect(await rclone('cat', '--s3-version-at', t1.toISOString(), `ts:${B}/notes.txt`)).toBe('one');
    expect(lsl(await rclone('lsl', '--s3-version-at', t2.toISOString(), `ts:${B}`))).toEqual(
      [
        [7, 'gone.txt'],
        [6, 'notes.txt'],
      ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)) as [number, string][],
    );
    expect(await rclone('cat', '--s3-version-at', t2.toISOString(), `ts:${B}/gone.txt`)).toBe('gone!!!');
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

async function userClient(name: string, statements: object[]): Promise<S3Client> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${name}-policy`,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return s3Client(server, {
    credentials: {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    },
    maxAttempts: 1,
  });
}

/** Polls (the IAM change feed takes about a second) until `check` gives `want`, for at most 5 s. */
async function eventually(check: () => Promise<string>, want: string): Promise<string> {
  const deadline = Date.now() + 5000;
  let last = await check();
  while (last !== want && Date.now() < deadline) {
    await sleep(100);
    last = await check();
  }
  return last;
}

describe('IAM', () => {
  it('s3:GetObjectVersion governs GET ?versionId=, s3:ListBucketVersions ListObjectVersions, s3:PutBucketVersioning PutBucketVersioning', async () => {
    const B = 'iam-versions';
    await makeBucket(B, 'Enabled');
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'o', Body: 'first' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'o', Body: 'second' }));
    const reader = await userClient('latest-reader', [
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${B}/*` },
      { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketVersioning'], Resource: `arn:aws:s3:::${B}` },
    ]);
    const historian = await userClient('historian', [
      { Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: `arn:aws:s3:::${B}/*` },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucketVersions', 's3:PutBucketVersioning'],
        Resource: `arn:aws:s3:::${B}`,
      },
    ]);
    try {
      const latest = (c: S3Client) => failure(c.send(new GetObjectCommand({ Bucket: B, Key: 'o' })));
      const old = (c: S3Client) =>
        failure(c.send(new GetObjectCommand({ Bucket: B, Key: 'o', VersionId: v1 })));
      // HEAD answers carry no error body: only the status counts.
      const headOld = async (c: S3Client) =>
        (await failure(c.send(new HeadObjectCommand({ Bucket: B, Key: 'o', VersionId: v1 })))).split(' ')[0];
      const versions = (c: S3Client) => failure(c.send(new ListObjectVersionsCommand({ Bucket: B })));
      const objects = (c: S3Client) => failure(c.send(new ListObjectsV2Command({ Bucket: B })));
      const setVersioning = (c: S3Client, Status: 'Enabled' | 'Suspended') =>
        failure(c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status } })));
      const getVersioning = (c: S3Client) => failure(c.send(new GetBucketVersioningCommand({ Bucket: B })));

      expect(await eventually(() => latest(reader), 'ok')).toBe('ok');
      expect(await old(reader)).toBe('403 AccessDenied');
      expect(await headOld(reader)).toBe('403');
      expect(await objects(reader)).toBe('ok');
      expect(await versions(reader)).toBe('403 AccessDenied');
      expect(await setVersioning(reader, 'Suspended')).toBe('403 AccessDenied');
      expect(await getVersioning(reader)).toBe('ok');

      expect(await eventually(() => old(historian), 'ok')).toBe('ok');
      expect(await headOld(historian)).toBe('ok');
      expect(await latest(historian)).toBe('403 AccessDenied');
      expect(await versions(historian)).toBe('ok');
      expect(await objects(historian)).toBe('403 AccessDenied');
      expect(await getVersioning(historian)).toBe('403 AccessDenied');
      expect(await setVersioning(historian, 'Suspended')).toBe('ok');
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: B }))).Status).toBe('Suspended');
      expect(await setVersioning(historian, 'Enabled')).toBe('ok');
    } finally {
      reader.destroy();
      historian.destroy();
    }
  });

  it('s3:DeleteObjectVersion governs DELETE ?versionId=; s3:DeleteObject alone only writes delete markers', async () => {
    const B = 'iam-deletes';
    await makeBucket(B, 'Enabled');
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'd', Body: 'x' }))).VersionId!;
    const deleter = await userClient('marker-writer', [
      { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: `arn:aws:s3:::${B}/*` },
    ]);
    try {
      const mark = () => failure(deleter.send(new DeleteObjectCommand({ Bucket: B, Key: 'd' })));
      expect(await eventually(mark, 'ok')).toBe('ok');
      expect(
        await failure(deleter.send(new DeleteObjectCommand({ Bucket: B, Key: 'd', VersionId: v1 }))),
      ).toBe('403 AccessDenied');
      const batch = await deleter.send(
        new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'd', VersionId: v1 }] } }),
      );
      expect(batch.Deleted ?? []).toEqual([]);
      expect(batch.Errors?.map((e) => [e.Key, e.VersionId, e.Code])).toEqual([['d', v1, 'AccessDenied']]);
      expect(await body(B, 'd', v1)).toBe('x');
    } finally {
      deleter.destroy();
    }
  });
});
