import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../contract/fixtures.js';
import { storagePaths } from '../embedded.js';
import { openStorage } from '../open.js';
import { latestVersion, migrate, migrations } from './schema.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-migration-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A data directory as the server at schema version 2 left it: one bucket, two objects, an upload. */
function versionTwoDataDir(): string {
  const dataDir = mkdtempSync(join(root, 'data-'));
  mkdirSync(storagePaths(dataDir).root, { recursive: true });
  const db = new Database(storagePaths(dataDir).database);
  db.pragma('journal_mode = WAL');
  expect(
    migrate(
      db,
      migrations.filter((m) => m.version <= 2),
    ),
  ).toBe(2);
  db.exec(`
    INSERT INTO buckets (name, account, region, created_at) VALUES ('b', '', 'us-east-1', 1);
    INSERT INTO objects (id, bucket, key, size, etag, last_modified, content_type, headers, user_metadata,
        tags, checksum, parts, segments, inline_data)
      VALUES (7, 'b', 'dir/small', 5, 'e1', 10, 'text/plain', '{}', '{"color":"blue"}',
        '[{"key":"t","value":"1"}]', NULL, NULL, NULL, CAST('hello' AS BLOB));
    INSERT INTO objects (id, bucket, key, size, etag, last_modified, content_type, headers, user_metadata,
        tags, checksum, parts, segments, inline_data)
      VALUES (9, 'b', 'dir/big', 3, 'e2-1', 11, NULL, '{}', '{}', '[]', NULL,
        '[{"partNumber":1,"size":3,"etag":"p1"}]', '[{"blobId":"blob-1","size":3}]', NULL);
    INSERT INTO object_blobs (blob_id, object_id) VALUES ('blob-1', 9);
    INSERT INTO uploads (upload_id, bucket, key, initiated_at, headers, user_metadata, tags)
      VALUES ('u1', 'b', 'dir/next', 12, '{}', '{}', '[]');
    INSERT INTO parts (upload_id, part_number, size, etag, last_modified, blob_id)
      VALUES ('u1', 1, 4, 'p', 13, 'blob-2');
  `);
  db.close();
  return dataDir;
}

describe('schema migration 3 (object versions)', () => {
  it('opens a data directory of schema version 2 and finds its objects as their null versions', async () => {
    const dataDir = versionTwoDataDir();
    const storage = await openStorage({ kind: 'embedded', dataDir });
    const { metadata } = storage;
    expect(await metadata.getObject('b', 'dir/small')).toEqual({
      bucket: 'b',
      key: 'dir/small',
      versionId: 'null',
      size: 5,
      etag: 'e1',
      lastModified: 10,
      contentType: 'text/plain',
      headers: {},
      userMetadata: { color: 'blue' },
      tags: [{ key: 't', value: '1' }],
      data: { kind: 'inline', bytes: Buffer.from('hello') },
    });
    expect(await metadata.getObject('b', 'dir/big', 'null')).toMatchObject({
      versionId: 'null',
      parts: [{ partNumber: 1, size: 3, etag: 'p1' }],
      data: { kind: 'blobs', segments: [{ blobId: 'blob-1', size: 3 }] },
    });
    const top = await metadata.listObjects({
      bucket: 'b',
      prefix: '',
      delimiter: '/',
      after: '',
      maxKeys: 10,
    });
    expect(top.commonPrefixes).toEqual(['dir/']);
    const dir = await metadata.listObjects({
      bucket: 'b',
      prefix: 'dir/',
      delimiter: '',
      after: '',
      maxKeys: 10,
    });
    expect(dir.objects.map((o) => o.key)).toEqual(['dir/big', 'dir/small']);
    expect(await collect(metadata.referencedBlobIds())).toEqual(new Set(['blob-1', 'blob-2']));
    expect((await metadata.getUpload('b', 'dir/next', 'u1'))?.initiatedAt).toBe(12);
    // The blob references survived the table rebuild: replacing the object releases its blob.
    expect(
      await metadata.putObject({
        bucket: 'b',
        key: 'dir/big',
        size: 0,
        etag: 'e3',
        lastModified: 14,
        headers: {},
        userMetadata: {},
        tags: [],
        data: { kind: 'inline', bytes: Buffer.alloc(0) },
      }),
    ).toEqual(['blob-1']);
    expect(await metadata.deleteObject('b', 'dir/small')).toEqual([]);
    await storage.close();

    const db = new Database(storagePaths(dataDir).database, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(db.prepare('SELECT key, version_id, is_latest FROM objects').all()).toEqual([
      { key: 'dir/big', version_id: 'null', is_latest: 1 },
    ]);
    db.close();
  });

  it('keeps one row per (bucket, key, version) and one current version per key', async () => {
    const dataDir = versionTwoDataDir();
    await (await openStorage({ kind: 'embedded', dataDir })).close();
    const db = new Database(storagePaths(dataDir).database);
    const insert = db.prepare(
      `INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, headers,
         user_metadata, tags) VALUES ('b', 'dir/small', ?, ?, 0, 'e', 0, '{}', '{}', '[]')`,
    );
    expect(() => insert.run('null', 0)).toThrow(/UNIQUE/);
    expect(() => insert.run('v2', 1)).toThrow(/UNIQUE/);
    insert.run('v2', 0); // another, non-current version of the key: allowed
    db.close();
    const storage = await openStorage({ kind: 'embedded', dataDir });
    const list = await storage.metadata.listObjects({
      bucket: 'b',
      prefix: 'dir/',
      delimiter: '',
      after: '',
      maxKeys: 10,
    });
    expect(list.objects.map((o) => o.key)).toEqual(['dir/big', 'dir/small']); // current versions only
    expect((await storage.metadata.getObject('b', 'dir/small'))?.versionId).toBe('null');
    expect((await storage.metadata.getObject('b', 'dir/small', 'v2'))?.versionId).toBe('v2');
    await storage.close();
  });
});

describe('schema migration 4 (bucket versioning, delete markers off the listing index)', () => {
  it('leaves existing buckets never configured and keeps one current version per key, markers included', async () => {
    const dataDir = versionTwoDataDir();
    const storage = await openStorage({ kind: 'embedded', dataDir });
    expect(await storage.metadata.getBucketVersioning('b')).toBeUndefined();
    expect((await storage.metadata.getBucket('b'))?.versioning).toBeUndefined();
    await storage.close();
    const db = new Database(storagePaths(dataDir).database);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['objects_by_version', 'objects_current', 'objects_latest', 'objects_versions']);
    const insert = db.prepare(
      `INSERT INTO objects (bucket, key, version_id, is_latest, delete_marker, size, etag, last_modified, headers,
         user_metadata, tags) VALUES ('b', 'dir/small', ?, ?, ?, 0, '', 0, '{}', '{}', '[]')`,
    );
    // A current delete marker is still "the" current version: a second current version is refused.
    expect(() => insert.run('m1', 1, 1)).toThrow(/UNIQUE/);
    db.close();
  });
});
