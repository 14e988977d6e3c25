import { describe, expect, it } from 'vitest';
import { type CachedCredential, entityKey, IamCache } from './cache.js';

const cred = (userKey: string | undefined, groups: string[] = []): CachedCredential =>
  userKey === undefined ? { credential: undefined, groups } : { credential: undefined, userKey, groups };

describe('IamCache invalidation', () => {
  function filled(): IamCache {
    const c = new IamCache();
    c.credentials.set('alice', cred(entityKey('', 'alice'), [entityKey('', 'devs')]));
    c.credentials.set('SA-OF-ALICE', cred(entityKey('', 'Alice')));
    c.credentials.set('bob', cred(entityKey('', 'bob')));
    c.credentials.set('ROOT-SA', cred(undefined));
    c.identities.set(entityKey('', 'alice'), {
      policies: [],
      groups: [entityKey('', 'devs')],
      policyNames: [entityKey('', 'p')],
    });
    c.identities.set(entityKey('', 'bob'), { policies: [], groups: [], policyNames: [entityKey('', 'q')] });
    c.identities.set(entityKey('other', 'alice'), {
      policies: [],
      groups: [],
      policyNames: [entityKey('other', 'p')],
    });
    c.buckets.set('b1', []);
    c.buckets.set('b2', []);
    return c;
  }

  it('a user change evicts the user and its service accounts only (names without regard to case)', () => {
    const c = filled();
    c.apply({ kind: 'user', account: '', name: 'ALICE' });
    expect([...c.credentials.keys()]).toEqual(['bob', 'ROOT-SA']);
    expect(c.identities.size).toBe(2);
  });

  it('a group change evicts its members; a policy change the users it is attached to, in that account', () => {
    const c = filled();
    c.apply({ kind: 'group', account: '', name: 'devs' });
    expect([...c.credentials.keys()]).toEqual(['SA-OF-ALICE', 'bob', 'ROOT-SA']);
    expect(c.identities.peek(entityKey('', 'alice'))).toBeUndefined();
    const d = filled();
    d.apply({ kind: 'policy', account: '', name: 'P' });
    expect([...d.identities.keys()]).toEqual([entityKey('', 'bob'), entityKey('other', 'alice')]);
    expect(d.credentials.size).toBe(4);
  });

  it('service-account and bucket-policy changes evict one entry', () => {
    const c = filled();
    c.apply({ kind: 'serviceAccount', account: '', name: 'ROOT-SA' });
    c.apply({ kind: 'bucketPolicy', account: '', name: 'b1' });
    expect(c.credentials.peek('ROOT-SA')).toBeUndefined();
    expect([...c.buckets.keys()]).toEqual(['b2']);
    expect(c.credentials.size).toBe(3);
  });

  it('fill drops a value read before a change was applied', () => {
    const c = new IamCache();
    const before = c.version;
    c.apply({ kind: 'bucketPolicy', account: '', name: 'b1' });
    c.fill(c.buckets, 'b1', [], before);
    expect(c.buckets.peek('b1')).toBeUndefined();
    c.fill(c.buckets, 'b1', [], c.version);
    expect(c.buckets.peek('b1')).toEqual([]);
    c.clear();
    expect(c.buckets.size).toBe(0);
  });
});
