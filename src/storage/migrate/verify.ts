import type pg from 'pg';
import { canonicalPg } from './columns.js';
import { TableDigest } from './digest.js';
import type { TablePlan } from './plan.js';
import type { MigrationProgress } from './types.js';

const FETCH = 2000;

/**
 * The digest of a table as PostgreSQL holds it (the same canonical form as the SQLite side's,
 * digest.ts), read through a cursor inside the caller's transaction: what the copy wrote, before
 * it commits.
 */
export async function pgDigest(
  client: pg.PoolClient,
  plan: TablePlan,
  total: number,
  onProgress?: (p: MigrationProgress) => void,
): Promise<TableDigest> {
  const digest = new TableDigest();
  const names = plan.columns.map((c) => c.name);
  const cursor = `tessera_migrate_${plan.table}`;
  await client.query(
    `DECLARE "${cursor}" NO SCROLL CURSOR FOR SELECT ${names.map((n) => `"${n}"`).join(', ')} FROM "${plan.table}"`,
  );
  try {
    for (;;) {
      const { rows } = await client.query<unknown[]>({
        text: `FETCH ${FETCH} FROM "${cursor}"`,
        rowMode: 'array',
      });
      for (const row of rows) {
        digest.add(
          names,
          plan.columns.map((c, i) => canonicalPg(c, row[i])),
        );
      }
      onProgress?.({ phase: 'verify', table: plan.table, done: digest.rows, total });
      if (rows.length < FETCH) break;
    }
  } finally {
    await client.query(`CLOSE "${cursor}"`).catch(() => {});
  }
  return digest;
}
