import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from '../../../test/helpers/postgres.js';
import { LeaseKeeper } from '../lease-keeper.js';
import { PgMetadataStore } from './pg-meta-store.js';

// Cluster leases (meta_leases) on a throwaway cluster; in CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe.skipIf(missing !== undefined)('PgLeaseStore', () => {
  let cluster: Postgres;
  let url: string;
  let one: PgMetadataStore;
  let two: PgMetadataStore;

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('leases');
    // Two stores (two pools), as two servers.
    one = await PgMetadataStore.open({ url, poolSize: 2 });
    two = await PgMetadataStore.open({ url, poolSize: 2 });
  }, 60_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await cluster?.stop();
  });

  async function row(name: string): Promise<{ holder: string; expires_at: string } | undefined> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query('SELECT holder, expires_at FROM meta_leases WHERE name = $1', [name])).rows[0];
    } finally {
      await c.end();
    }
  }

  it('acquires a free lease; a second holder is refused while it is held', async () => {
    expect(await one.leases.tryAcquire('a', 'h1', 60_000)).toBe(true);
    expect(await two.leases.tryAcquire('a', 'h2', 60_000)).toBe(false);
    expect((await row('a'))?.holder).toBe('h1');
    // The holder acquiring again renews it.
    expect(await two.leases.tryAcquire('a', 'h1', 60_000)).toBe(true);
  });

  it('one winner when many holders race for a free lease', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).leases.tryAcquire('race', `h${i}`, 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `h${results.indexOf(true)}`;
    expect((await row('race'))?.holder).toBe(winner);
  });

  it('an expired lease is taken over by another holder', async () => {
    expect(await one.leases.tryAcquire('exp', 'h1', 300)).toBe(true);
    expect(await two.leases.tryAcquire('exp', 'h2', 300)).toBe(false);
    await sleep(400);
    expect(await two.leases.tryAcquire('exp', 'h2', 60_000)).toBe(true);
    expect((await row('exp'))?.holder).toBe('h2');
    // The old holder can neither renew nor take it back now.
    expect(await one.leases.renew('exp', 'h1', 60_000)).toBe(false);
    expect(await one.leases.tryAcquire('exp', 'h1', 60_000)).toBe(false);
  });

  it('renews only for the holder, extending the expiry', async () => {
    expect(await one.leases.tryAcquire('r', 'h1', 1000)).toBe(true);
    const before = Number((await row('r'))!.expires_at);
    expect(await two.leases.renew('r', 'h2', 60_000)).toBe(false);
    expect(Number((await row('r'))!.expires_at)).toBe(before);
    expect(await one.leases.renew('r', 'h1', 60_000)).toBe(true);
    expect(Number((await row('r'))!.expires_at)).toBeGreaterThan(before + 30_000);
    expect(await one.leases.renew('nobody', 'h1', 60_000)).toBe(false);
  });

  it('releases only for the holder; then another takes it at once', async () => {
    expect(await one.leases.tryAcquire('rel', 'h1', 60_000)).toBe(true);
    expect(await two.leases.release('rel', 'h2')).toBe(false);
    expect(await two.leases.tryAcquire('rel', 'h2', 60_000)).toBe(false);
    expect(await one.leases.release('rel', 'h1')).toBe(true);
    expect(await row('rel')).toBeUndefined();
    expect(await two.leases.tryAcquire('rel', 'h2', 60_000)).toBe(true);
  });

  it('refuses a ttl that is not a positive whole number of milliseconds', async () => {
    await expect(one.leases.tryAcquire('bad', 'h1', 0)).rejects.toThrow(RangeError);
    await expect(one.leases.renew('bad', 'h1', 1.5)).rejects.toThrow(RangeError);
  });

  it('LeaseKeeper: one of two keepers holds it; the other takes over after the holder stops', async () => {
    const events: string[] = [];
    const keeper = (store: PgMetadataStore, holder: string) =>
      new LeaseKeeper({
        store: store.leases,
        name: 'keeper',
        holder,
        ttlMs: 1500,
        onAcquired: () => events.push(`+${holder}`),
        onLost: () => events.push(`-${holder}`),
      });
    const k1 = keeper(one, 'k1');
    const k2 = keeper(two, 'k2');
    k1.start();
    await until(() => k1.held);
    k2.start();
    // k2 tries at least twice (every ttl/3) while k1 renews: still k1's.
    await sleep(1200);
    expect(k1.held).toBe(true);
    expect(k2.held).toBe(false);
    expect((await row('keeper'))?.holder).toBe('k1');
    await k1.stop();
    await until(() => k2.held);
    expect((await row('keeper'))?.holder).toBe('k2');
    await k2.stop();
    expect(events).toEqual(['+k1', '-k1', '+k2', '-k2']);
    expect(await row('keeper')).toBeUndefined();
  });
});
