import { describe, expect, it } from 'vitest';
import { BucketAccounts } from './bucket-accounts.js';

describe('BucketAccounts', () => {
  it('caches a bucket’s account for ttl, forgets on demand, knows missing buckets', async () => {
    const owners = new Map([['a', { account: '111111111111' }]]);
    let reads = 0;
    let now = 0;
    const b = new BucketAccounts(
      async (name) => {
        reads++;
        return owners.get(name);
      },
      1000,
      10,
      () => now,
    );
    expect(await b.of('a')).toBe('111111111111');
    expect(b.of('a')).toBe('111111111111'); // synchronous hit
    expect(await b.of('missing')).toBeUndefined();
    expect(b.of('missing')).toBeUndefined();
    expect(reads).toBe(2);
    owners.set('a', { account: '' });
    expect(b.of('a')).toBe('111111111111');
    now = 1001;
    expect(await b.of('a')).toBe('');
    owners.delete('a');
    b.forget('a');
    expect(await b.of('a')).toBeUndefined();
    expect(reads).toBe(4);
  });
});
