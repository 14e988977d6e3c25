import { describe, expect, it } from 'vitest';
import { PublicBucketRestrictions, publicBucketRestrictions } from './restrictions.js';

const PUBLIC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
});
const NAMED = PUBLIC.replace('"*"', '{"AWS":"arn:aws:iam::111122223333:root"}');
const block = (restrict: boolean) =>
  JSON.stringify({
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: restrict,
  });

function fixture() {
  const state = { block: block(true) as string | undefined, policy: PUBLIC as string | undefined, reads: 0 };
  const sources = {
    metadata: {
      getBucketConfig: async () => {
        state.reads++;
        return state.block;
      },
      getBucket: async (name: string) => ({ name, account: 'acct', region: 'us-east-1', createdAt: 0 }),
    },
    bucketPolicies: {
      get: async () => (state.policy === undefined ? undefined : { document: state.policy }),
    },
  };
  let now = 1000;
  const r = new PublicBucketRestrictions(sources, 1000, 2, () => now);
  return { state, r, sources, tick: (ms: number) => (now += ms) };
}

describe('PublicBucketRestrictions', () => {
  it('restricts to the owner account only when RestrictPublicBuckets is on and the policy is public', async () => {
    const f = fixture();
    expect(await f.r.ownerIfRestricted('b')).toBe('acct');
    f.state.policy = NAMED;
    f.r.forget('b');
    expect(await f.r.ownerIfRestricted('b')).toBeUndefined();
    f.state.policy = PUBLIC;
    f.state.block = block(false);
    f.r.forget('b');
    expect(await f.r.ownerIfRestricted('b')).toBeUndefined();
    f.state.block = undefined;
    f.r.forget('b');
    expect(await f.r.ownerIfRestricted('b')).toBeUndefined();
  });

  it('answers from the cache (synchronously) until the entry is a second old or forgotten', async () => {
    const f = fixture();
    await f.r.ownerIfRestricted('b');
    expect(f.r.ownerIfRestricted('b')).toBe('acct');
    expect(f.state.reads).toBe(1);
    f.state.block = block(false);
    f.tick(999);
    expect(f.r.ownerIfRestricted('b')).toBe('acct');
    f.tick(1);
    expect(await f.r.ownerIfRestricted('b')).toBeUndefined();
    expect(f.state.reads).toBe(2);
  });

  it('a read that started before a forget is not cached after it', async () => {
    const f = fixture();
    const pending = f.r.ownerIfRestricted('b');
    f.state.block = block(false);
    f.r.forget('b');
    expect(await pending).toBe('acct');
    expect(await f.r.ownerIfRestricted('b')).toBeUndefined();
  });

  it('is bounded', async () => {
    const f = fixture();
    for (const b of ['b1', 'b2', 'b3']) await f.r.ownerIfRestricted(b);
    const reads = f.state.reads;
    f.r.ownerIfRestricted('b3');
    expect(f.state.reads).toBe(reads);
    await f.r.ownerIfRestricted('b1');
    expect(f.state.reads).toBe(reads + 1);
  });

  it('one instance per metadata store', () => {
    const a = fixture().sources;
    expect(publicBucketRestrictions(a)).toBe(publicBucketRestrictions(a));
    expect(publicBucketRestrictions(fixture().sources)).not.toBe(publicBucketRestrictions(a));
  });
});
