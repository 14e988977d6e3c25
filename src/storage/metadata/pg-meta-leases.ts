import type { LeaseStore } from '../lease-types.js';
import type { PgMetaDb } from './pg-meta-db.js';

/** The database's clock in epoch milliseconds: expiry never depends on a server's clock. */
const NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/**
 * Cluster leases in `meta_leases` (name, holder, expires_at): each operation is one statement,
 * atomic under the row's lock, so two servers racing for a free or expired lease get one winner.
 */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly d: PgMetaDb) {}

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const row = await this.d.one<{ holder: string }>(
      `INSERT INTO meta_leases (name, holder, expires_at) VALUES ($1, $2, ${NOW} + $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE meta_leases.holder = excluded.holder OR meta_leases.expires_at <= ${NOW}
       RETURNING holder`,
      name,
      holder,
      ttl(ttlMs),
    );
    return row !== undefined;
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const changed = await this.d.run(
      `UPDATE meta_leases SET expires_at = ${NOW} + $3 WHERE name = $1 AND holder = $2`,
      name,
      holder,
      ttl(ttlMs),
    );
    return changed > 0;
  }

  async release(name: string, holder: string): Promise<boolean> {
    return (await this.d.run('DELETE FROM meta_leases WHERE name = $1 AND holder = $2', name, holder)) > 0;
  }
}

function ttl(ms: number): number {
  if (!Number.isInteger(ms) || ms < 1)
    throw new RangeError(`a lease ttl must be a positive whole number of ms (got ${ms})`);
  return ms;
}
