import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorize } from '../policy/index.js';
import { allow, openTestIam, type TestIam, testDataDir } from './testing.js';

/** Two services on one database file, as two worker processes would have (docs/architecture.md). */
let dir: string;
let a: TestIam;
let b: TestIam;
beforeEach(async () => {
  dir = testDataDir();
  a = await openTestIam(dir);
  b = await openTestIam(dir);
});
afterEach(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

async function canGet(t: TestIam, accessKey: string, bucket = 'b'): Promise<boolean> {
  const c = await t.iam.lookupCredential(accessKey);
  if (c === undefined) return false;
  const sets = await t.iam.policySetsFor(c.principal, bucket);
  return authorize(sets, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/k` }).allowed;
}

describe('change feed across processes', () => {
  it('a user disabled through one service is refused by the other after its poll', async () => {
    await a.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    const alice = { accessKey: 'alice', secretKey: 'alice-secret' };
    expect(await b.iam.lookupCredential('alice')).toMatchObject(alice); // cached in b
    await a.iam.users.setStatus('', 'alice', 'disabled');
    expect(await b.iam.lookupCredential('alice')).toMatchObject(alice); // b has not polled yet
    expect(await b.iam.pollChanges()).toBeGreaterThan(0);
    expect(await b.iam.lookupCredential('alice')).toBeUndefined();
  });

  it('policy, group and bucket-policy changes reach the other service', async () => {
    await a.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await a.iam.groups.create('', 'devs');
    await a.iam.groups.addMember('', 'devs', 'alice');
    await a.iam.policies.create('', 'p', allow('s3:GetObject'));
    await a.iam.policies.attach('', 'group', 'devs', 'p');
    await b.iam.pollChanges();
    expect(await canGet(b, 'alice')).toBe(true);
    await a.iam.policies.createVersion('', 'p', allow('s3:PutObject'), true);
    await b.iam.pollChanges();
    expect(await canGet(b, 'alice')).toBe(false);
    await a.iam.policies.setDefaultVersion('', 'p', 'v1');
    await b.iam.pollChanges();
    expect(await canGet(b, 'alice')).toBe(true);
    await a.iam.groups.setStatus('', 'devs', 'disabled');
    await b.iam.pollChanges();
    expect(await canGet(b, 'alice')).toBe(false);
    const alice = (await b.iam.lookupCredential('alice'))?.principal;
    expect(alice?.kind === 'user' && alice.groups).toEqual([]);
    const anon = { kind: 'anonymous', account: '' } as const;
    expect(
      authorize(await b.iam.policySetsFor(anon, 'pub'), {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::pub/k',
      }).allowed,
    ).toBe(false);
    await a.iam.bucketPolicies.put(
      '',
      'pub',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' },
        ],
      }),
    );
    await b.iam.pollChanges();
    expect(
      authorize(await b.iam.policySetsFor(anon, 'pub'), {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::pub/k',
      }).allowed,
    ).toBe(true);
  });

  it('disabling a parent user disables its service accounts in the other service', async () => {
    await a.iam.users.create('', { name: 'alice' });
    await a.iam.policies.attach('', 'user', 'alice', 'readonly');
    const sa = await a.iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } });
    expect(await canGet(b, sa.accessKey)).toBe(true);
    await a.iam.users.setStatus('', 'alice', 'disabled');
    await b.iam.pollChanges();
    expect(await b.iam.lookupCredential(sa.accessKey)).toBeUndefined();
  });

  it('the polling loop applies changes on its own', async () => {
    await a.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    expect(await b.iam.lookupCredential('alice')).toMatchObject({
      accessKey: 'alice',
      secretKey: 'alice-secret',
    });
    b.iam.startChangeFeed(20);
    await a.iam.users.delete('', 'alice');
    await vi.waitFor(async () => expect(await b.iam.lookupCredential('alice')).toBeUndefined(), {
      timeout: 10_000,
    });
    b.iam.stopChangeFeed();
  });

  it('a service that missed pruned changes drops its caches', async () => {
    await a.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await a.iam.users.create('', { name: 'bob', secretKey: 'bob-secret' });
    expect(await b.iam.lookupCredential('alice')).toMatchObject({
      accessKey: 'alice',
      secretKey: 'alice-secret',
    });
    await a.iam.users.setStatus('', 'alice', 'disabled');
    await a.iam.users.tag('', 'bob', [{ key: 'k', value: 'v' }]);
    await a.store.pruneChanges(Date.now() + 60_000); // removes the change to alice
    await b.iam.pollChanges();
    expect(await b.iam.lookupCredential('alice')).toBeUndefined();
    expect(await b.iam.pollChanges()).toBe(0); // caught up: no reset loop
  });
});

describe('bounded caches', () => {
  it('never hold more entries than their limits, and stay correct', async () => {
    const small = await openTestIam(dir, {
      cache: { credentials: 3, identities: 2, policies: 2, buckets: 1 },
    });
    for (let i = 0; i < 10; i++) {
      await a.iam.users.create('', { name: `u${i}`, secretKey: `secret-${i}-xx` });
      await a.iam.policies.create('', `p${i}`, allow('s3:GetObject', `arn:aws:s3:::b${i}/*`));
      await a.iam.policies.attach('', 'user', `u${i}`, `p${i}`);
    }
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) {
        expect((await small.iam.lookupCredential(`u${i}`))?.secretKey).toBe(`secret-${i}-xx`);
        expect(await canGet(small, `u${i}`, `b${i}`)).toBe(true);
        expect(await canGet(small, `u${i}`, `b${(i + 1) % 10}`)).toBe(false);
      }
    }
    expect(small.iam.cacheStats()).toEqual({ credentials: 3, identities: 2, policies: 2, buckets: 1 });
    await small.close();
  });
});
