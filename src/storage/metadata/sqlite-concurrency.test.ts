import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bucket, inlineObject } from '../contract/fixtures.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-concurrency-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./lock-holder.fixture.mjs', import.meta.url));

/** Starts a writer process; resolves `locked` once it holds the write lock, `exit` with its code. */
function writer(file: string, holdMs: number, rounds: number) {
  const child = spawn(process.execPath, [fixture, file, String(holdMs), String(rounds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onLocked: () => void = () => {};
  const locked = new Promise<void>((resolve) => {
    onLocked = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('locked')) onLocked();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, out, err }));
  });
  return { locked, exit };
}

describe('SqliteMetadataStore with concurrent writer processes', () => {
  it('waits for other processes’ write locks instead of failing with SQLITE_BUSY', async () => {
    const file = join(root, 'meta.db');
    const store = new SqliteMetadataStore(file);
    await store.createBucket(bucket('b'));
    const setup = new Database(file);
    setup.exec('CREATE TABLE contention (pid INTEGER NOT NULL, n INTEGER NOT NULL)');
    setup.close();

    const rounds = 100;
    const writers = [writer(file, 300, rounds), writer(file, 300, rounds)];
    await Promise.race(writers.map((w) => w.locked)); // a child now holds the write lock
    for (let i = 0; i < 200; i++) {
      await store.putObject(inlineObject('b', `k${i % 20}`, `v${i}`));
      await store.setObjectTags('b', `k${i % 20}`, [{ key: 'i', value: String(i) }]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(writers.map((w) => w.exit));
    for (const r of results) expect(r).toMatchObject({ code: 0, err: '' });

    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM contention').pluck().get()).toBe(2 * (rounds + 1));
    check.close();
    const list = await store.listObjects({ bucket: 'b', prefix: '', delimiter: '', after: '', maxKeys: 100 });
    expect(list.objects).toHaveLength(20);
    expect((await store.getObject('b', 'k19'))?.tags).toEqual([{ key: 'i', value: '199' }]);
    await store.close();
  });

  it('opens one fresh database from several connections at once (migration under the write lock)', async () => {
    const file = join(root, 'fresh.db');
    const stores = Array.from({ length: 4 }, () => new SqliteMetadataStore(file));
    await stores[0]!.createBucket(bucket('x'));
    expect(await stores[3]!.getBucket('x')).toMatchObject({ name: 'x' });
    await Promise.all(stores.map((s) => s.close()));
  });
});
