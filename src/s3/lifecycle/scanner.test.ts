import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXml } from '../../core/index.js';
import {
  type BucketVersioning,
  type ObjectLock,
  openStorage,
  type Storage,
  type Tag,
  type VersionSummary,
} from '../../storage/index.js';
import { serializeLifecycle } from './model.js';
import { parseLifecycle } from './parse.js';
import { type LifecycleAction, LifecycleScanner } from './scanner.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-lifecycle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const DAY = 1000;
/** The scanner's clock: the store's own timestamps (delete markers) are real time. */
const T = Date.now() + 100 * DAY;
const ago = (days: number) => T - days * DAY;

let storage: Storage;
let actions: LifecycleAction[];
beforeEach(async () => {
  storage = await openStorage({ kind: 'embedded', dataDir: join(root, `d${n++}`) });
  actions = [];
});
afterEach(async () => {
  await storage.close();
});

async function bucketWith(name: string, rules: string, versioning?: BucketVersioning): Promise<void> {
  await storage.metadata.createBucket({ name, account: '', region: 'us-east-1', createdAt: 0 });
  if (versioning) await storage.metadata.setBucketVersioning(name, versioning);
  const doc = parseXml(`<LifecycleConfiguration>${rules}</LifecycleConfiguration>`, 'LifecycleConfiguration');
  await storage.metadata.setBucketConfig(name, 'lifecycle', serializeLifecycle(parseLifecycle(doc)));
}

const rule = (filter: string, actionXml: string, status = 'Enabled') =>
  `<Rule><Status>${status}</Status>${filter}${actionXml}</Rule>`;

/** Writes a version of `key` last modified `days` scanner-days ago. */
async function put(
  bucket: string,
  key: string,
  days: number,
  opts: { body?: string; tags?: Tag[]; lock?: ObjectLock } = {},
) {
  const body = opts.body ?? key;
  const w = await storage.metadata.putObjectVersioned({
    bucket,
    key,
    size: Buffer.byteLength(body),
    etag: createHash('md5').update(body).digest('hex'),
    lastModified: ago(days),
    headers: {},
    userMetadata: {},
    tags: opts.tags ?? [],
    ...(opts.lock ? { lock: opts.lock } : {}),
    data: { kind: 'inline', bytes: Buffer.from(body) },
  });
  return w.versionId;
}

const marker = (bucket: string, key: string, days: number) =>
  storage.metadata.deleteObjectVersioned(bucket, key, undefined, ago(days));

async function versions(
  bucket: string,
): Promise<Pick<VersionSummary, 'key' | 'versionId' | 'deleteMarker'>[]> {
  const r = await storage.metadata.listObjectVersions(bucket, {
    prefix: '',
    delimiter: '',
    keyMarker: '',
    versionIdMarker: '',
    maxKeys: 1000,
  });
  return r.versions.map(({ key, versionId, deleteMarker }) => ({ key, versionId, deleteMarker }));
}

const keys = async (bucket: string) =>
  (
    await storage.metadata.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 1000 })
  ).objects.map((o) => o.key);

const scanner = (pageSize = 1000) =>
  new LifecycleScanner({
    stores: storage,
    dayMs: DAY,
    now: () => T,
    pageSize,
    onAction: (a) => actions.push(a),
  });

describe('the lifecycle scanner: current versions', () => {
  it('Expiration Days removes old current objects under the prefix of an unversioned bucket', async () => {
    await bucketWith(
      'b',
      rule('<Filter><Prefix>logs/</Prefix></Filter>', '<Expiration><Days>2</Days></Expiration>'),
    );
    await put('b', 'logs/old', 3);
    await put('b', 'logs/new', 1);
    await put('b', 'other/old', 3);
    const r = await scanner().runOnce();
    expect(r).toMatchObject({ buckets: 1, expired: 1, noncurrentExpired: 0, errors: 0 });
    expect(await keys('b')).toEqual(['logs/new', 'other/old']);
    expect(actions).toEqual([
      expect.objectContaining({
        action: 'expire',
        operation: 'S3.EXPIRE.OBJECT',
        bucket: 'b',
        key: 'logs/old',
      }),
    ]);
    expect((await scanner().runOnce()).expired).toBe(0);
  });

  it('Expiration Date: every matching object once the date has passed, none before', async () => {
    const past = new Date(T - 86_400_000 * 2).toISOString().slice(0, 10);
    const future = new Date(T + 86_400_000 * 2).toISOString().slice(0, 10);
    await bucketWith('past', rule('<Filter/>', `<Expiration><Date>${past}</Date></Expiration>`));
    await bucketWith('future', rule('<Filter/>', `<Expiration><Date>${future}</Date></Expiration>`));
    for (const b of ['past', 'future']) await put(b, 'k', 0);
    expect((await scanner().runOnce()).expired).toBe(1);
    expect(await keys('past')).toEqual([]);
    expect(await keys('future')).toEqual(['k']);
  });

  it('in a versioning-enabled bucket, expiring writes a delete marker and keeps the version', async () => {
    await bucketWith('v', rule('<Filter/>', '<Expiration><Days>1</Days></Expiration>'), 'Enabled');
    const id = await put('v', 'k', 5);
    expect((await scanner().runOnce()).expired).toBe(1);
    const vs = await versions('v');
    expect(vs).toHaveLength(2);
    expect(vs[0]!.deleteMarker).toBe(true);
    expect(vs[1]).toEqual({ key: 'k', versionId: id, deleteMarker: false });
    expect(actions[0]).toMatchObject({ operation: 'S3.CREATE.DELETEMARKER', versionId: vs[0]!.versionId });
    // The marker is current now: nothing more to expire this pass (and it is not alone).
    expect((await scanner().runOnce()).expired).toBe(0);
  });

  it('in a versioning-suspended bucket, the null delete marker replaces the null version', async () => {
    await bucketWith('s', rule('<Filter/>', '<Expiration><Days>1</Days></Expiration>'), 'Enabled');
    const kept = await put('s', 'k', 9); // written while Enabled: survives as noncurrent
    await storage.metadata.setBucketVersioning('s', 'Suspended');
    await put('s', 'k', 5); // the null version, current
    expect((await scanner().runOnce()).expired).toBe(1);
    expect(await versions('s')).toEqual([
      { key: 'k', versionId: 'null', deleteMarker: true },
      { key: 'k', versionId: kept, deleteMarker: false },
    ]);
  });

  it('Disabled rules and buckets without a configuration are left alone', async () => {
    await bucketWith('off', rule('<Filter/>', '<Expiration><Days>1</Days></Expiration>', 'Disabled'));
    await storage.metadata.createBucket({ name: 'none', account: '', region: 'us-east-1', createdAt: 0 });
    await put('off', 'k', 9);
    await put('none', 'k', 9);
    expect(await scanner().runOnce()).toMatchObject({ buckets: 0, expired: 0 });
    expect(await keys('off')).toEqual(['k']);
  });

  it('tag and size filters read the object', async () => {
    await bucketWith(
      't',
      rule(
        '<Filter><And><Tag><Key>tier</Key><Value>tmp</Value></Tag><ObjectSizeGreaterThan>3</ObjectSizeGreaterThan></And></Filter>',
        '<Expiration><Days>1</Days></Expiration>',
      ),
    );
    await put('t', 'tagged-big', 2, { body: 'abcdef', tags: [{ key: 'tier', value: 'tmp' }] });
    await put('t', 'tagged-small', 2, { body: 'ab', tags: [{ key: 'tier', value: 'tmp' }] });
    await put('t', 'other-tag', 2, { body: 'abcdef', tags: [{ key: 'tier', value: 'keep' }] });
    await put('t', 'untagged', 2, { body: 'abcdef' });
    expect((await scanner().runOnce()).expired).toBe(1);
    expect(await keys('t')).toEqual(['other-tag', 'tagged-small', 'untagged']);
  });
});

describe('the lifecycle scanner: noncurrent versions and delete markers', () => {
  it('NoncurrentVersionExpiration counts from when a version became noncurrent', async () => {
    await bucketWith(
      'v',
      rule(
        '<Filter/>',
        '<NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays></NoncurrentVersionExpiration>',
      ),
      'Enabled',
    );
    const v1 = await put('v', 'k', 10); // noncurrent since day 5 ago: expires
    const v2 = await put('v', 'k', 5); // noncurrent since day 1 ago: stays
    const v3 = await put('v', 'k', 1); // current
    expect((await scanner().runOnce()).noncurrentExpired).toBe(1);
    expect((await versions('v')).map((v) => v.versionId)).toEqual([v3, v2]);
    expect(actions).toEqual([expect.objectContaining({ action: 'expireNoncurrent', versionId: v1 })]);
  });

  it('NewerNoncurrentVersions keeps the newest noncurrent versions whatever their age', async () => {
    await bucketWith(
      'v',
      rule(
        '<Filter/>',
        '<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>',
      ),
      'Enabled',
    );
    const ids = [];
    for (const days of [50, 40, 30, 20, 10]) ids.push(await put('v', 'k', days));
    expect((await scanner().runOnce()).noncurrentExpired).toBe(2);
    expect((await versions('v')).map((v) => v.versionId)).toEqual([ids[4], ids[3], ids[2]]);
  });

  it('ExpiredObjectDeleteMarker removes a delete marker that is the only version left', async () => {
    await bucketWith(
      'v',
      rule(
        '<Filter/>',
        '<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>',
      ),
      'Enabled',
    );
    await marker('v', 'alone', 1);
    await put('v', 'covered', 3);
    await marker('v', 'covered', 1);
    const r = await scanner().runOnce();
    expect(r).toMatchObject({ deleteMarkersRemoved: 1, expired: 0 });
    const left = await versions('v');
    expect(left.map((v) => [v.key, v.deleteMarker])).toEqual([
      ['covered', true],
      ['covered', false],
    ]);
  });

  it('once noncurrent expiration removed every version, the lone marker goes in the same pass', async () => {
    await bucketWith(
      'v',
      rule(
        '<Filter/>',
        '<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>',
      ),
      'Enabled',
    );
    await put('v', 'k', 10);
    await put('v', 'k', 9);
    await marker('v', 'k', 5);
    expect(await scanner().runOnce()).toMatchObject({ noncurrentExpired: 2, deleteMarkersRemoved: 1 });
    expect(await versions('v')).toEqual([]);
  });

  it('Expiration Days also removes lone delete markers once they are old enough', async () => {
    await bucketWith('v', rule('<Filter/>', '<Expiration><Days>3</Days></Expiration>'), 'Enabled');
    await marker('v', 'old', 4);
    await marker('v', 'young', 1);
    expect((await scanner().runOnce()).deleteMarkersRemoved).toBe(1);
    expect((await versions('v')).map((v) => v.key)).toEqual(['young']);
  });

  it('walks page by page: with pages of 2, one pass still does everything', async () => {
    await bucketWith(
      'v',
      rule(
        '<Filter/>',
        '<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>',
      ),
      'Enabled',
    );
    for (const key of ['a', 'b', 'c', 'd', 'e']) for (const days of [30, 20, 10]) await put('v', key, days);
    expect((await scanner(2).runOnce()).noncurrentExpired).toBe(10);
    expect(await versions('v')).toHaveLength(5);
  });
});

describe('the lifecycle scanner: Object Lock and uploads', () => {
  it('never removes a version under legal hold or unexpired retention', async () => {
    await bucketWith(
      'locked',
      rule(
        '<Filter/>',
        '<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>',
      ),
      'Enabled',
    );
    await storage.metadata.enableObjectLock('locked');
    const held = await put('locked', 'k', 40, { lock: { legalHold: true } });
    const retained = await put('locked', 'k', 30, {
      lock: { mode: 'COMPLIANCE', retainUntil: T + 10 * DAY },
    });
    await put('locked', 'k', 20, { lock: { mode: 'GOVERNANCE', retainUntil: T - DAY } }); // retention over
    const current = await put('locked', 'k', 10);
    const r = await scanner().runOnce();
    expect(r).toMatchObject({ noncurrentExpired: 1, locked: 2 });
    expect((await versions('locked')).map((v) => v.versionId)).toEqual([current, retained, held]);
  });

  it('AbortIncompleteMultipartUpload aborts old uploads under the prefix', async () => {
    await bucketWith(
      'u',
      rule(
        '<Filter><Prefix>up/</Prefix></Filter>',
        '<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>',
      ),
    );
    const upload = (key: string, uploadId: string, days: number) =>
      storage.metadata.createUpload({
        uploadId,
        bucket: 'u',
        key,
        initiatedAt: ago(days),
        headers: {},
        userMetadata: {},
        tags: [],
      });
    await upload('up/old', 'u1', 3);
    await upload('up/new', 'u2', 1);
    await upload('other', 'u3', 3);
    expect((await scanner().runOnce()).uploadsAborted).toBe(1);
    const left = await storage.metadata.listUploads({
      bucket: 'u',
      prefix: '',
      delimiter: '',
      keyMarker: '',
      uploadIdMarker: '',
      maxUploads: 10,
    });
    expect(left.uploads.map((u) => u.uploadId).sort()).toEqual(['u2', 'u3']);
    expect(actions).toEqual([
      expect.objectContaining({ action: 'abortUpload', operation: 'S3.DELETE.UPLOAD', uploadId: 'u1' }),
    ]);
  });

  it('the server-wide stale-upload expiry aborts old uploads in every bucket, lifecycle or not', async () => {
    await storage.metadata.createBucket({ name: 'plain', account: '', region: 'us-east-1', createdAt: T });
    const upload = (uploadId: string, days: number) =>
      storage.metadata.createUpload({
        uploadId,
        bucket: 'plain',
        key: `k-${uploadId}`,
        initiatedAt: ago(days),
        headers: {},
        userMetadata: {},
        tags: [],
      });
    await upload('old', 8);
    await upload('young', 6);
    const withoutExpiry = await scanner().runOnce();
    expect(withoutExpiry.uploadsAborted).toBe(0);
    const stale = new LifecycleScanner({
      stores: storage,
      dayMs: DAY,
      now: () => T,
      staleUploadMs: 7 * DAY,
      onAction: (a) => actions.push(a),
    });
    expect((await stale.runOnce()).uploadsAborted).toBe(1);
    const left = await storage.metadata.listUploads({
      bucket: 'plain',
      prefix: '',
      delimiter: '',
      keyMarker: '',
      uploadIdMarker: '',
      maxUploads: 10,
    });
    expect(left.uploads.map((u) => u.uploadId)).toEqual(['young']);
    expect(actions).toEqual([expect.objectContaining({ uploadId: 'old', ruleId: 'tessera-stale-uploads' })]);
  });

  it('start() runs passes on its interval until stop()', async () => {
    await bucketWith('b', rule('<Filter/>', '<Expiration><Days>1</Days></Expiration>'));
    const s = new LifecycleScanner({ stores: storage, dayMs: DAY, now: () => T, intervalMs: 10 });
    s.start();
    await put('b', 'first', 5);
    while ((await keys('b')).length > 0) await new Promise((r) => setTimeout(r, 10));
    await put('b', 'second', 5);
    while ((await keys('b')).length > 0) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    await put('b', 'third', 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(await keys('b')).toEqual(['third']);
  });
});
