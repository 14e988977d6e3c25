import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bucket, inlineObject } from '../contract/fixtures.js';
import type { ObjectRead } from '../types.js';
import { ReadMemo, readKey } from './read-memo.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-read-memo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${++n}.db`);

async function storeWithBucket(file = freshFile()) {
  const store = new SqliteMetadataStore(file, { checkpointThread: false });
  await store.createBucket(bucket('b'));
  return { store, file };
}

const bodyOf = (read: ObjectRead | undefined) => {
  const v = read?.version;
  return v !== undefined && 'data' in v && v.data.kind === 'inline' ? v.data.bytes.toString() : undefined;
};

describe('the metadata store’s read memo', () => {
  it('serves a repeated read from memory, the same frozen answer', async () => {
    const { store } = await storeWithBucket();
    await store.putObject(inlineObject('b', 'k', 'one'));
    const first = await store.readObject('b', 'k');
    const second = await store.readObject('b', 'k');
    expect(second).toBe(first);
    expect(Object.isFrozen(first!.version)).toBe(true);
    expect(() => {
      (first!.version as { size: number }).size = 1;
    }).toThrow(TypeError);
    expect(bodyOf(second)).toBe('one');
    await store.close();
  });

  it('never answers from before this store’s own writes', async () => {
    const { store } = await storeWithBucket();
    await store.putObject(inlineObject('b', 'k', 'one'));
    expect(bodyOf(await store.readObject('b', 'k'))).toBe('one');
    await store.putObject(inlineObject('b', 'k', 'two'));
    expect(bodyOf(await store.readObject('b', 'k'))).toBe('two');
    await store.setObjectTags('b', 'k', [{ key: 't', value: 'v' }]);
    const tagged = (await store.readObject('b', 'k'))?.version;
    expect(tagged !== undefined && 'tags' in tagged ? tagged.tags : undefined).toEqual([
      { key: 't', value: 'v' },
    ]);
    await store.setBucketVersioning('b', 'Enabled');
    expect((await store.readObject('b', 'k'))?.versioning).toBe('Enabled');
    await store.deleteObject('b', 'k', 'null');
    expect((await store.readObject('b', 'k'))?.version).toBeUndefined();
    await store.close();
  });

  it('never answers from before another connection’s commit', async () => {
    const { store: a, file } = await storeWithBucket();
    const b = new SqliteMetadataStore(file, { checkpointThread: false });
    await a.putObject(inlineObject('b', 'k', 'one'));
    expect(bodyOf(await a.readObject('b', 'k'))).toBe('one');
    await b.putObject(inlineObject('b', 'k', 'two'));
    expect(bodyOf(await a.readObject('b', 'k'))).toBe('two');
    await b.deleteBucket('b').catch(() => {}); // not empty: refused, nothing changes
    await b.deleteObject('b', 'k', 'null');
    expect((await a.readObject('b', 'k'))?.version).toBeUndefined();
    await b.close();
    await a.close();
  });

  it('never answers from before another process’s commit', async () => {
    const { store, file } = await storeWithBucket();
    await store.putObject(inlineObject('b', 'k', 'one'));
    expect((await store.readObject('b', 'k'))?.version?.lastModified).toBe(1_700_000_000_500);
    const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]);
      db.pragma('busy_timeout = 10000');
      db.prepare("UPDATE objects SET last_modified = 42 WHERE bucket = 'b' AND key = 'k'").run();`;
    const child = spawnSync(process.execPath, ['-e', script, file], { cwd: process.cwd(), encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect((await store.readObject('b', 'k'))?.version?.lastModified).toBe(42);
    await store.close();
  });

  it('agrees with a store without memo over random writes from two connections', async () => {
    const { store: a, file } = await storeWithBucket();
    const b = new SqliteMetadataStore(file, { checkpointThread: false });
    const small = new SqliteMetadataStore(file, { checkpointThread: false, readMemo: { entries: 2 } });
    const none = new SqliteMetadataStore(file, { checkpointThread: false, readMemo: { entries: 0 } });
    let seed = 7;
    const next = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % m;
    };
    for (let i = 0; i < 300; i++) {
      const writer = next(2) === 0 ? a : b;
      const key = `k${next(4)}`;
      const op = next(5);
      if (op === 0) await writer.deleteObject('b', key, 'null');
      else if (op === 1)
        await writer.setObjectTags('b', key, [{ key: 'i', value: String(i) }]).catch(() => {});
      else if (op === 2) await writer.putObject(inlineObject('b', key, `body ${i}`));
      for (const reader of [a, small]) {
        const k = `k${next(4)}`;
        expect(await reader.readObject('b', k)).toEqual(await none.readObject('b', k));
      }
    }
    for (const s of [a, b, small, none]) await s.close();
  });

  it('keeps and serves nothing inside a transaction', () => {
    const db = new Database(':memory:');
    const memo = new ReadMemo(db);
    let loads = 0;
    const load = (): ObjectRead => {
      loads++;
      return { version: undefined, versioning: undefined };
    };
    memo.read('x', load);
    db.transaction(() => {
      memo.read('x', load);
      memo.read('y', load);
    })();
    expect(loads).toBe(3);
    expect(memo.size).toBe(1);
    db.close();
  });

  it('stays within its bounds, dropping the oldest answers first', () => {
    const db = new Database(':memory:');
    const memo = new ReadMemo(db, { entries: 2, inlineBytes: 10 });
    const loads: string[] = [];
    const answer =
      (key: string, bytes = 0) =>
      (): ObjectRead => {
        loads.push(key);
        const object = inlineObject('b', key, 'x'.repeat(bytes));
        return { version: { ...object, versionId: 'null' }, versioning: undefined };
      };
    for (const k of ['a', 'b', 'c', 'a']) memo.read(k, answer(k));
    expect(loads).toEqual(['a', 'b', 'c', 'a']); // a was dropped for c
    expect(memo.size).toBe(2);
    memo.read('big', answer('big', 11)); // larger than all inline bytes allowed: not kept
    memo.read('big', answer('big', 11));
    memo.read('six', answer('six', 6));
    memo.read('five', answer('five', 5)); // 11 bytes: six goes
    memo.read('five', answer('five', 5));
    memo.read('six', answer('six', 6));
    expect(loads.slice(4)).toEqual(['big', 'big', 'six', 'five', 'six']);
    db.close();
  });

  it('with no entries allowed, always loads', () => {
    const db = new Database(':memory:');
    const memo = new ReadMemo(db, { entries: 0 });
    let loads = 0;
    const load = (): ObjectRead => {
      loads++;
      return { version: undefined, versioning: undefined };
    };
    for (let i = 0; i < 3; i++) memo.read('x', load);
    expect(loads).toBe(3);
    db.close();
  });

  it('names each bucket, key and version id apart', () => {
    const keys = [
      readKey('b', 'k', undefined),
      readKey('b', 'k', ''),
      readKey('b', '\u0000k', undefined),
      readKey('b', 'k\u0000v', undefined),
      readKey('b', 'k', 'v'),
      readKey('b', '', '1:v\u0000k'),
      readKey('b', 'v\u0000k', '1'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
