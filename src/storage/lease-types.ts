/**
 * A cluster lease (shared mode, docs/shared-mode.md): a named row naming the one process that may
 * run a background job, with an expiry. The store's clock (the database's) decides expiry, so
 * servers with skewed clocks agree. The embedded backend has none: one machine, no lease needed.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` for `ttlMs`: succeeds when nobody holds it, its lease expired, or
   * `holder` already holds it (then it is renewed). Atomic across servers: one winner.
   */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease by `ttlMs` from now; false (and no change) unless `holder` holds it. */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (another server may take it at once); false unless `holder` held it. */
  release(name: string, holder: string): Promise<boolean>;
}
