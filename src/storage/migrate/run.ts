import type { MigrationOptions, MigrationReport } from './types.js';

/**
 * Moves an embedded deployment's metadata and IAM tables into PostgreSQL (docs/migrate.md), or
 * with `dryRun` checks and counts only. Loads the pg driver only when called. Throws
 * MigrationStopped when it refuses, when verification fails or when the copy fails (nothing is
 * committed then).
 * @example const report = await migrateToPostgres({ dataDir: './data', url: 'postgres://…' });
 */
export async function migrateToPostgres(options: MigrationOptions): Promise<MigrationReport> {
  const { migrate } = await import('./migrate.js');
  return migrate(options);
}
