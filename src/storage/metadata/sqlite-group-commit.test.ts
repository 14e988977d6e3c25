import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bucket, expectCode, inlineObject, part, upload } from '../contract/fixtures.js';
import type { MetadataStore } from '../types.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';
import { WalFile } from './wal-file.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${n++}.db`);

/** A WAL sync the test holds: `release()` lets the syncs started so far (and later ones) resolve. */
function heldSync() {
  let open = false;
  let waiting: (() => void)[] = [];
  const state = { calls: 0 };
  const sync = () => {
    state.calls++;
    return open ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    open = true;
    for (const r of waiting) r();
    waiting = [];
  };
  const hold = () => {
    open = false;
  };
  return { sync, release, hold, state };
}

const turns = async (k = 5) => {
  for (let i = 0; i < k; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Whether `p` is still pending after the loop has turned a few times. */
async function pending(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turns();
  return !settled;
}

describe('SqliteMetadataStore group commit', () => {
  it('resolves every kind of write only after the WAL sync covering it, though readers see it at once', async () => {
    const file = freshFile();
    const held = heldSync();
    held.release();
    const store = new SqliteMetadataStore(file, { walSync: held.sync });
    await store.createBucket(bucket('b'));
    await store.putObject(inlineObject('b', 'locked'));
    await store.createUpload(upload('b', 'u', 'up-2'));
    held.hold();
    const reader = new Database(file, { readonly: true });
    const writes: [string, () => Promise<unknown>][] = [
      ['createBucket', () => store.createBucket(bucket('c'))],
      ['setBucketTags', () => store.setBucketTags('b', [{ key: 'k', value: 'v' }])],
      ['setBucketVersioning', () => store.setBucketVersioning('c', 'Enabled')],
      ['enableObjectLock', () => store.enableObjectLock('c')],
      ['setBucketConfig', () => store.setBucketConfig('b', 'lifecycle', '<x/>')],
      ['putObject', () => store.putObject(inlineObject('b', 'k'))],
      ['putObjectVersioned', () => store.putObjectVersioned(inlineObject('b', 'k2'))],
      ['setObjectTags', () => store.setObjectTags('b', 'k', [{ key: 't', value: '1' }])],
      [
        'updateObjectLock',
        () => store.updateObjectLock('b', 'locked', undefined, () => ({ legalHold: true })),
      ],
      ['markDamaged', () => store.markDamaged('b', 'k2', 'null', 'test')],
      ['deleteObject', () => store.deleteObject('b', 'k2')],
      ['deleteObjectVersioned', () => store.deleteObjectVersioned('b', 'k')],
      ['createUpload', () => store.createUpload(upload('b', 'u', 'up-1'))],
      ['putPart', () => store.putPart(part('up-1', 1, 'blob-1'))],
      ['completeUpload', () => store.completeUpload('up-1', inlineObject('b', 'u'))],
      ['abortUpload', () => store.abortUpload('b', 'u', 'up-2')],
      ['deleteBucket', () => store.deleteBucket('c')],
    ];
    for (const [name, write] of writes) {
      const before = held.state.calls;
      const p = write();
      expect(await pending(p), `${name} resolved before its sync`).toBe(true);
      expect(held.state.calls, name).toBe(before + 1);
      held.release();
      await p;
      held.hold();
    }
    // Committed (NORMAL) at the end of the loop turn, before durable: another connection reads
    // it while the sync is held.
    const p = store.putObject(inlineObject('b', 'seen', 'early'));
    expect(await pending(p)).toBe(true);
    const row = reader.prepare("SELECT inline_data FROM objects WHERE bucket = 'b' AND key = 'seen'").get();
    expect(row).toEqual({ inline_data: Buffer.from('early') });
    held.release();
    await p;
    reader.close();
    await store.close();
  });

  it('shares one fdatasync among concurrent writes (a real WAL file)', async () => {
    const file = freshFile();
    let syncs = 0;
    const wal = new WalFile(`${file}-wal`);
    const store = new SqliteMetadataStore(file, {
      walSync: () => {
        syncs++;
        return wal.sync();
      },
    });
    await store.createBucket(bucket('b'));
    const before = syncs;
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.putObject(inlineObject('b', `k${i}`))));
    expect(syncs - before).toBe(1);
    await store.close();
    await wal.close();
    const check = new SqliteMetadataStore(file);
    expect(
      (await check.listObjects({ bucket: 'b', prefix: '', delimiter: '', after: '', maxKeys: 100 })).objects,
    ).toHaveLength(64);
    await check.close();
  });

  it('after a failed sync rejects its writes and refuses later ones before committing', async () => {
    const file = freshFile();
    let fail = false;
    const failures: unknown[] = [];
    const store = new SqliteMetadataStore(file, {
      walSync: async () => {
        if (fail) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
      onSyncFailure: (e) => failures.push(e),
    });
    await store.createBucket(bucket('b'));
    fail = true;
    await expectCode(store.putObject(inlineObject('b', 'k')), 'InternalError');
    fail = false;
    await expectCode(store.createBucket(bucket('later')), 'InternalError');
    await expectCode(store.putObject(inlineObject('b', 'k2')), 'InternalError');
    expect(failures).toHaveLength(1);
    expect(await store.getBucket('later')).toBeUndefined(); // refused, not committed
    await store.close();
  });

  it('closes after the pending sync; the write resolves first', async () => {
    const held = heldSync();
    held.release();
    const store: MetadataStore = new SqliteMetadataStore(freshFile(), { walSync: held.sync });
    await store.createBucket(bucket('b'));
    held.hold();
    const order: string[] = [];
    const write = store.putObject(inlineObject('b', 'k')).then(() => order.push('write'));
    const close = store.close().then(() => order.push('close'));
    expect(await pending(close)).toBe(true);
    held.release();
    await Promise.all([write, close]);
    expect(order).toEqual(['write', 'close']);
  });
});

describe('the checkpoint thread', () => {
  it('copies committed pages into the database file off the event loop, and stops on close', async () => {
    const file = freshFile();
    const store = new SqliteMetadataStore(file);
    await store.createBucket(bucket('b'));
    const before = statSync(file).size;
    // Past the writes after which the thread starts; SQLite's own checkpoint waits for 10,000 pages.
    for (let i = 0; i < 6; i++) {
      await Promise.all(
        Array.from({ length: 64 }, (_, j) =>
          store.putObject(inlineObject('b', `k${i}-${j}`, 'x'.repeat(2000))),
        ),
      );
    }
    let grown = false;
    for (let i = 0; i < 200 && !grown; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      grown = statSync(file).size > before + 300 * 2000;
    }
    expect(grown).toBe(true);
    await store.close();
  });
});

describe('WalFile', () => {
  it('keeps one inode across checkpoints, WAL resets and truncation while a connection is open', () => {
    const file = freshFile();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x BLOB)');
    const other = new Database(file);
    const ino = () => statSync(`${file}-wal`).ino;
    const first = ino();
    const insert = db.prepare('INSERT INTO t VALUES (randomblob(5000))');
    for (const mode of ['PASSIVE', 'FULL', 'RESTART', 'TRUNCATE']) {
      for (let i = 0; i < 50; i++) insert.run();
      other.pragma(`wal_checkpoint(${mode})`);
      insert.run(); // a writer after a complete checkpoint resets the WAL (writes from its start)
      expect(ino(), mode).toBe(first);
    }
    db.pragma('journal_size_limit = 0'); // the writer truncates the WAL when it resets it
    other.pragma('journal_size_limit = 0');
    for (let i = 0; i < 50; i++) insert.run();
    other.pragma('wal_checkpoint(PASSIVE)');
    insert.run();
    expect(statSync(`${file}-wal`).size).toBeLessThan(50 * 5000);
    expect(ino()).toBe(first);
    other.close(); // not the last connection: the WAL stays
    expect(ino()).toBe(first);
    db.close();
  });

  it('syncs, reopens a replaced file, and has nothing to do for a missing one', async () => {
    const path = join(root, 'plain-wal');
    writeFileSync(path, 'a');
    const wal = new WalFile(path);
    await wal.sync();
    renameSync(path, `${path}.old`);
    writeFileSync(path, 'b');
    await wal.sync(); // syncs the old inode, sees the new one, syncs that
    rmSync(path);
    await wal.sync();
    await wal.close();
    await expect(wal.sync()).rejects.toThrow(/closed/);
  });
});
