import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { GroupSync } from './group-sync.js';
import { WriteBatch } from './write-batch.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-write-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A WAL database with table t, checkpointed empty, and a batch over it whose syncs are counted. */
function fixture(mapError: (e: unknown) => unknown = (e) => e) {
  const file = join(root, `b-${n++}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const state = { syncs: 0 };
  const sync = new GroupSync(async () => {
    state.syncs++;
  });
  const batch = new WriteBatch(db, sync, mapError);
  const insert = db.prepare<[string, number]>('INSERT INTO t VALUES (?, ?)');
  /** WAL frames written since the fixture was made. */
  const frames = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
  return { file, db, batch, insert, state, frames };
}

describe('WriteBatch', () => {
  it('commits the writes of one loop turn in one transaction, in call order, with one sync', async () => {
    const { db, batch, insert, state, frames } = fixture();
    const order: number[] = [];
    const values = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        batch.run(() => {
          order.push(i);
          return insert.run(`k${i}`, i).changes;
        }),
      ),
    );
    expect(values).toEqual(Array(50).fill(1));
    expect(order).toEqual([...Array(50).keys()]);
    expect(state.syncs).toBe(1);
    // One transaction writes the table's page once; fifty would write it fifty times.
    expect(frames()).toBeLessThan(10);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(50);
    db.close();
  });

  it('rolls back a write that throws alone; it rejects with its own error, the others commit', async () => {
    const { db, batch, insert } = fixture();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        batch.run(() => {
          insert.run(`k${i}`, i);
          if (i === 3) throw new TesseraError('NoSuchKey');
          if (i === 6) insert.run('k6', 0); // a constraint error, after a change of its own
          return i;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(
      [...Array(10).keys()].map((i) => (i === 3 || i === 6 ? 'rejected' : 'fulfilled')),
    );
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'NoSuchKey' });
    expect((results[6] as PromiseRejectedResult).reason).toMatchObject({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    const keys = db.prepare('SELECT k FROM t ORDER BY k').pluck().all();
    expect(keys).toEqual(['k0', 'k1', 'k2', 'k4', 'k5', 'k7', 'k8', 'k9']);
    db.close();
  });

  it('splits a long queue into bounded transactions, all of which resolve', async () => {
    const { db, batch, insert } = fixture();
    await Promise.all(Array.from({ length: 600 }, (_, i) => batch.run(() => insert.run(`k${i}`, i))));
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(600);
    db.close();
  });

  it('rejects every write of a batch whose transaction cannot start, mapping the error', async () => {
    const { file, db, batch, insert } = fixture((e) => ({ mapped: (e as { code?: string }).code }));
    db.pragma('busy_timeout = 0');
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run(); // holds the write lock
    const results = await Promise.allSettled([1, 2, 3].map((i) => batch.run(() => insert.run(`k${i}`, i))));
    expect(results.map((r) => (r as PromiseRejectedResult).reason)).toEqual(
      Array(3).fill({ mapped: 'SQLITE_BUSY' }),
    );
    other.prepare('ROLLBACK').run();
    other.close();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    db.close();
  });
});
