import type { PgIamStore, PgIamStoreOptions } from './pg-iam-store.js';

/**
 * Opens the PostgreSQL IAM store (PgIamStore.open), loading the driver only then: a server in
 * embedded mode never loads pg (~50 ms of start-up per worker).
 * @example const iam = await openPgIamStore({ url: process.env.TESSERA_METADATA_URL!, poolSize: 10 });
 */
export async function openPgIamStore(options: PgIamStoreOptions): Promise<PgIamStore> {
  const { PgIamStore } = await import('./pg-iam-store.js');
  return PgIamStore.open(options);
}
