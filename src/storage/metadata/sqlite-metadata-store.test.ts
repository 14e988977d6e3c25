import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bucket, expectCode, inlineObject } from '../contract/fixtures.js';
import { runMetadataContract } from '../contract/metadata-contract.js';
import { latestVersion, migrate, migrations } from './schema.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${n++}.db`);

runMetadataContract('sqlite', async () => new SqliteMetadataStore(freshFile()));

/** Exposes the connection to check pragmas and query plans. */
class Probe extends SqliteMetadataStore {
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }
  plan(statement: keyof Probe['s']): string {
    const sql = this.s[statement].source;
    const params = (sql.match(/\?/g) ?? []).map(() => 'x');
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }
  /** Writes `perKey` versions of each key in one transaction (the newest a delete marker when `marker`). */
  bulkVersions(bucketName: string, keys: string[], perKey: number, marker: (key: string) => boolean): void {
    const insert = this.db.prepare(
      `INSERT INTO objects (bucket, key, version_id, is_latest, delete_marker, size, etag, last_modified,
         headers, user_metadata, tags) VALUES (?, ?, ?, ?, ?, 1, 'e', 1, '{}', '{}', '[]')`,
    );
    this.db.transaction(() => {
      for (const key of keys) {
        for (let v = 0; v < perKey; v++) {
          const latest = v === perKey - 1;
          insert.run(
            bucketName,
            key,
            `${key}#${v}`.padEnd(32, '.'),
            latest ? 1 : 0,
            latest && marker(key) ? 1 : 0,
          );
        }
      }
    })();
  }
}

describe('SqliteMetadataStore', () => {
  it('opens in WAL mode with synchronous=NORMAL (group commit syncs) and a busy timeout, at the latest schema version', async () => {
    const store = new Probe(freshFile());
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('synchronous')).toBe(1); // NORMAL: group-sync.ts makes commits durable
    expect(store.pragma('busy_timeout')).toBeGreaterThan(0);
    expect(store.pragma('user_version')).toBe(latestVersion());
    await store.close();
  });

  it('keeps data across reopening and does not migrate twice', async () => {
    const file = freshFile();
    const first = new SqliteMetadataStore(file);
    await first.createBucket(bucket('b'));
    await first.putObject(inlineObject('b', 'k', 'persisted'));
    await first.close();
    const second = new SqliteMetadataStore(file);
    expect((await second.getObject('b', 'k'))?.data).toEqual({
      kind: 'inline',
      bytes: Buffer.from('persisted'),
    });
    await second.close();
  });

  it('runs later migrations once and refuses a database newer than the code', () => {
    const file = freshFile();
    new SqliteMetadataStore(file).close();
    const db = new Database(file);
    const extra = [{ version: latestVersion() + 1, description: 'test', sql: 'CREATE TABLE extra (x TEXT)' }];
    const list = [...migrations, ...extra];
    expect(migrate(db, list)).toBe(latestVersion() + 1);
    expect(migrate(db, list)).toBe(latestVersion() + 1);
    db.close();
    expect(() => new SqliteMetadataStore(file)).toThrow(/newer than this server/);
  });

  it('serves listings from index range scans', async () => {
    const store = new Probe(freshFile());
    for (const statement of ['objectsBetween', 'objectsFrom', 'uploadsBetween', 'partsAfter'] as const) {
      const plan = store.plan(statement);
      expect(plan).toMatch(/SEARCH .* USING (COVERING )?(INDEX|PRIMARY KEY)/);
      expect(plan).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
    }
    expect(store.plan('objectsBetween')).toMatch(/key>\? AND key<\?|key>=\? AND key<\?/);
    await store.close();
  });

  it('lists from the index of current versions; the roll-up probe reads the index alone', async () => {
    const store = new Probe(freshFile());
    for (const statement of ['objectsFrom', 'objectsBetween'] as const) {
      expect(store.plan(statement)).toMatch(
        /^SEARCH objects USING INDEX objects_latest \(bucket=\? AND key>/,
      );
    }
    for (const statement of ['firstKeyFrom', 'firstKeyBetween'] as const) {
      expect(store.plan(statement)).toMatch(
        /^SEARCH objects USING COVERING INDEX objects_latest \(bucket=\? AND key>/,
      );
    }
    expect(store.plan('getObject')).toMatch(/USING INDEX objects_latest \(bucket=\? AND key=\?\)/);
    expect(store.plan('getObjectVersion')).toMatch(
      /USING INDEX objects_by_version \(bucket=\? AND key=\? AND version_id=\?\)/,
    );
    await store.close();
  });

  it('serves version listings, version lookups and current-version changes from indexes', async () => {
    const store = new Probe(freshFile());
    const versions = ['versionsFrom', 'versionsBetween', 'versionsOfKeyBefore'] as const;
    for (const statement of versions) {
      expect(store.plan(statement)).toMatch(
        /^SEARCH objects USING INDEX objects_versions \(bucket=\? AND key[>=]/,
      );
    }
    for (const statement of ['firstVersionKeyFrom', 'firstVersionKeyBetween'] as const) {
      expect(store.plan(statement)).toMatch(
        /^SEARCH objects USING COVERING INDEX objects_versions \(bucket=\? AND key>/,
      );
    }
    for (const statement of ['getCurrent', 'objectRefs', 'demoteCurrent'] as const) {
      expect(store.plan(statement)).toMatch(
        /^SEARCH objects USING INDEX objects_current \(bucket=\? AND key=\?\)$/,
      );
    }
    expect(store.plan('promoteNewest')).toMatch(/COVERING INDEX objects_versions \(bucket=\? AND key=\?\)/);
    expect(store.plan('versionRowId')).toMatch(
      /INDEX objects_by_version \(bucket=\? AND key=\? AND version_id=\?\)/,
    );
    expect(store.plan('getVersionOrMarker')).toMatch(/INDEX objects_by_version/);
    for (const statement of [...versions, 'promoteNewest', 'getCurrent'] as const) {
      expect(store.plan(statement)).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
    }
    await store.close();
  });

  it('pages through 100,000 versions quickly; listings skip keys whose current version is a delete marker', async () => {
    const store = new Probe(freshFile());
    await store.createBucket(bucket('big'));
    const keys = Array.from({ length: 20_000 }, (_, i) => `d${i % 50}/k${String(i).padStart(6, '0')}`);
    store.bulkVersions('big', keys, 5, (key) => key.endsWith('7'));
    const q = { prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 999 };
    const started = performance.now();
    const seen = new Set<string>();
    let pages = 0;
    for (let page = { ...q }; ; pages++) {
      const r = await store.listObjectVersions('big', page);
      expect(r.versions.length).toBeLessThanOrEqual(1000);
      for (const v of r.versions) seen.add(`${v.key}\u0000${v.versionId}`);
      if (!r.isTruncated) break;
      page = { ...q, keyMarker: r.nextKeyMarker!, versionIdMarker: r.nextVersionIdMarker! };
    }
    const elapsed = performance.now() - started;
    expect(seen.size).toBe(100_000); // each version exactly once
    expect(pages + 1).toBe(Math.ceil(100_000 / 999));
    expect(elapsed).toBeLessThan(10_000); // 101 pages, index-driven: well under a second on a laptop
    // One page from the middle, resuming inside a key, seeks there (no scan from the start).
    const middle = keys[10_000]!;
    const t = performance.now();
    const r = await store.listObjectVersions('big', {
      ...q,
      keyMarker: middle,
      versionIdMarker: `${middle}#2`.padEnd(32, '.'),
    });
    expect(performance.now() - t).toBeLessThan(500);
    expect(r.versions.slice(0, 2).map((v) => v.versionId.replace(/\.+$/, ''))).toEqual([
      `${middle}#1`,
      `${middle}#0`,
    ]);
    // The roll-up reads one entry per common prefix: 50 prefixes out of 100,000 versions.
    const rolled = await store.listObjectVersions('big', { ...q, delimiter: '/' });
    expect(rolled.commonPrefixes).toHaveLength(50);
    expect(rolled.versions).toEqual([]);
    // ListObjects: 2,000 of the keys end in 7 and are hidden by their delete marker.
    const list = await store.listObjects({
      bucket: 'big',
      prefix: 'd7/',
      delimiter: '',
      after: '',
      maxKeys: 1000,
    });
    expect(list.objects.every((o) => !o.key.endsWith('7'))).toBe(true);
    expect(list.objects).toHaveLength(keys.filter((k) => k.startsWith('d7/') && !k.endsWith('7')).length);
    await store.close();
  });

  it('lets two connections on one file see each other’s commits', async () => {
    const file = freshFile();
    const a = new SqliteMetadataStore(file);
    const b = new SqliteMetadataStore(file);
    await a.createBucket(bucket('shared'));
    for (let i = 0; i < 50; i++) {
      await (i % 2 === 0 ? a : b).putObject(inlineObject('shared', `k${i % 10}`, `v${i}`));
    }
    expect((await b.getObject('shared', 'k9'))?.data).toEqual({ kind: 'inline', bytes: Buffer.from('v49') });
    const list = await a.listObjects({
      bucket: 'shared',
      prefix: '',
      delimiter: '',
      after: '',
      maxKeys: 100,
    });
    expect(list.objects).toHaveLength(10);
    await expectCode(b.createBucket(bucket('shared')), 'BucketAlreadyOwnedByYou');
    await a.close();
    await b.close();
  });
});
