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
}

describe('SqliteMetadataStore', () => {
  it('opens in WAL mode with synchronous=FULL and a busy timeout, at the latest schema version', async () => {
    const store = new Probe(freshFile());
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('synchronous')).toBe(2); // FULL
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
