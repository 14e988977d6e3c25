import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from '../../../test/helpers/postgres.js';
import { blobObject, bucket, expectCode, fresh, inlineObject, part, upload } from '../contract/fixtures.js';
import { runMetadataContract } from '../contract/metadata-contract.js';
import { openStorage } from '../open.js';
import { openPgMetadataStore } from './pg-meta-open.js';
import { OBJECT_FIELDS, UPLOAD_FIELDS } from './pg-meta-rows.js';
import { pgMetaLatestVersion } from './pg-meta-schema.js';
import { PgMetadataStore } from './pg-meta-store.js';
import { objectParams, uploadParams } from './sqlite-rows.js';

// A throwaway cluster (test/helpers/postgres.ts); in CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();
let cluster: Postgres | undefined;

describe.skipIf(missing !== undefined)('PgMetadataStore', () => {
  beforeAll(async () => {
    cluster = await startPostgres({ tls: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  // Each contract test runs against a fresh database.
  runMetadataContract('postgres', async () =>
    PgMetadataStore.open({ url: await cluster!.createDatabase('meta'), poolSize: 4 }),
  );

  it('binds every column of the shared row encoding (sqlite-rows.ts), SSE included', () => {
    const record = { ...inlineObject('b', 'k'), sse: { algorithm: 'AES256' as const, sealedKey: 'x' } };
    expect([...OBJECT_FIELDS].sort()).toEqual(Object.keys(objectParams(record, 'null')).sort());
    expect([...UPLOAD_FIELDS].sort()).toEqual(Object.keys(uploadParams(upload('b', 'k', 'u'))).sort());
  });

  it('keeps keys as UTF-8 bytes: NUL and astral characters round-trip and list in byte order', async () => {
    const store = await openPgMetadataStore({ url: await cluster!.createDatabase('keys') });
    await store.createBucket(bucket('b'));
    const keys = ['a\u0000b', 'a', '\uffff', '😀', 'a\u0001', 'é'];
    for (const key of keys) await store.putObject(inlineObject('b', key, key));
    const listed = await store.listObjects({
      bucket: 'b',
      prefix: '',
      delimiter: '',
      after: '',
      maxKeys: 100,
    });
    const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(listed.objects.map((o) => o.key)).toEqual(bytes);
    expect((await store.getObject('b', 'a\u0000b'))?.data).toEqual({
      kind: 'inline',
      bytes: Buffer.from('a\u0000b'),
    });
    const after = await store.listObjects({
      bucket: 'b',
      prefix: 'a',
      delimiter: '',
      after: 'a',
      maxKeys: 100,
    });
    expect(after.objects.map((o) => o.key)).toEqual(['a\u0000b', 'a\u0001']);
    // A version id holding NUL (text columns cannot) is a client error, not an internal one.
    await expectCode(store.getObject('b', 'a', 'x\u0000'), 'InvalidArgument');
    await store.close();
  });

  it('openStorage (postgres): TLS verified against TESSERA_METADATA_TLS_CA, whatever sslmode asks', async () => {
    const url = await cluster!.createDatabase('tls');
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-pg-tls-'));
    try {
      // Without the CA the self-signed certificate is refused.
      await expect(
        openStorage({ kind: 'postgres', url: `${url}?sslmode=verify-full`, dataDir }),
      ).rejects.toThrow(/certificate/i);
      for (const suffix of ['', '?sslmode=verify-full', '?sslmode=require']) {
        const storage = await openStorage({
          kind: 'postgres',
          url: `${url}${suffix}`,
          dataDir,
          tlsCaFile: cluster!.caFile!,
        });
        await storage.metadata.createBucket(bucket(`tls${suffix.length}`));
        const c = new pg.Client(url);
        await c.connect();
        const { rows } = await c.query(
          `SELECT bool_and(s.ssl) AS tls, count(*)::int AS n FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
           WHERE a.application_name IN ('tessera-metadata', 'tessera-iam') AND a.datname = current_database()`,
        );
        await c.end();
        expect(rows[0]).toEqual({ tls: true, n: expect.any(Number) });
        expect(rows[0].n).toBeGreaterThan(0);
        await storage.close();
      }
      await expect(
        openStorage({
          kind: 'postgres',
          url: `${url}?sslmode=disable`,
          dataDir,
          tlsCaFile: cluster!.caFile!,
        }),
      ).rejects.toThrow(/sslmode=disable/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('shared by several servers', () => {
    /** Two stores on one database, each with its own pool: two servers. */
    async function pair(): Promise<[PgMetadataStore, PgMetadataStore]> {
      const url = await cluster!.createDatabase('shared');
      const [one, two] = await Promise.all([
        PgMetadataStore.open({ url, poolSize: 4 }),
        PgMetadataStore.open({ url, poolSize: 4 }),
      ]);
      await one.createBucket(bucket('b'));
      return [one, two];
    }

    const rejected = (results: PromiseSettledResult<unknown>[]) =>
      results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));

    it('applies the migrations once when several servers open a fresh database at once; refuses a newer schema', async () => {
      const url = await cluster!.createDatabase('migrate');
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => PgMetadataStore.open({ url, poolSize: 2 })),
      );
      const c = new pg.Client(url);
      await c.connect();
      const { rows } = await c.query('SELECT version FROM meta_schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(
        Array.from({ length: pgMetaLatestVersion() }, (_, i) => i + 1),
      );
      await Promise.all(stores.map((s) => s.close()));
      await c.query("INSERT INTO meta_schema_migrations VALUES (999, 'future', 0)");
      await c.end();
      await expectCode(PgMetadataStore.open({ url }), 'InternalError');
    });

    it('If-None-Match creates of one key from two servers: exactly one wins', async () => {
      const [one, two] = await pair();
      for (let round = 0; round < 10; round++) {
        const key = `k${round}`;
        const results = await Promise.allSettled(
          [one, two, one, two].map((s, i) =>
            s.putObjectVersioned(inlineObject('b', key, `v${i}`), { ifNoneMatch: true }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(rejected(results)).toEqual([
          'ConditionalRequestConflict',
          'ConditionalRequestConflict',
          'ConditionalRequestConflict',
        ]);
      }
      await Promise.all([one.close(), two.close()]);
    });

    it('If-Match on the current ETag from two servers: one update wins per ETag', async () => {
      const [one, two] = await pair();
      await one.setBucketVersioning('b', 'Enabled');
      await one.putObjectVersioned({ ...fresh(inlineObject('b', 'k')), etag: 'e0' });
      let etag = 'e0';
      for (let round = 1; round <= 5; round++) {
        const results = await Promise.allSettled(
          [one, two].map((s, i) =>
            s.putObjectVersioned(
              { ...fresh(inlineObject('b', 'k')), etag: `e${round}-${i}` },
              { ifMatch: etag },
            ),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(rejected(results)).toEqual(['ConditionalRequestConflict']);
        etag = (await two.getObject('b', 'k'))!.etag;
      }
      const versions = await two.listObjectVersions('b', {
        prefix: '',
        delimiter: '',
        keyMarker: '',
        versionIdMarker: '',
        maxKeys: 100,
      });
      expect(versions.versions).toHaveLength(6);
      expect(versions.versions.filter((v) => v.isLatest)).toHaveLength(1);
      expect(versions.versions[0]!.etag).toBe(etag); // the newest first
      await Promise.all([one.close(), two.close()]);
    });

    it('concurrent versioned writes and deletes of one key: one current version, newest first', async () => {
      const [one, two] = await pair();
      await one.setBucketVersioning('b', 'Enabled');
      const writes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 3 === 2
            ? (i % 2 === 0 ? one : two).deleteObjectVersioned('b', 'k').then((d) => d.versionId!)
            : (i % 2 === 0 ? one : two)
                .putObjectVersioned(fresh(inlineObject('b', 'k')))
                .then((w) => w.versionId),
        ),
      );
      const { versions } = await one.listObjectVersions('b', {
        prefix: '',
        delimiter: '',
        keyMarker: '',
        versionIdMarker: '',
        maxKeys: 100,
      });
      expect(new Set(versions.map((v) => v.versionId))).toEqual(new Set(writes));
      expect(versions.filter((v) => v.isLatest).map((v) => v.versionId)).toEqual([versions[0]!.versionId]);
      const current = await two.lookupObject('b', 'k');
      expect(current?.versionId).toBe(versions[0]!.versionId);
      await Promise.all([one.close(), two.close()]);
    });

    it('CompleteMultipartUpload of one upload from two servers: one completes, the other gets NoSuchUpload', async () => {
      const [one, two] = await pair();
      for (let round = 0; round < 5; round++) {
        const id = `U${round}`;
        await one.createUpload(upload('b', 'm', id));
        await Promise.all([two.putPart(part(id, 1, `${id}-p1`)), one.putPart(part(id, 2, `${id}-p2`))]);
        const record = blobObject('b', 'm', [
          { blobId: `${id}-p1`, size: 5 },
          { blobId: `${id}-p2`, size: 5 },
        ]);
        const results = await Promise.allSettled([
          one.completeUploadVersioned(id, record),
          two.completeUploadVersioned(id, record),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(rejected(results)).toEqual(['NoSuchUpload']);
        expect(await two.unreferencedBlobIds([`${id}-p1`, `${id}-p2`])).toEqual([]);
      }
      expect(await one.getUpload('b', 'm', 'U0')).toBeUndefined();
      await Promise.all([one.close(), two.close()]);
    });

    it('UploadPart racing CompleteMultipartUpload on another server: no part outlives its upload', async () => {
      const [one, two] = await pair();
      for (let round = 0; round < 10; round++) {
        const id = `R${round}`;
        await one.createUpload(upload('b', `r${round}`, id));
        await one.putPart(part(id, 1, `${id}-p1`));
        const record = blobObject('b', `r${round}`, [{ blobId: `${id}-p1`, size: 5 }]);
        const [done, late] = await Promise.allSettled([
          one.completeUploadVersioned(id, record),
          two.putPart(part(id, 2, `${id}-late`)),
        ]);
        expect(done.status).toBe('fulfilled');
        expect(await two.getParts(id)).toEqual([]);
        // The late part either came first (and the completion released its blob) or found no upload.
        if (late.status === 'fulfilled')
          expect((done as PromiseFulfilledResult<{ released: string[] }>).value.released).toContain(
            `${id}-late`,
          );
        else expect(rejected([late])).toEqual(['NoSuchUpload']);
        expect(await one.unreferencedBlobIds([`${id}-late`])).toEqual([`${id}-late`]);
      }
      await Promise.all([one.close(), two.close()]);
    });

    it('DeleteBucket racing a PUT from another server: never an object in a deleted bucket', async () => {
      const [one, two] = await pair();
      for (let round = 0; round < 10; round++) {
        const name = `race${round}`;
        await one.createBucket(bucket(name));
        const results = await Promise.allSettled([
          one.deleteBucket(name),
          two.putObject(inlineObject(name, 'k')),
        ]);
        const bucketGone = (await two.getBucket(name)) === undefined;
        const object = await one.getObject(name, 'k');
        if (bucketGone) {
          expect(object).toBeUndefined();
          expect(rejected(results)).toEqual(['NoSuchBucket']);
        } else {
          expect(object).toBeDefined();
          expect(rejected(results)).toEqual(['BucketNotEmpty']);
        }
      }
      await Promise.all([one.close(), two.close()]);
    });

    it('a writer waiting too long for a key held by another server gets SlowDown', async () => {
      const url = await cluster!.createDatabase('timeout');
      const store = await PgMetadataStore.open({ url, lockTimeoutMs: 200 });
      await store.createBucket(bucket('b'));
      const c = new pg.Client(url);
      await c.connect();
      await c.query('BEGIN');
      await c.query('LOCK TABLE objects IN EXCLUSIVE MODE');
      await expectCode(store.putObject(inlineObject('b', 'k')), 'SlowDown');
      await c.query('ROLLBACK');
      await store.putObject(inlineObject('b', 'k'));
      await c.end();
      await store.close();
    });
  });
});
