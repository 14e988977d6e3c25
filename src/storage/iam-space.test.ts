import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { group, user } from './contract/iam-fixtures.js';
import { SpaceGuard } from './free-space.js';
import { SqliteIamStore } from './iam/sqlite-iam-store.js';
import { guardIamStore } from './iam-space.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-iam-space-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e) => (isTesseraError(e) ? e.code : String(e)),
  );

describe('guardIamStore', () => {
  it('refuses what adds to the metadata below the threshold; removals and reads go on', async () => {
    const raw = new SqliteIamStore(join(root, 'meta.db'));
    await raw.createUser(user('alice'));
    await raw.createGroup(group('team'));
    await raw.addGroupMember('', 'team', 'alice');
    // A threshold no file system meets: every write is below it.
    const space = new SpaceGuard({ dir: root, minFree: { bytes: Number.MAX_SAFE_INTEGER } });
    const store = guardIamStore(raw, space);
    expect(await code(store.createUser(user('bob')))).toBe('XMinioStorageFull');
    expect(await code(store.tagUser('', 'alice', [{ key: 'k', value: 'v' }], 1))).toBe('XMinioStorageFull');
    expect(await code(store.setGroupStatus('', 'team', 'disabled', 1))).toBe('XMinioStorageFull');
    expect(await raw.getUser('', 'bob')).toBeUndefined();
    expect((await store.getUser('', 'alice'))?.name).toBe('alice');
    expect(await code(store.removeGroupMember('', 'team', 'alice'))).toBe('ok');
    expect(await code(store.deleteGroup('', 'team'))).toBe('ok');
    expect(await code(store.deleteUser('', 'alice'))).toBe('ok');
    expect(await store.listUsers('')).toEqual([]);
    await store.close();
  });

  it('is the store itself without a space guard', () => {
    const raw = new SqliteIamStore(join(root, 'other.db'));
    expect(guardIamStore(raw, undefined)).toBe(raw);
    return raw.close();
  });
});
