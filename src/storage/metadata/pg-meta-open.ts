import type { PgMetadataStore, PgMetadataStoreOptions } from './pg-meta-store.js';

/**
 * Opens the PostgreSQL metadata store (PgMetadataStore.open), loading the driver only then: a
 * server in embedded mode never loads pg.
 * @example const metadata = await openPgMetadataStore({ url: process.env.TESSERA_METADATA_URL!, poolSize: 10 });
 */
export async function openPgMetadataStore(options: PgMetadataStoreOptions): Promise<PgMetadataStore> {
  const { PgMetadataStore } = await import('./pg-meta-store.js');
  return PgMetadataStore.open(options);
}
