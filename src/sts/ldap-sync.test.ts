import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../core/index.js';
import { openTestIam, type TestIam, testDataDir } from '../iam/testing.js';
import type { LdapDirectories, LdapUserState } from '../idp/index.js';
import { LdapSync } from './ldap-sync.js';

/** The directory sync over a small in-memory fake of the LdapDirectories port. */
const ALICE = 'uid=alice,ou=people,dc=example,dc=org';
const BOB = 'uid=bob,ou=people,dc=example,dc=org';
const OPS = 'cn=ops,ou=groups,dc=example,dc=org';

let dir: string;
let t: TestIam;
const states = new Map<string, LdapUserState | 'down'>();
const lookups: string[] = [];

const fake: LdapDirectories = {
  names: ['default', 'corp'],
  login: async () => {
    throw new TesseraError('AccessDenied');
  },
  lookupUser: async (directory, dn) => {
    lookups.push(`${directory}:${dn}`);
    const s = states.get(`${directory}:${dn}`) ?? { state: 'missing' };
    if (s === 'down') throw new TesseraError('IDPCommunicationError', 'directory down');
    return s;
  },
  findUser: async () => undefined,
  check: async () => [],
  close: async () => {},
};

beforeEach(async () => {
  dir = testDataDir();
  t = await openTestIam(dir);
  states.clear();
  lookups.length = 0;
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = (directory: string, dn: string, username: string) =>
  t.iam.ldap.recordLogin({ directory, username, userDn: dn, groupDns: [OPS], attributes: {} });

describe('LdapSync', () => {
  it('stores what the directories say, revokes removed users, leaves a down directory alone', async () => {
    await login('default', ALICE, 'alice');
    await login('default', BOB, 'bob');
    await login('corp', ALICE, 'alice');
    states.set(`default:${ALICE}`, { state: 'active', groupDns: [], attributes: {} });
    states.set(`default:${BOB}`, { state: 'disabled' });
    states.set(`corp:${ALICE}`, 'down');
    const changes: string[] = [];
    const sync = new LdapSync({
      iam: t.iam,
      directories: fake,
      intervalMs: 1000,
      onChange: (c) => changes.push(`${c.directory} ${c.outcome} ${c.state}`),
    });
    const r = await sync.run();
    expect(changes.sort()).toEqual(['default removed disabled', 'default updated active']);
    expect(r).toMatchObject({ checked: 2, updated: 1, removed: 1, unreachable: 1, restored: 0 });
    const users = await t.iam.ldap.listUsers();
    expect(users.map((u) => [u.directory, u.username, u.state, u.groupDns])).toEqual([
      ['corp', 'alice', 'active', [OPS]],
      ['default', 'alice', 'active', []],
      ['default', 'bob', 'disabled', [OPS]],
    ]);
    expect(t.iam.revocations.size.parents).toBe(1);
    // Nothing changed: nothing is written but the stamps.
    expect(await sync.run()).toMatchObject({ checked: 2, unchanged: 2, removed: 0 });
    states.set(`default:${BOB}`, { state: 'active', groupDns: [OPS], attributes: {} });
    expect(await sync.run()).toMatchObject({ restored: 1 });
    await sync.stop();
  });

  it('one process syncs at a time (the lease)', async () => {
    await login('default', ALICE, 'alice');
    const a = new LdapSync({ iam: t.iam, directories: fake, intervalMs: 60_000 });
    const b = new LdapSync({ iam: t.iam, directories: fake, intervalMs: 60_000 });
    expect((await a.run()).leased).toBeUndefined();
    expect((await b.run()).leased).toBe(true);
    expect(lookups).toHaveLength(1);
  });
});
