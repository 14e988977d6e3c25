import type pg from 'pg';
import { canonicalSqlite, toPg } from './columns.js';
import { TableDigest } from './digest.js';
import type { TablePlan } from './plan.js';
import type { SqliteSource } from './sqlite-source.js';
import { type MigrationProgress, MigrationStopped } from './types.js';

/** PostgreSQL binds at most 65,535 parameters per statement; batches also stop at ~4 MiB of values. */
const MAX_PARAMS = 60_000;
const MAX_ROWS = 1000;
const MAX_BYTES = 4 << 20;

function sizeOf(v: unknown): number {
  if (Buffer.isBuffer(v)) return v.length;
  if (typeof v === 'string') return v.length;
  return 8;
}

/**
 * Copies one table inside the caller's transaction: SQLite rows in batches, each one multi-row
 * INSERT of the converted values. Returns the digest of the rows as read from SQLite (before
 * any conversion), which the verification compares with PostgreSQL's.
 */
export async function copyTable(
  client: pg.PoolClient,
  source: SqliteSource,
  plan: TablePlan,
  onProgress?: (p: MigrationProgress) => void,
): Promise<TableDigest> {
  const digest = new TableDigest();
  const names = plan.columns.map((c) => c.name);
  const quoted = names.map((n) => `"${n}"`).join(', ');
  const perRow = Math.max(1, plan.columns.length);
  const maxRows = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / perRow)));
  let params: unknown[] = [];
  let rows = 0;
  let bytes = 0;
  let done = 0;
  const report = () => onProgress?.({ phase: 'copy', table: plan.table, done, total: plan.rows });
  const flush = async () => {
    if (rows === 0) return;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      tuples.push(`(${plan.columns.map((_, i) => `$${r * perRow + i + 1}`).join(', ')})`);
    }
    await client.query({
      text: `INSERT INTO "${plan.table}" (${quoted}) VALUES ${tuples.join(', ')}`,
      values: params,
    });
    done += rows;
    params = [];
    rows = 0;
    bytes = 0;
    report();
  };
  report();
  for (const row of source.rows(plan.table, plan.columns)) {
    digest.add(
      names,
      plan.columns.map((c, i) => canonicalSqlite(c, row[i])),
    );
    plan.columns.forEach((c, i) => {
      let v: unknown;
      try {
        v = toPg(c, row[i]);
      } catch (e) {
        throw new MigrationStopped('failed', `${plan.table}.${c.name}: ${(e as Error).message}`);
      }
      params.push(v);
      bytes += sizeOf(v);
    });
    rows++;
    if (rows >= maxRows || bytes >= MAX_BYTES) await flush();
  }
  await flush();
  return digest;
}
