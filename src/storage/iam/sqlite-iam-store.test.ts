import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIamContract } from '../contract/iam-contract.js';
import { user } from '../contract/iam-fixtures.js';
import { SqliteMetadataStore } from '../metadata/sqlite-metadata-store.js';
import { SqliteIamStore } from './sqlite-iam-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-iam-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${n++}.db`);

runIamContract('sqlite', async () => new SqliteIamStore(freshFile()));

describe('SqliteIamStore', () => {
  it('shares the metadata database file and sees another connection’s writes and changes', async () => {
    const file = freshFile();
    const metadata = new SqliteMetadataStore(file);
    const one = new SqliteIamStore(file);
    const two = new SqliteIamStore(file);
    const seq = await two.latestChangeSeq();
    await one.createUser(user('alice'));
    expect((await two.getUser('', 'alice'))?.name).toBe('alice');
    expect((await two.changesSince(seq)).changes.map((c) => c.name)).toEqual(['alice']);
    await Promise.all([one.close(), two.close(), metadata.close()]);
  });

  it('opens the store of a data directory', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.tessera'));
    const store = SqliteIamStore.forDataDir(dir);
    expect(await store.latestChangeSeq()).toBe(0);
    await store.close();
  });
});
